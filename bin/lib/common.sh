# Shared by the bin/ scripts: finds a JDK 25+, builds the suite when the build is missing or stale, and knows
# each program's main class and classpath. Source it; it sets SSS_HOME and JAVA.
#
# The same scripts run from a checkout and from a release (bin/sss dist: the tarball, or the Debian package at
# /opt/sss). A release has a RELEASE file, its Java runtime in runtime/ (made by jlink: no JDK needed), every jar in
# lib/ (lib/classpath.jar names them all) and nothing to build. An installed release whose host has /etc/sss/sss.xml
# (the package's configuration) reads it and keeps its state in /var/lib/sss and its logs in /var/log/sss, unless
# SSS_CONFIG, SSS_VAR or SSS_LOG_DIR say otherwise.

SSS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SSS_HOME
source "$SSS_HOME/bin/lib/wait.sh"
if [ -f "$SSS_HOME/RELEASE" ] && [ -d "$SSS_HOME/lib" ]; then
  SSS_RELEASE=true
else
  SSS_RELEASE=false
fi
if $SSS_RELEASE && [ -z "${SSS_CONFIG:-}" ] && [ -f /etc/sss/sss.xml ]; then
  export SSS_CONFIG=/etc/sss/sss.xml
  SSS_VAR="${SSS_VAR:-/var/lib/sss}"
  SSS_LOG_DIR="${SSS_LOG_DIR:-/var/log/sss}"
fi
SSS_VAR="${SSS_VAR:-$SSS_HOME/var}"
SSS_LOG_DIR="${SSS_LOG_DIR:-$SSS_VAR/log}"
SSS_STAMP="$SSS_HOME/target/.sss-build-stamp"

sss_die() {
  echo "$(basename "$0"): $*" >&2
  exit "${SSS_DIE_STATUS:-1}"
}

# The major version of a java binary, or 0.
sss_java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)"
  case "$v" in
    1.*) echo "${v#1.}" | cut -d. -f1 ;;
    [0-9]*) echo "$v" | cut -d. -f1 ;;
    *) echo 0 ;;
  esac
}

