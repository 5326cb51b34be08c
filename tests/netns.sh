#!/usr/bin/env bash
# Multi-host test: four hosts made of network namespaces (sssh1..sssh4, 10.77.0.11-14 on a bridge
# sssbr0 at 10.77.0.1), one mpd each (node1..node4), the components spread over them - directory and event manager on
# sssh1, process and node state managers on sssh2, queue manager and scheduler on sssh3, the dashboard on sssh4 -
# an MPI job across the four hosts, then sssh4's link cut in the middle of a job: the job ends naming node4, the ring
# repairs to three, the node goes down; the link restored: node4's mpd rejoins and the node is up again. Needs root
# and iproute2; where namespaces cannot be made it says why and exits 0 without running (CI runs it as root).
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-netns.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var"
unset MPD_CONSOLE SSS_QM_SOCKET MPD_CONF_FILE
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
NET=10.77.0
BRIDGE=sssbr0
PIDS=()

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1 || ! ip netns add sssprobe 2>/dev/null; then
  echo "tests/netns.sh: SKIPPED: network namespaces cannot be made here (needs root and iproute2: apt-get install iproute2)"
  rm -rf "$WORK"
  exit 0
fi
ip netns del sssprobe

teardown_network() {
  local i
  for i in 1 2 3 4; do ip netns del "sssh$i" 2>/dev/null; ip link del "sssv$i" 2>/dev/null; done
  ip link del "$BRIDGE" 2>/dev/null
  return 0
}
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null; done
  teardown_network
  rm -rf "$WORK"
}
trap cleanup EXIT
teardown_network

ip link add "$BRIDGE" type bridge && ip addr add "$NET.1/24" dev "$BRIDGE" && ip link set "$BRIDGE" up
for i in 1 2 3 4; do
  ip netns add "sssh$i"
  ip link add "sssv$i" type veth peer name eth0 netns "sssh$i"
  ip link set "sssv$i" master "$BRIDGE" up
  ip -n "sssh$i" addr add "$NET.1$i/24" dev eth0
  ip -n "sssh$i" link set eth0 up
  ip -n "sssh$i" link set lo up
done
check "four hosts answer on the bridge" bash -c "for i in 1 2 3 4; do ping -c1 -W2 $NET.1\$i >/dev/null || exit 1; done"
check "host 1 reaches host 4 across the bridge" bash -c "ip netns exec sssh1 ping -c1 -W2 $NET.14 >/dev/null"

