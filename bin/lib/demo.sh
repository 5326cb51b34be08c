# bin/sss demo: the whole suite on this machine for one job. Sourced by bin/sss (common.sh and generate_key loaded).
#
# Without --keep: the embedded default (etc/sss.xml: a ring of four mpds, node1..node4 on 127.0.0.2-5, and every
# component) started from a copy under $SSS_VAR/demo on free ports, so a suite already running here is left alone;
# one PBS job running an MPI program over the four nodes; its progress and output; then everything stopped.
# With --keep: the embedded default itself (etc/sss.xml, state in $SSS_VAR, what `bin/sss start` runs), the same
# job, and the suite left running for the user to try (`bin/sss status`, `bin/sss stop`).
#
# The MPI program is built with MPICH's mpicc.mpich. When it is missing, root installs Debian's mpich (one line says
# so); anyone else gets ranks that print the same line from a shell, and one line saying how to get the MPI version.
# Exit status: the job's; 1 when the suite could not be started; 2 usage.

demo_say() {
  echo "demo: $*"
}

demo_usage() {
  cat <<USAGE
usage: bin/sss demo [--keep]

Builds the suite if needed, starts it over a ring of four local mpds (node1..node4 on 127.0.0.2-127.0.0.5), runs
one PBS job whose mpiexec starts an MPI program on the four nodes, shows its progress and output, and stops
everything. Run as root on a machine without MPICH, it first installs Debian's mpich for the MPI program.

  --keep    run the embedded default (etc/sss.xml, what bin/sss start runs) and leave it running after the job:
            the dashboard, bin/sssjob and qsub, bin/sss status and bin/sss stop then work on it
Exit status: the job's exit status; 1 if the suite could not be started; 2 usage.
USAGE
}

cmd_demo() {
  local keep=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --keep) keep=true ;;
      --help|-h) demo_usage; return 0 ;;
      *) demo_usage >&2; SSS_DIE_STATUS=2 sss_die "demo: unknown argument '$1'" ;;
    esac
    shift
  done
  sss_find_java
  demo_mpi_compiler
  sss_ensure_built
  if $keep; then
    demo_keep
  else
    demo_once
  fi
}

# Sets DEMO_MPICC to MPICH's compiler, installing Debian's mpich first when this runs as root; empty when there is none.
demo_mpi_compiler() {
  DEMO_MPICC=""
  if ! command -v mpicc.mpich >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    demo_say "installing Debian's mpich and libmpich-dev for the demo's MPI program (apt-get, as root; log in $SSS_HOME/target/apt.log)"
    sss_apt_install mpich libmpich-dev || demo_say "the install failed (see $SSS_HOME/target/apt.log)"
  fi
  if command -v mpicc.mpich >/dev/null 2>&1; then
    DEMO_MPICC="mpicc.mpich"
  else
    demo_say "mpicc.mpich is missing, so the ranks run a shell line instead of an MPI program; for the MPI version: sudo apt-get install mpich libmpich-dev (or run bin/sss demo as root)"
  fi
}

# The demo without --keep: a private copy of the embedded default, gone after the job.
demo_once() {
  local demo="$SSS_VAR/demo" status=0 root_ok=false
  rm -rf "$demo"
  mkdir -p "$demo/etc" "$demo/var/keys" "$demo/work"
  chmod 700 "$demo/var/keys"
  DEMO_DIR="$demo"
  trap demo_cleanup EXIT
  [ "$(id -u)" -eq 0 ] && root_ok=true
  # The embedded default (etc/sss.xml) as shipped, in a directory of its own: its fixed ports moved to free ones so
  # that a suite already running here is left alone, and jobs allowed to run as root when the demo runs as root.
  sed -e "s/port=\"7700\"/port=\"$(demo_free_port)\"/" -e 's/port="7701"/port="0"/' \
      -e "s/dashboard-port=\"7780\"/dashboard-port=\"$(demo_free_port)\"/" -e "s/:7710/:$(demo_free_port)/g" \
      -e "s/<process-manager /<process-manager allow-root=\"$root_ok\" /" -e 's/cluster="local"/cluster="demo"/' \
      "$SSS_HOME/etc/sss.xml" >"$demo/etc/sss.xml"
  generate_key "$demo/var/keys/suite.key" >/dev/null
  generate_key "$demo/var/keys/admin.key" >/dev/null
  generate_key "$demo/var/keys/viewer.key" >/dev/null
  demo_say "starting the suite and a ring of four mpds, node1..node4 on 127.0.0.2-127.0.0.5 (configuration: $demo/etc/sss.xml)"
  SSS_VAR="$demo/var" SSS_CONFIG="$demo/etc/sss.xml" "$SSS_HOME/bin/sss" start | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  demo_job "$demo/work" "$demo/var/run/queue-manager.sock" "" || status=$?
  demo_say "stopping the suite and the ring"
  return "$status"
}