# Sets JAVA_HOME and JAVA: a release's own runtime, else JAVA_HOME if it is 25 or newer, else the newest JDK 25+
# under /usr/lib/jvm.
sss_find_java() {
  if $SSS_RELEASE && [ -x "$SSS_HOME/runtime/bin/java" ]; then
    export JAVA_HOME="$SSS_HOME/runtime"
    JAVA="$JAVA_HOME/bin/java"
    return
  fi
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(sss_java_major "$JAVA_HOME/bin/java")" -ge 25 ]; then
    JAVA="$JAVA_HOME/bin/java"
    return
  fi
  local best="" best_major=0 dir major
  for dir in /usr/lib/jvm/*/; do
    dir="${dir%/}"
    [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
    major="$(sss_java_major "$dir/bin/java")"
    if [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then
      best="$dir"
      best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    sss_die "needs a Java 25 (or newer) JDK: none in JAVA_HOME or under /usr/lib/jvm.
  Install Eclipse Temurin 25 (Debian package temurin-25-jdk from https://packages.adoptium.net/artifactory/deb)
  or Debian's openjdk-25-jdk where your release has it, or point JAVA_HOME at a JDK 25."
  fi
  export JAVA_HOME="$best"
  JAVA="$best/bin/java"
}

# True when sources, schemas or poms changed since the last build (or there was none).
sss_build_is_stale() {
  $SSS_RELEASE && return 1
  [ -f "$SSS_STAMP" ] || return 0
  [ -n "$(find "$SSS_HOME" \( -path "$SSS_HOME/.git" -o -path "$SSS_HOME/var" -o -name target \) -prune -o \
    \( -name pom.xml -o -path '*/src/main/*' -o -path "$SSS_HOME/schemas/*" \) -newer "$SSS_STAMP" -print -quit)" ]
}

# Builds the product (./mvnw package, without running the tests): Maven's output goes to target/build.log, and a
# failure prints the one line that says why and where the whole log is, never Maven's stack traces.
SSS_BUILD_LOG="$SSS_HOME/target/build.log"
sss_build() {
  $SSS_RELEASE && sss_die "this is a release ($(cat "$SSS_HOME/RELEASE")): there is nothing to build"
  command -v gcc >/dev/null 2>&1 || sss_die "the build needs gcc (mpiexec and the mpd's launch helper are C programs): apt-get install gcc"
  mkdir -p "$SSS_HOME/target"
  echo "$(basename "$0"): building the suite (./mvnw package; a few minutes the first time, log in $SSS_BUILD_LOG)..." >&2
  if ! (cd "$SSS_HOME" && ./mvnw -B -DskipTests package) >"$SSS_BUILD_LOG" 2>&1; then
    sss_die "the build failed: $(sss_build_failure "$SSS_BUILD_LOG") (the whole log: $SSS_BUILD_LOG)"
  fi
  touch "$SSS_STAMP"
  sss_sssjob_aot
}

# The line of a failed Maven build's log that says why: the first error that names something (a compiler message
# with its file and line, a dependency that cannot be resolved, a plugin's reason), else the log's last line.
sss_build_failure() {
  local line
  line="$(sed -n 's/^\[ERROR\] //p' "$1" | grep -v -e '^ *$' -e '^COMPILATION ERROR' -e '^-> \[Help' -e '^To see the full' \
    -e '^Re-run Maven' -e '^For more information' -e '^\[Help' -e '^After correcting' -e '^  *mvn ' | head -n 1)"
  case "$line" in
    # A native compiler's complaint comes before Maven's "Command execution failed": its own last line says why.
    "Command execution failed"*)
      line="$(sed -n '/^\[ERROR\]/q; /^\[/!p' "$1" | grep -v '^ *$' >"$1.native" || true
        grep -m 1 -i 'error' "$1.native" || tail -n 1 "$1.native")"
      rm -f "$1.native" ;;
  esac
  [ -n "$line" ] || line="$(grep -v '^ *$' "$1" | tail -n 1)"
  echo "${line:-no output (see the log)}"
}

# The users' command line starts once per command: bin/sssjob runs it with an ahead-of-time cache of its classes
# (JDK 25, JEP 483/514), made here by one training run (AotTraining: the everyday commands against made-up replies), and with the JDK that made it (recorded in
# target/.sss-java), so that its fast path needs neither a JDK search nor a staleness check.
SSS_SSSJOB_AOT="$SSS_HOME/sssjob/target/sssjob.aot"
sss_sssjob_aot() {
  local jar training
  jar="$(sss_sssjob_jar)" || return 0
  [ -w "$SSS_HOME/sssjob/target" ] || return 0
  training="$SSS_HOME/sssjob/target/aot-training"
  mkdir -p "$training"
  rm -f "$SSS_SSSJOB_AOT"
  # shellcheck disable=SC2046
  "$JAVA" -XX:AOTCacheOutput="$SSS_SSSJOB_AOT" $(sss_jvm_options sssjob) -cp "$jar" \
    org.sss.sssjob.internal.AotTraining "$training" >/dev/null 2>&1 || true
  echo "$JAVA" >"$SSS_HOME/target/.sss-java"
}

sss_sssjob_jar() {
  local jar
  for jar in "$SSS_HOME"/sssjob/target/sssjob-*.jar; do
    [ -f "$jar" ] && { echo "$jar"; return 0; }
  done
  return 1
}

sss_ensure_built() {
  if sss_build_is_stale; then
    sss_build
  fi
}

# Installs Debian packages with apt-get (the caller checks it runs as root), its output in target/apt.log; false when
# apt-get fails.
sss_apt_install() {
  mkdir -p "$SSS_HOME/target"
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  } >"$SSS_HOME/target/apt.log" 2>&1
}

# program name -> "module main-class"
sss_program() {
  case "$1" in
    service-directory) echo "service-directory org.sss.servicedirectory.ServiceDirectoryMain" ;;
    event-manager) echo "event-manager org.sss.eventmanager.EventManagerMain" ;;
    process-manager) echo "process-manager org.sss.processmanager.ProcessManagerMain" ;;
    queue-manager) echo "queue-manager org.sss.queuemanager.QueueManagerMain" ;;
    node-state-manager) echo "node-state-manager org.sss.nodestatemanager.NodeStateManagerMain" ;;
    scheduler) echo "scheduler org.sss.scheduler.SchedulerMain" ;;
    web) echo "web org.sss.web.WebMain" ;;
    ssssend) echo "ssslib org.sss.lib.tool.SsssendMain" ;;
    sssadmin) echo "ssslib org.sss.lib.tool.SssadminMain" ;;
    sss-status) echo "ssslib org.sss.lib.tool.SuiteStatusMain" ;;
    mpd) echo "mpd org.sss.mpd.MpdMain" ;;
    mpdboot) echo "mpd org.sss.mpd.tools.MpdBootMain" ;;
    mpdtrace) echo "mpd org.sss.mpd.tools.MpdTraceMain" ;;
    mpdringtest) echo "mpd org.sss.mpd.tools.MpdRingTestMain" ;;
    mpdlistjobs) echo "mpd org.sss.mpd.tools.MpdListJobsMain" ;;
    mpdsigjob) echo "mpd org.sss.mpd.tools.MpdSigJobMain" ;;
    mpdkilljob) echo "mpd org.sss.mpd.tools.MpdKillJobMain" ;;
    mpdallexit) echo "mpd org.sss.mpd.tools.MpdAllExitMain" ;;
    *) return 1 ;;
  esac
}

# The components bin/sss knows, in start order; a configuration runs those it has an element for.
SSS_COMPONENTS="service-directory event-manager process-manager node-state-manager queue-manager scheduler web"

# The class path of a module's programs: in a checkout its classes and target/lib; in a release lib/classpath.jar,
# whose manifest names every jar beside it (one path, so that it needs no quoting where sss_command's line is split).
sss_classpath() {
  if $SSS_RELEASE; then
    echo "$SSS_HOME/lib/classpath.jar"
  else
    echo "$SSS_HOME/$1/target/classes:$SSS_HOME/$1/target/lib/*"
  fi
}

# A native program built with the mpd module (mpiexec, sss-exec): in a checkout under mpd/target/native, in a
# release mpiexec is bin/mpiexec itself and the others are in lib/native.
sss_native() {
  if ! $SSS_RELEASE; then
    echo "$SSS_HOME/mpd/target/native/$1"
  elif [ "$1" = mpiexec ]; then
    echo "$SSS_HOME/bin/mpiexec"
  else
    echo "$SSS_HOME/lib/native/$1"
  fi
}

# Runs a program in the foreground (replacing this shell).
sss_exec() {
  local program="$1"; shift
  local spec module main
  spec="$(sss_program "$program")" || sss_die "unknown program '$program'"
  read -r module main <<<"$spec"
  exec "$JAVA" $(sss_jvm_options "$program" "$@") -cp "$(sss_classpath "$module")" "$main" "$@"
}

# Command-line tools start small and fast; an mpd (dozens may share a machine) keeps a small heap. The daemons
# (components, and an mpd of one member) compile with C1 only and collect with the serial collector: their work is
# many small messages, and with C2 the suite spent a fifth to a quarter of its CPU compiling still after thousands of
# jobs, while C1's code ran the same jobs on 40-50 % less CPU in all (docs/PERFORMANCE.md, "C1 for the daemons").
# The scheduler keeps the tiered compiler: its planner computes over every queued job and node (thousands of each on
# a cluster, docs/SCALE.md), where C2's code pays. So does a JVM of many ring members (tests, benchmarks), for its
# long fan-outs. $SSS_JVM_OPTIONS, when set, is
# added to the daemons' options (components and mpds), after these, so that an administrator can size a heap or
# choose a collector or compiler (-XX:TieredStopAtLevel=4 restores C2). The program's arguments may follow its name:
# `mpd --members N` (N ring members in one JVM) gets a heap that fits N (see sss_mpd_heap).
sss_jvm_options() {
  local program="$1"; shift
  case "$program" in
    sssjob) echo "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k" ;;
    ssssend|sssadmin|sss-status|mpdboot|mpdtrace|mpdringtest|mpdlistjobs|mpdsigjob|mpdkilljob|mpdallexit)
      echo "--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto" ;;
    mpd) echo "--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC $(sss_mpd_compiler "$@") -Xss512k $(sss_mpd_heap "$@") ${SSS_JVM_OPTIONS:-}" ;;
    scheduler) echo "--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC ${SSS_JVM_OPTIONS:-}" ;;
    *) echo "--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 $SSS_C1_EARLY ${SSS_JVM_OPTIONS:-}" ;;
  esac
}

# C1 compiles a method after a tenth of its default count of calls and loops: its code is cheap to make, and a
# component interpreting its message path cost the first round of jobs after a start 10-15 % more CPU.
SSS_C1_EARLY="-XX:Tier3InvocationThreshold=20 -XX:Tier3MinInvocationThreshold=10 -XX:Tier3CompileThreshold=200 -XX:Tier3BackEdgeThreshold=2000"

# An mpd's compiler: C1 only for one member (a host's mpd), tiered for `--members N` with N > 1.
sss_mpd_compiler() {
  while [ $# -gt 0 ]; do
    if [ "$1" = --members ] && [ $# -gt 1 ] && [[ "$2" =~ ^[0-9]{1,6}$ ]] && [ "$((10#$2))" -gt 1 ]; then return; fi
    shift
  done
  echo "-XX:TieredStopAtLevel=1 $SSS_C1_EARLY"
}

# An mpd's heap: 256 MB. With `--members N` a JVM holds N members, each about 1.1 MB of live heap (its links'
# buffers, job tables, threads; measured at 256 to 1,024 members), so it gets 256 MB + 2 MB per member, committed
# from the start, and a young generation of 32 MB + 0.25 MB per member: grown from a small heap, the collector would
# run a young collection per megabyte allocated, each scanning thousands of thread stacks (at 512 members that was
# 2,000 collections and 100 s of pauses during the boot).
sss_mpd_heap() {
  local n=0
  while [ $# -gt 0 ]; do
    if [ "$1" = --members ] && [ $# -gt 1 ] && [[ "$2" =~ ^[0-9]{1,6}$ ]]; then n=$((10#$2)); fi
    shift
  done
  if [ "$n" -gt 1 ]; then
    local heap=$((256 + 2 * n))
    echo "-Xms${heap}m -Xmx${heap}m -Xmn$((32 + n / 4))m"
  else
    echo "-Xms16m -Xmx256m"
  fi
}

# Command line for a program, for starting it in the background.
sss_command() {
  local program="$1"; shift
  local spec module main
  spec="$(sss_program "$program")" || return 1
  read -r module main <<<"$spec"
  echo "$JAVA $(sss_jvm_options "$program") -cp $(sss_classpath "$module") $main"
}