mkdir -p "$WORK/etc" "$WORK/var/keys" "$WORK/var/log" "$WORK/work"
chmod 700 "$WORK/var/keys"
SECRET="$WORK/var/keys/mpd.conf"
(umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$SECRET")
"$B/sss" keygen "$WORK/var/keys/suite.key" "$WORK/var/keys/admin.key" >/dev/null
CONFIG="$WORK/etc/sss.xml"
cat >"$CONFIG" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<sss cluster="netns" var="../var">
  <security client-key="suite">
    <key name="suite" file="../var/keys/suite.key" role="component"/>
    <key name="admin" file="../var/keys/admin.key" role="admin"/>
  </security>
  <registration renew-interval="5"/>
  <service-directory host="$NET.11" port="7700"/>
  <event-manager host="$NET.11" port="7701"/>
  <ring secret="../var/keys/mpd.conf">
    <mpd address="$NET.11:7710"/><mpd address="$NET.12:7710"/><mpd address="$NET.13:7710"/><mpd address="$NET.14:7710"/>
  </ring>
  <process-manager host="$NET.12" port="7702" kill-grace="1" allow-root="true"/>
  <node-state-manager host="$NET.12" port="7703" poll-interval="0.5"/>
  <queue-manager host="$NET.13" port="7706"><queue name="batch" default="true" max-walltime="3600"/></queue-manager>
  <scheduler host="$NET.13" port="7704" interval="2"/>
  <web host="$NET.14" port="7705" dashboard-port="7780"/>
  <nodes><node name="node1" slots="2"/><node name="node2" slots="2"/><node name="node3" slots="2"/><node name="node4" slots="2"/></nodes>
</sss>
XML
export SSS_CONFIG="$CONFIG"

# on_host HOST LOG COMMAND...: runs a command in the background on host HOST (its namespace), logging to var/log.
on_host() {
  local host="$1" log="$2"; shift 2
  ip netns exec "sssh$host" "$@" >>"$WORK/var/log/$log.log" 2>&1 &
  PIDS+=($!)
}
on_host 1 mpd-node1 "$B/mpd" --host node1 --listen "$NET.11:7710" --secret "$SECRET" --grace 1
wait_until 30 '(echo >"/dev/tcp/$NET.11/7710") 2>/dev/null'
for i in 2 3 4; do
  on_host "$i" "mpd-node$i" "$B/mpd" --host "node$i" --listen "$NET.1$i:7710" --join "$NET.11:7710" --secret "$SECRET" --grace 1
done
trace() { MPD_CONF_FILE="$SECRET" "$B/mpdtrace" --mpd "$NET.1${1:-1}:7710" 2>/dev/null | wc -l; }
wait_until 60 '[ "$(trace)" -eq 4 ]'
check "a ring of four mpds, one on each host" test "$(trace)" -eq 4

on_host 1 service-directory "$B/sss" run service-directory
on_host 1 event-manager "$B/sss" run event-manager
on_host 2 process-manager "$B/sss" run process-manager
on_host 2 node-state-manager "$B/sss" run node-state-manager
on_host 3 queue-manager "$B/sss" run queue-manager
on_host 3 scheduler "$B/sss" run scheduler
on_host 4 web "$B/sss" run web
nodes_up() { "$B/sssadmin" nodes 2>/dev/null | grep -c ' up '; }
wait_until 90 '[ "$(nodes_up)" -eq 4 ] && [ -S "$SSS_VAR/run/queue-manager.sock" ]'
check "the components, spread over the hosts, see four nodes up" test "$(nodes_up)" -eq 4
registered="$("$B/ssssend" service-directory - <<<'<get-location><location component="*" host="*" port="*"/></get-location>' 2>&1)"

check "every component registered from its own host" \
  test "$(grep -oE "<host>$NET\.1[1-4]</host>" <<<"$registered" | sort -u | wc -l)" -eq 4

program="./hello"
if command -v mpicc.mpich >/dev/null 2>&1; then
  mpicc.mpich -O2 -o "$WORK/work/hello" "$ROOT/testkit/src/test/c/hello.c"
else
  program="sh -c 'echo hello from rank \$PMI_RANK of \$PMI_SIZE mpd=\$MPD_HOST'"
fi
cat >"$WORK/work/mpi.sh" <<SCRIPT
#!/bin/sh
#PBS -l nodes=4:ppn=1
#PBS -j oe
$B/mpiexec -n 4 $program
SCRIPT
cat >"$WORK/work/long.sh" <<SCRIPT
#!/bin/sh
#PBS -l nodes=4:ppn=1
#PBS -j oe
$B/mpiexec -n 4 sleep 120
SCRIPT
id="$(cd "$WORK/work" && "$B/sssjob" submit mpi.sh)"; id="${id%%.*}"
"$B/sssjob" wait --quiet "$id"; status=$?
out="$(cat "$WORK/work/mpi.sh.o$id" 2>/dev/null)"
echo "$out" | sed 's/^/  | /'
check "an MPI job across the four hosts exits 0" test "$status" -eq 0
check "its four ranks ran on node1..node4" test "$(grep -oE 'mpd=node[1-4]' <<<"$out" | sort -u | wc -l)" -eq 4

long="$(cd "$WORK/work" && "$B/sssjob" submit long.sh)"; long="${long%%.*}"
sleeping_ranks() { MPD_CONF_FILE="$SECRET" "$B/mpdlistjobs" --mpd "$NET.11:7710" 2>/dev/null | grep -c '^pgm *= sleep'; }
wait_until 60 '[ "$(sleeping_ranks)" -eq 4 ]'
check "the long job's four ranks run, one per host" test "$(sleeping_ranks)" -eq 4
ip link set sssv4 down
"$B/sssjob" wait --quiet "$long"; status=$?
reason="$("$B/sssjob" status --xml "$long" | grep -o 'reason="[^"]*"')"
echo "  | job $long: exit $status, $reason"
check "host 4's link cut mid-job: the job ends with an error" test "$status" -ne 0
check "... and its output names the lost node" grep -q "node4" "$WORK/work/long.sh.o$long"
sed 's/^/  | /' "$WORK/work/long.sh.o$long"
wait_until 30 '[ "$(trace)" -eq 3 ]'
check "the ring repairs to three mpds" test "$(trace)" -eq 3
wait_until 30 '"$B/sssadmin" nodes 2>/dev/null | grep -q "^node4 .* down"'
check "node4 goes down" grep -q '^node4 .* down' <<<"$("$B/sssadmin" nodes 2>&1)"

ip link set sssv4 up
wait_until 120 '[ "$(trace)" -eq 4 ]'
check "the link restored: node4's mpd rejoins the ring" test "$(trace)" -eq 4
wait_until 30 '[ "$(nodes_up)" -eq 4 ]'
check "... and node4 is up again" test "$(nodes_up)" -eq 4
id="$(cd "$WORK/work" && "$B/sssjob" submit mpi.sh)"; id="${id%%.*}"
"$B/sssjob" wait --quiet "$id"; status=$?
check "an MPI job across the four hosts runs again after the repair" \
  test "$status" -eq 0 -a "$(grep -oE 'mpd=node[1-4]' "$WORK/work/mpi.sh.o$id" | sort -u | wc -l)" -eq 4

summary "tests/netns.sh"
