#!/usr/bin/env bash
# The release, installed by role and run as its systemd units say, on five network-namespace hosts: builds it
# (bin/sss dist; SSS_RELEASE_DEB=FILE takes a .deb already built), installs the Debian package with dpkg, follows
# etc/cluster/README.md - head1 (directory, event manager, node state manager, scheduler, dashboard), login1
# (queue manager, process manager, users' commands), node1..node3 (an mpd each) - with `sss keys init` on each
# host, starts every process from its unit file (tests/systemd-unit.sh: User, Group, SupplementaryGroups,
# Environment, EnvironmentFile, capabilities, ExecStart), submits as two ordinary users on login1 (qsub, sssjob,
# qstat, qdel), runs an MPICH program across the three compute hosts, reads the dashboard from login1 with the
# viewer key, and checks that nothing but the mpds runs as root and that no JDK is needed.
#
# Nothing of this machine changes: the test runs in its own mount namespace, where /etc, /usr, /opt, /var and /home
# are overlays on throw-away directories (the package, the users alice and bob and the account sss exist there
# only) and /usr/lib/jvm is empty; each host's /etc/sss is its own (ip netns exec binds /etc/netns/HOST/sss);
# /home and /var/lib/sss are shared by the hosts, as NFS shares them on a cluster. Addresses 10.222.0.0/24, bridge
# relbr0. Needs root, iproute2, util-linux (unshare, setpriv), dpkg and overlayfs; where those are missing it says
# why and exits 0 without running (CI runs it as root).
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
if [ "${SSS_RELEASE_TEST_NS:-}" != 1 ]; then
  for tool in ip unshare setpriv dpkg dpkg-deb runuser curl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "tests/release.sh: SKIPPED: needs $tool"; exit 0; }
  done
  if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null || ! ip netns add relprobe 2>/dev/null; then
    echo "tests/release.sh: SKIPPED: needs root, mount and network namespaces"
    exit 0
  fi
  ip netns del relprobe
  exec unshare --mount --propagation private env SSS_RELEASE_TEST_NS=1 "$0" "$@"
fi

WORK="$(mktemp -d /tmp/sss-release.XXXXXX)"
chmod 755 "$WORK"
unset SSS_CONFIG SSS_VAR SSS_LOG_DIR SSS_HOME SSS_QM_SOCKET MPD_CONF_FILE MPD_CONSOLE
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/systemd-unit.sh"
NET=10.222.0
BRIDGE=relbr0
# host namespace, host name, address
HOSTS="relhead:head1:$NET.10 rellogin:login1:$NET.11 relc1:node1:$NET.21 relc2:node2:$NET.22 relc3:node3:$NET.23"
OVERLAYS="etc usr opt var home"
PIDS=()

