#!/usr/bin/env bash
# Command-level tests of scheduling as an administrator and a user drive it: a ring of three mpds (node1..node3 on
# 127.0.0.165-167), the suite started by bin/sss with a process manager, a node state manager, a queue manager that
# does no first-fit and the scheduler; bin/sssadmin for node states, reservations and priorities; bin/sssjob to see
# why a job waits. Prints one line per check and "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-sched.XXXXXX)"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE SSS_QM_SOCKET
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"

cleanup() {
  "$B/sss" stop >/dev/null 2>&1 || true
  stop_ring
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"  # the jobs' output files go to the submit directory

start_ring 127.0.0.165 127.0.0.166 127.0.0.167
check "a ring of node1, node2, node3 is up" test "$("$B/mpdtrace" --mpd "$CONSOLE" | wc -l)" -eq 3
CONFIG="$WORK/etc/sss.xml"
suite_config "$CONFIG" "  $(ring_element)\n  <process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>\n  <node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.5\"/>\n  <queue-manager host=\"127.0.0.1\" port=\"0\"><queue name=\"batch\" default=\"true\"/></queue-manager>\n  <scheduler host=\"127.0.0.1\" port=\"0\" interval=\"1\"/>\n  <nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\"/><node name=\"node3\" slots=\"2\"/></nodes>"
export SSS_CONFIG="$CONFIG"

out="$("$B/sss" start 2>&1)"; status=$?
[ "$status" -eq 0 ] || { echo "$out"; tail -n 20 "$SSS_VAR"/log/*.log; }
check "bin/sss start starts the node state manager and the scheduler" \
  test "$status" -eq 0 -a "$(grep -cE 'node-state-manager|scheduler' <<<"$out")" -ge 2
check "sssadmin nodes lists the three nodes up" test "$("$B/sssadmin" nodes | grep -cE '^node[123] +up ')" -eq 3

out="$("$B/sssadmin" drain node3 --reason "fan replacement")"; status=$?
check "sssadmin drain node3 --reason: exit 0" test "$status" -eq 0 -a "$out" = "node3: drained (fan replacement)"
check "... sssadmin nodes shows it drained with the reason" grep -qE '^node3 +drained .*fan replacement$' <<<"$("$B/sssadmin" nodes)"
printf '#!/bin/sh\n#PBS -l nodes=3\n#PBS -l walltime=00:01:00\nhostname\n' >"$WORK/wide.sh"
WIDE="$("$B/sssjob" submit "$WORK/wide.sh")"
wait_until 5 '"$B/sssjob" status "$WIDE" | grep -q usable'
check "a 3-node job waits, and sssjob status says why" grep -q "needs 3 node(s) with 1 slot(s); 2 usable" <<<"$("$B/sssjob" status "$WIDE")"
"$B/sssadmin" resume node3 >/dev/null; status=$?
"$B/sssjob" wait --quiet "$WIDE"; wstatus=$?
check "sssadmin resume node3 lets it run (exit 0)" test "$status" -eq 0 -a "$wstatus" -eq 0

out="$("$B/sssadmin" res create --nodes "node1 node2" --start now --duration 00:10:00 --users "nobody")"; status=$?
RES="$(awk 'NR==2 {print $1}' <<<"$out")"
check "sssadmin res create makes a reservation" test "$status" -eq 0 -a -n "$(grep -E '^res[0-9]+ ' <<<"$out")"
check "... sssadmin res list shows it" grep -q "^$RES .* nobody  *node1 node2$" <<<"$("$B/sssadmin" res list)"
printf '#!/bin/sh\n#PBS -l nodes=2\n#PBS -l walltime=00:01:00\ntrue\n' >"$WORK/two.sh"
TWO="$("$B/sssjob" submit "$WORK/two.sh")"
wait_until 5 '"$B/sssjob" status "$TWO" | grep -q reservation'
check "root's 2-node job waits: the reserved nodes are not its" grep -q "reservation $RES holds others" <<<"$("$B/sssjob" status "$TWO")"
"$B/sssadmin" priority "$TWO" 100 >/dev/null; status=$?
check "sssadmin priority sets a job's priority" test "$status" -eq 0 -a "$("$B/qstat" -f "$TWO" | grep -c 'Priority = 100')" -eq 1
"$B/sssadmin" res delete "$RES" >/dev/null; status=$?
"$B/sssjob" wait --quiet "$TWO"; wstatus=$?
check "sssadmin res delete frees the nodes: the job runs" test "$status" -eq 0 -a "$wstatus" -eq 0

out="$("$B/sssadmin" res create --count 2 --start +60 --duration 60 --users nobody)"; status=$?
check "sssadmin res create --count 2 picks two nodes" test "$status" -eq 0 -a "$(awk 'NR==2 {print NF}' <<<"$out")" -eq 6
"$B/sssadmin" res create --count 3 --start +60 --duration 60 --users nobody >/dev/null 2>&1; status=$?
check "... and a third overlapping one for 3 nodes is refused (exit 1)" test "$status" -eq 1

# Jobs that name a reservation (Torque's -l advres, sbatch --reservation): root's reservation of node3 now; a job in it
# runs there though node1 and node2 are free; one in a reservation still to begin waits, saying so; one in no reservation is refused.
out="$("$B/sssadmin" res create --nodes node3 --start now --duration 00:10:00 --users root)"
RES3="$(awk 'NR==2 {print $1}' <<<"$out")"
printf '#!/bin/sh\n#PBS -l advres=%s\n#PBS -l walltime=00:01:00\ncat "$PBS_NODEFILE"\n' "$RES3" >"$WORK/inres.sh"
INRES="$("$B/sssjob" submit "$WORK/inres.sh")"
"$B/sssjob" wait --quiet "$INRES"; wstatus=$?
check "a job with -l advres=$RES3 runs on the reservation's node3 alone" \
  test "$wstatus" -eq 0 -a "$(cat "$WORK/inres.sh.o${INRES%%.*}" 2>/dev/null)" = "node3"
check "... qstat -f shows Resource_List.advres" grep -q "Resource_List.advres = $RES3" <<<"$("$B/qstat" -f "$INRES")"
out="$("$B/srun" --reservation="$RES3" -t 1 sh -c 'echo $SLURM_JOB_NODELIST' 2>"$WORK/srun.err")"; status=$?
check "srun --reservation=$RES3 runs there too" test "$status" -eq 0 -a "$out" = "node3"
out="$("$B/sssadmin" res create --nodes node2 --start +30 --duration 60 --users root)"
RES2="$(awk 'NR==2 {print $1}' <<<"$out")"
LATER="$("$B/sbatch" --parsable --reservation="$RES2" -t 1 --wrap true)"
wait_until 5 '[ "$("$B/squeue" -h -j "$LATER" -o "%r %v")" = "Reservation $RES2" ]'
check "sbatch --reservation=$RES2 (its window 30 minutes away): squeue says Reservation" \
  test "$("$B/squeue" -h -j "$LATER" -o "%r %v")" = "Reservation $RES2"
check "... and sssjob status says when it begins" grep -q "reservation $RES2 starts at" <<<"$("$B/sssjob" status "$LATER")"
"$B/scancel" "$LATER"
out="$("$B/sbatch" --reservation=res999 -t 1 --wrap true 2>&1)"; status=$?
check "sbatch --reservation of none: refused (exit 2), naming it" test "$status" -eq 2 -a -n "$(grep 'reservation res999 does not exist' <<<"$out")"
out="$("$B/sbatch" --reservation="$RES3" --wrap true 2>&1)"; status=$?
check "... and one without a walltime (the queue gives none): refused" \
  test "$status" -eq 2 -a -n "$(grep 'needs a walltime' <<<"$out")"

"$B/sssadmin" drain >/dev/null 2>&1; status=$?
check "sssadmin drain without a node: exit 2" test "$status" -eq 2
"$B/sssadmin" drain node9 >/dev/null 2>&1; status=$?
check "sssadmin drain of an unknown node: exit 1" test "$status" -eq 1
"$B/sssadmin" frobnicate >/dev/null 2>&1; status=$?
check "sssadmin with an unknown command: exit 2" test "$status" -eq 2
"$B/sssadmin" res create --nodes node1 --start soon --duration 60 --users x 2>/dev/null; status=$?
check "sssadmin res create with a bad time: exit 2" test "$status" -eq 2

"$B/sss" stop >/dev/null 2>&1
summary "scheduling"