# The demo with --keep: the embedded default itself, left running. Its process manager never runs jobs as root
# (allow-root is off), so root's demo job runs as nobody, in a directory of its own under /tmp.
demo_keep() {
  local work runner="" status=0 sock="$SSS_VAR/run/queue-manager.sock"
  SSS_CONFIG="$SSS_HOME/etc/sss.xml"
  demo_say "starting the embedded default (etc/sss.xml; state in $SSS_VAR): a ring of four mpds, node1..node4 on 127.0.0.2-127.0.0.5, and every component"
  SSS_CONFIG="$SSS_CONFIG" "$SSS_HOME/bin/sss" start | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  if [ "$(id -u)" -eq 0 ]; then
    runner=nobody
    if ! runuser -u "$runner" -- test -x "$SSS_HOME/bin/mpiexec" 2>/dev/null; then
      demo_say "the suite is running, but user $runner cannot reach $SSS_HOME: jobs run as their users, so put the checkout where they can read it (stop with bin/sss stop)"
      return 1
    fi
    work="$(mktemp -d /tmp/sss-demo.XXXXXX)"
    chown "$runner" "$work"
    demo_say "the suite runs no job as root (allow-root is off): the demo job runs as user $runner, in $work"
  else
    work="$SSS_VAR/demo-work"
    mkdir -p "$work"
  fi
  demo_job "$work" "$sock" "$runner" || status=$?
  demo_say "the suite keeps running (--keep):"
  sed 's/^/  /' <<TEXT
dashboard  $(demo_dashboard_url)
submit     ${runner:+as an ordinary user: }bin/sssjob submit job.sh   (or bin/qsub job.sh; bin/sssjob --help)
status     bin/sss status
stop       bin/sss stop
TEXT
  return "$status"
}

# demo_job WORK SOCKET [USER]: builds the program, submits the demo's PBS script from WORK (as USER when given),
# follows it to its end and shows its output. Returns the job's exit status.
demo_job() {
  local work="$1" sock="$2" runner="$3" program="./hello" id status=0
  local as=()
  [ -n "$runner" ] && as=(runuser -u "$runner" --)
  if [ -n "$DEMO_MPICC" ] && "${as[@]}" "$DEMO_MPICC" -O2 -o "$work/hello" "$SSS_HOME/testkit/src/test/c/hello.c" \
      2>"$work/mpicc.err"; then
    demo_say "built an MPI program with $DEMO_MPICC: $SSS_HOME/testkit/src/test/c/hello.c"
  else
    [ -n "$DEMO_MPICC" ] && demo_say "$DEMO_MPICC failed ($(tail -n 1 "$work/mpicc.err")), so the ranks run a shell line instead"
    program="sh -c 'echo \"hello from rank \$PMI_RANK of \$PMI_SIZE on \$(hostname) mpd=\$MPD_HOST\"'"
  fi
  cat >"$work/demo.sh" <<SCRIPT
#!/bin/sh
#PBS -N demo
#PBS -l nodes=4:ppn=1
#PBS -l walltime=00:05:00
#PBS -j oe
echo "job \$PBS_JOBID on \$(sort -u "\$PBS_NODEFILE" | tr '\n' ' ')"
mpiexec -n \$PBS_NP $program
SCRIPT
  [ -n "$runner" ] && chown "$runner" "$work/demo.sh"
  id="$(cd "$work" && SSS_QM_SOCKET="$sock" "${as[@]}" "$SSS_HOME/bin/qsub" demo.sh)" || return 1
  demo_say "submitted $work/demo.sh as job $id${runner:+ (user $runner)}:"
  sed 's/^/  | /' "$work/demo.sh"
  SSS_QM_SOCKET="$sock" "$SSS_HOME/bin/sssjob" wait "${id%%.*}" || status=$?
  demo_say "its output ($work/demo.o${id%%.*}):"
  sed 's/^/  /' "$work/demo.o${id%%.*}" 2>/dev/null || true
  return "$status"
}

# The dashboard's address, as the web component registered it with the directory.
demo_dashboard_url() {
  local url
  # shellcheck disable=SC2046
  url="$($(sss_command sss-status) --config "$SSS_CONFIG" | sed -n 's/^Dashboard: *//p' | head -n 1)"
  echo "${url:-http://127.0.0.1:7780/ (the web component has not registered it yet)}"
}

demo_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

demo_cleanup() {
  [ -n "${DEMO_DIR:-}" ] || return 0
  SSS_VAR="$DEMO_DIR/var" SSS_CONFIG="$DEMO_DIR/etc/sss.xml" "$SSS_HOME/bin/sss" stop >/dev/null 2>&1 || true
  return 0
}