teardown() {
  local pid entry ns
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null; done
  for entry in $HOSTS; do
    ns="${entry%%:*}"
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  for entry in 0 1 2 3 4; do ip link del "relv$entry" 2>/dev/null; done
  ip link del "$BRIDGE" 2>/dev/null
  return 0
}
cleanup() {
  # The logs (the journal's part), kept for a look after the test: target/release-test/.
  rm -rf "$ROOT/target/release-test" && mkdir -p "$ROOT/target/release-test" &&
    cp -a "$WORK/log/." "$ROOT/target/release-test/" 2>/dev/null
  teardown
  local d
  for d in /usr/lib/jvm $OVERLAYS; do umount -l "/${d#/}" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 1" INT TERM
teardown

# 1. The release.
if [ -n "${SSS_RELEASE_DEB:-}" ]; then
  DEB="$SSS_RELEASE_DEB"
else
  out="$("$ROOT/bin/sss" dist 2>&1)"; status=$?
  echo "$out" | sed 's/^/  | /'
  check "bin/sss dist builds the release" test "$status" -eq 0
  DEB="$(awk '/\.deb /{print $1}' <<<"$out")"
  TARBALL="$(awk '/\.tar\.gz /{print $1}' <<<"$out")"
  check "... a tarball with a Java runtime, the jars, the C programs, bin/, etc/, schemas/, docs and man pages" \
    test "$(tar -tzf "$TARBALL" | grep -cE '^sss-[^/]+/(runtime/bin/java|lib/classpath\.jar|bin/mpiexec|lib/native/sss-exec|etc/cluster/README\.md|schemas/|docs/|man/man1/qsub\.1\.gz|RELEASE)$')" -eq 9
fi
[ -f "$DEB" ] || { echo "tests/release.sh: no Debian package ($DEB)"; exit 1; }

# 2. A machine of its own: overlays, no JDK, five hosts on a bridge.
for d in $OVERLAYS; do
  mkdir -p "$WORK/overlay/$d/upper" "$WORK/overlay/$d/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$WORK/overlay/$d/upper,workdir=$WORK/overlay/$d/work" "/$d" ||
    { echo "tests/release.sh: cannot mount an overlay on /$d"; exit 1; }
done
mount -t tmpfs -o size=1m,mode=755 nojdk /usr/lib/jvm
unset JAVA_HOME
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
check "the hosts have no JDK (an empty /usr/lib/jvm, no java on PATH)" bash -c '! command -v java && [ -z "$(ls /usr/lib/jvm)" ]'

ip link add "$BRIDGE" type bridge && ip addr add "$NET.1/24" dev "$BRIDGE" && ip link set "$BRIDGE" up
i=0
for entry in $HOSTS; do
  IFS=: read -r ns name address <<<"$entry"
  ip netns add "$ns"
  ip link add "relv$i" type veth peer name eth0 netns "$ns"
  ip link set "relv$i" master "$BRIDGE" up
  ip -n "$ns" addr add "$address/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  echo "$address $name" >>/etc/hosts
  i=$((i + 1))
done
check "five hosts answer on the bridge" bash -c "for a in 10 11 21 22 23; do ping -c1 -W2 $NET.\$a >/dev/null || exit 1; done"

# on HOST COMMAND...: runs a command on a host (its network, its /etc/sss, its host name) in the foreground.
on() {
  local entry ns name
  entry="$(tr ' ' '\n' <<<"$HOSTS" | grep "^[^:]*:$1:")"
  IFS=: read -r ns name _ <<<"$entry"
  shift
  ip netns exec "$ns" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$name" "$@"
}
# start HOST UNIT [INSTANCE]: starts a unit on a host in the background, as its unit file says; its output (the
# journal's) in log/HOST-UNIT.log. Each in a session of its own, as systemd starts services.
UNITS=/lib/systemd/system
start() {
  local host="$1" unit="$2" instance="${3:-}"
  unit_command "$UNITS/$unit" "$instance" || { echo "tests/release.sh: cannot start $unit ($instance)"; return 1; }
  on "$host" setsid "${UNIT_ARGV[@]}" >>"$WORK/log/$host-${instance:-${unit%.service}}.log" 2>&1 </dev/null &
  PIDS+=($!)
  STARTED="$STARTED $host:${instance:-mpd}:$!"
}
# wait_for SECONDS CONDITION: as wait_until, but by the clock: these conditions start JVMs, which take a while.
wait_for() {
  local end=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$end" ]; do
    eval "$2" && return 0
    sleep 0.5
  done
  return 1
}
mkdir -p "$WORK/log"
STARTED=""

# 3. The package, installed once (the hosts share /opt and /usr, as if each had installed it), then each host's
# configuration as etc/cluster/README.md says.
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >"$WORK/log/dpkg.log" 2>&1; status=$?
sed 's/^/  | /' "$WORK/log/dpkg.log" | tail -n 3
check "dpkg -i installs the package" test "$status" -eq 0
check "... at /opt/sss, with its own Java runtime" test -x /opt/sss/runtime/bin/java -a -f /opt/sss/RELEASE
check "... the account sss (no login) and the key groups" \
  bash -c 'getent passwd sss | grep -q ":/usr/sbin/nologin$" && getent group sss-ring && getent group sss-viewer' >/dev/null
check "... /var/lib/sss, /var/log/sss and /etc/sss/keys for it" \
  test "$(stat -c '%U:%G:%a' /var/lib/sss /var/log/sss /etc/sss/keys | tr '\n' ' ')" = "sss:sss:755 sss:sss:750 root:sss:750 "
check "... users' commands on PATH (qsub, qstat, sssjob in /usr/bin; mpiexec is the suite's)" \
  test "$(readlink -f /usr/bin/qsub):$(readlink -f /usr/bin/mpiexec):$(readlink -f /usr/bin/sssjob)" = \
    "/opt/sss/bin/sssjob:/opt/sss/bin/mpiexec:/opt/sss/bin/sssjob"
check "... the units in /lib/systemd/system and the man pages" \
  test -f "$UNITS/sss@.service" -a -f "$UNITS/sss-mpd.service" -a -f /usr/share/man/man1/qsub.1.gz
for role in head login; do
  mkdir -p "/etc/netns/rel$role"
  cp -a /etc/sss "/etc/netns/rel$role/sss"
  cp "/opt/sss/etc/cluster/$role.xml" "/etc/netns/rel$role/sss/sss.xml"
done
out="$(on head1 /opt/sss/bin/sss keys init 2>&1)"; status=$?
echo "$out" | sed 's/^/  | /'
check "sss keys init on head1 makes its keys" test "$status" -eq 0 -a "$(grep -c '^sss keys: made' <<<"$out")" -eq 4
head_keys=/etc/netns/relhead/sss/keys
check "... the suite's keys sss's 0600, the ring's secret root:sss-ring 0640, the viewer key root:sss-viewer 0640" \
  test "$(stat -c '%n %U:%G %a' $head_keys/{suite.key,admin.key,mpd.conf,viewer.key} | sed 's|.*/||' | tr '\n' ' ')" = \
    "suite.key sss:sss 600 admin.key sss:sss 600 mpd.conf root:sss-ring 640 viewer.key root:sss-viewer 640 "
# Copied as README.md says: login1 gets the suite's keys and the ring's secret, the compute nodes the secret.
cp -p $head_keys/{suite.key,admin.key,mpd.conf} /etc/netns/rellogin/sss/keys/
cp -p $head_keys/mpd.conf /etc/sss/keys/
out="$(on login1 /opt/sss/bin/sss keys init 2>&1)"; status=$?
check "sss keys init on login1 keeps the copied keys (makes none) and shows the same fingerprints" \
  test "$status" -eq 0 -a "$(grep -c '^sss keys: made' <<<"$out")" -eq 0 -a \
    "$(on login1 /opt/sss/bin/sss keys show | awk 'NR>1{print $5}' | sort | tr '\n' ' ')" = \
    "$(on head1 /opt/sss/bin/sss keys show | awk 'NR>1 && $1!="viewer-key"{print $5}' | sort | tr '\n' ' ')"
on node1 /opt/sss/bin/sss keys init --compute >/dev/null 2>&1; status=$?
check "sss keys init --compute: the mpds' secret is root's, 0600" \
  test "$status" -eq 0 -a "$(stat -c '%U:%G %a' /etc/sss/keys/mpd.conf)" = "root:root 600"
chmod 0644 /etc/netns/rellogin/sss/keys/suite.key
out="$(on login1 /opt/sss/bin/sss keys show 2>&1)"; status=$?
check "sss keys show finds a key left world-readable (exit 1, saying what it should be)" \
  bash -c '[ "$1" -eq 1 ] && grep -q "suite.key .* 644 .*should be sss:sss 0600" <<<"$2"' _ "$status" "$out"
on login1 /opt/sss/bin/sss keys init >/dev/null 2>&1
check "... and sss keys init puts it right" on login1 /opt/sss/bin/sss keys show >/dev/null

# 4. Every process as its unit says: the mpds, then head1's components, then login1's.
start node1 sss-mpd.service
wait_for 60 "(echo >/dev/tcp/$NET.21/7710) 2>/dev/null"
start node2 sss-mpd.service
start node3 sss-mpd.service
ring() { on node1 env MPD_CONF_FILE=/etc/sss/keys/mpd.conf /opt/sss/bin/mpdtrace --mpd "$NET.21:7710" 2>/dev/null | wc -l; }
wait_for 90 '[ "$(ring)" -eq 3 ]'
check "three mpds, started by sss-mpd.service, make one ring" test "$(ring)" -eq 3
for c in service-directory event-manager node-state-manager scheduler web; do start head1 sss@.service "$c"; done
for c in process-manager queue-manager; do start login1 sss@.service "$c"; done
nodes_up() { on head1 /opt/sss/bin/sssadmin nodes 2>/dev/null | grep -c ' up '; }
wait_for 120 '[ "$(nodes_up)" -eq 3 ] && [ -S /var/lib/sss/run/queue-manager.sock ]'
check "the components see the three nodes up, and the users' socket is there" \
  test "$(nodes_up)" -eq 3 -a -S /var/lib/sss/run/queue-manager.sock
if [ "$(nodes_up)" -ne 3 ]; then tail -n 5 "$WORK"/log/*.log; fi
registered="$(on head1 /opt/sss/bin/ssssend service-directory - <<<'<get-location><location component="*" host="*" port="*"/></get-location>' 2>&1)"
check "the seven components registered, from head1 and login1" \
  test "$(grep -oE "<host>(head1|login1|$NET\.1[01])</host>" <<<"$registered" | wc -l)" -ge 7

# 5. Two users on login1.
for user in alice bob; do
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
done
check "MPICH (mpicc.mpich, which bin/sss test installs) builds the MPI program" \
  bash -c 'mpicc.mpich -O2 -o /home/alice/hello "$1" && chown alice: /home/alice/hello' _ "$ROOT/testkit/src/test/c/hello.c"
cat >/home/alice/mpi.sh <<'SCRIPT'
#!/bin/sh
#PBS -N hello
#PBS -l nodes=3:ppn=1,walltime=00:05:00
#PBS -j oe
echo "script as $(id -un) on $(hostname), mpiexec $(command -v mpiexec)"
mpiexec -n 3 /home/alice/hello
SCRIPT
cat >/home/bob/long.sh <<'SCRIPT'
#!/bin/sh
#PBS -l nodes=3:ppn=1,walltime=00:05:00
#PBS -j oe
mpiexec -n 3 sleep 300
SCRIPT
chown alice: /home/alice/mpi.sh; chown bob: /home/bob/long.sh
# as USER on login1, in a login shell (no SSS_CONFIG: the commands find /etc/sss/sss.xml themselves)
as() { local user="$1"; shift; on login1 runuser -l "$user" -c "$*"; }
long="$(as bob sssjob submit long.sh)"; long="${long%%.*}"
check "bob submits with sssjob on login1" test -n "$long"
# The compute hosts where one of bob's `sleep 300` ranks runs, as bob.
ranks() {
  local ns
  for ns in relc1 relc2 relc3; do
    for pid in $(ip netns pids "$ns"); do
      [ "$(stat -c %U "/proc/$pid" 2>/dev/null)" = bob ] && [ "$(tr "\\0" " " <"/proc/$pid/cmdline" 2>/dev/null)" = "sleep 300 " ] && echo "$ns"
    done
  done | sort -u | wc -l
}
wait_for 90 '[ "$(ranks)" -eq 3 ]'
check "bob's job runs three ranks" test "$(ranks)" -eq 3

# Who runs what, on every host, while a job runs.
processes() {
  local entry ns pid
  for entry in $HOSTS; do
    ns="${entry%%:*}"
    for pid in $(ip netns pids "$ns"); do
      [ -r "/proc/$pid/status" ] || continue
      echo "$ns $(stat -c %U "/proc/$pid") $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-400)"
    done
  done
}
snapshot="$(processes)"
echo "$snapshot" | awk '{print $1, $2, $4}' | sort | uniq -c | sed 's/^/  | /'
root_processes="$(awk '$2 == "root"' <<<"$snapshot")"
check "nothing but the mpds runs as root (and their helpers in /opt/sss/lib/native)" \
  test -z "$(grep -v -e 'org\.sss\.mpd\.MpdMain' -e '^[^ ]* root [0-9]* /opt/sss/lib/native/' <<<"$root_processes")"
check "... and the three mpds do, one on each compute host" \
  test "$(grep 'org\.sss\.mpd\.MpdMain' <<<"$root_processes" | awk '{print $1}' | sort -u | tr '\n' ' ')" = "relc1 relc2 relc3 "
check "the seven components run as sss" \
  test "$(awk '$2 == "sss" && /org\.sss\./' <<<"$snapshot" | grep -c 'Main ')" -eq 7
check "... with the release's own Java runtime" \
  test "$(awk '$2 == "sss" && /org\.sss\./ {print $4}' <<<"$snapshot" | sort -u)" = /opt/sss/runtime/bin/java
check "bob's ranks run as bob, on the compute hosts" \
  test "$(awk '$2 == "bob" && $4 == "sleep" {print $1}' <<<"$snapshot" | sort -u | tr '\n' ' ')" = "relc1 relc2 relc3 "
qm_pid="$(awk '$1 == "rellogin" && /QueueManagerMain/ {print $3}' <<<"$snapshot")"
check "the queue manager has CAP_CHOWN and no other capability" \
  test "$(awk '/^CapEff/ {print $2}' "/proc/$qm_pid/status" 2>/dev/null)" = 0000000000000001

id="$(as alice qsub mpi.sh)"; id="${id%%.*}"
check "alice submits with qsub on login1" test -n "$id"
qstat_alice="$(as alice qstat)"; qstat_bob="$(as bob qstat)"
echo "$qstat_alice" | sed 's/^/  | alice$ qstat: /'; echo "$qstat_bob" | sed 's/^/  | bob$ qstat: /'
check "qstat on login1 shows each user their job, as theirs" \
  bash -c "grep -q '^$id[. ].* alice ' <<<\"\$1\" && grep -q '^$long[. ].* bob .* R ' <<<\"\$2\"" _ "$qstat_alice" "$qstat_bob"
as alice qdel "$long" >/dev/null 2>&1; status=$?
check "alice may not delete bob's job" test "$status" -ne 0 -a "$(ranks)" -eq 3
as bob qdel "$long" >/dev/null 2>&1; status=$?
check "bob deletes his own" test "$status" -eq 0
wait_for 60 '[ "$(ranks)" -eq 0 ]'
check "... and its ranks are gone from the nodes" test "$(ranks)" -eq 0
as alice sssjob wait --quiet "$id"; status=$?
out="$(cat "/home/alice/hello.o$id" 2>/dev/null)"
echo "$out" | sed 's/^/  | /'
check "alice's MPI job exits 0" test "$status" -eq 0
check "... its script ran as alice, with the suite's mpiexec" grep -q "^script as alice on node[1-3], mpiexec /opt/sss/bin/mpiexec" <<<"$out"
check "... its three MPICH ranks ran on node1, node2 and node3" \
  test "$(grep -oE 'of 3 on node[1-3] mpd=node[1-3]' <<<"$out" | sort -u | wc -l)" -eq 3
check "... and its output is alice's" test "$(stat -c %U "/home/alice/hello.o$id" 2>/dev/null)" = alice

# 6. The dashboard, from login1, with the viewer key (the administrator hands it to the users).
URL="http://head1:7780"
code() { on login1 curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "the dashboard refuses login1 without a key" grep -qE '^40[13]$' <<<"$(code "$URL/api/jobs")"
cp "$head_keys/viewer.key" "$WORK/viewer.key"
check "signing in from login1 with the viewer key works" \
  test "$(code -c "$WORK/cookies" -X POST --data-binary @"$WORK/viewer.key" "$URL/api/session")" = 200
jobs="$(on login1 curl -s -b "$WORK/cookies" "$URL/api/jobs")"
check "... and the dashboard shows both users' jobs" \
  bash -c "grep -q 'alice' <<<\"\$1\" && grep -q 'bob' <<<\"\$1\"" _ "$jobs"
cp "$head_keys/admin.key" "$WORK/admin.key"
code -c "$WORK/admin-cookies" -X POST --data-binary @"$WORK/admin.key" "$URL/api/session" >/dev/null
shown="$(on login1 curl -s -D "$WORK/output-headers" -b "$WORK/admin-cookies" "$URL/api/jobs/$id/output?offset=0")"
check "... and, signed in with the admin key, alice's job output (hers, 0600; the dashboard runs as sss)" \
  grep -q "^script as alice on node[1-3]" <<<"$shown"


# 7. The package goes as it came: every process stopped first, as systemctl would before a removal.
for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
PIDS=()
DEBIAN_FRONTEND=noninteractive dpkg --purge sss >>"$WORK/log/dpkg.log" 2>&1; status=$?
check "dpkg --purge removes the package: /opt/sss, the users' commands and the suite's mpirun alternative go" \
  bash -c '[ "$1" -eq 0 ] && [ ! -e /opt/sss ] && [ ! -e /usr/bin/qsub ] && [ ! -e /lib/systemd/system/sss@.service ] &&
    ! update-alternatives --query mpirun 2>/dev/null | grep -q /opt/sss' _ "$status"

cp /home/alice/*.o[0-9]* /home/bob/*.o[0-9]* "$WORK/log/" 2>/dev/null
failed_before_logs=$failed
[ "$failed_before_logs" -eq 0 ] || for log in "$WORK"/log/*.log; do echo "== $log"; tail -n 8 "$log"; done
summary "tests/release.sh"
