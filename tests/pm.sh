#!/usr/bin/env bash
# Command-level tests of the process manager as an operator drives it: a ring of three mpds (node1..node3 on
# 127.0.0.150-152), the suite started by bin/sss from a configuration with a <process-manager> element, and the
# seed's own examples (process-manager/src/test/resources/seed/) sent unchanged with bin/ssssend. Uses a private
# configuration, state directory and free ports. Prints one line per check and "N passed, N failed"; exits
# non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-pm.XXXXXX)"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE
SEED="$ROOT/process-manager/src/test/resources/seed"
source "$ROOT/tests/lib.sh"

cleanup() {
  "$ROOT/bin/sss" stop >/dev/null 2>&1 || true
  stop_ring
  rm -rf "$WORK"
}
trap cleanup EXIT

start_ring 127.0.0.150 127.0.0.151 127.0.0.152
check "a ring of node1, node2, node3 is up" test "$("$ROOT/bin/mpdtrace" --mpd "$CONSOLE" | sort | tr '\n' ' ')" = "node1 node2 node3 "

CONFIG="$WORK/etc/sss.xml"
# The seed's examples name no user, so they run as the caller, the account of the admin key: root here. The process
# manager refuses root unless allow-root="true" (ProcessManagerAccountIntegrationTest checks the refusal).
suite_config "$CONFIG" "  $(ring_element)\n  <process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"
export SSS_CONFIG="$CONFIG"

out="$("$ROOT/bin/sss" start 2>&1)"; status=$?
check "bin/sss start starts the process manager too" test "$status" -eq 0
check "... and says where it listens" grep -q "process-manager" <<<"$out"

send() {
  "$ROOT/bin/ssssend" process-manager "$@" 2>&1
}

reply="$(send "$SEED/01-create-process-group.xml")"; status=$?
check "seed example 1 (create-process-group) succeeds unchanged" test "$status" -eq 0
check "... and answers <process-group pgid=\"1\"/>" grep -q '<process-group pgid="1"/>' <<<"$reply"
reply="$(send "$SEED/02-get-process-group-info.xml")"; status=$?
check "seed example 2 (get-process-group-info) succeeds unchanged" test "$status" -eq 0
check "... and describes group 1 of desai on node1 and node2" \
  grep -q 'pgid="1" submitter="desai" totalprocs="32"' <<<"$reply"
reply="$(send "$SEED/03-kill-process-group.xml")"; status=$?
check "seed example 3 (kill-process-group) succeeds unchanged" test "$status" -eq 0
check "... and answers <process-groups> with group 1" grep -q '<process-group pgid="1" submitter="desai"' <<<"$reply"

reply="$(send "$ROOT/etc/examples/wait-process-group.xml")"; status=$?
check "wait-process-group (etc/examples) returns group 1's end" test "$status" -eq 0
check "... with status 127: /bin/foo does not exist" grep -q 'exit-status="127"' <<<"$reply"
check "... and an exit code for each of its 32 ranks" test "$(grep -o '<exit-code ' <<<"$reply" | wc -l)" -eq 32

reply="$(send "$ROOT/etc/examples/create-process-group.xml")"
pgid="$(sed -n 's/.*<process-group pgid="\([^"]*\)".*/\1/p' <<<"$reply")"
reply="$(echo "<wait-process-group timeout=\"30\"><process-group pgid=\"$pgid\"/></wait-process-group>" | send -)"
output="$(sed -n 's/.*<output encoding="base64">\([^<]*\)<.*/\1/p' <<<"$reply" | base64 -d)"
check "a labelled group of hostname (etc/examples) prints each rank's line" \
  test "$(sort <<<"$output" | tr '\n' ' ')" = "0: $(hostname) 1: $(hostname) "
reply="$(send "$ROOT/etc/examples/get-process-group-info-all.xml")"
check "get-process-group-info (etc/examples) lists both groups" \
  test "$(grep -o '<process-group pgid="[^"]*"' <<<"$reply" | sort | tr '\n' ' ')" = "<process-group pgid=\"1\" <process-group pgid=\"$pgid\" "

reply="$(echo '<get-process-group-info><process-group pgid="999"/></get-process-group-info>' | send -)"; status=$?
check "an unknown pgid is a Data error (exit 1)" test "$status" -eq 1 -a "$(grep -c 'type="Data" code="not-found"' <<<"$reply")" -eq 1
reply="$(echo '<del-process-group-info><process-group pgid="1"/></del-process-group-info>' | send -)"; status=$?
check "del-process-group-info forgets an ended group" test "$status" -eq 0
reply="$(send "$SEED/02-get-process-group-info.xml")"; status=$?
check "... after which it is unknown" test "$status" -eq 1

out="$("$ROOT/bin/sss" status 2>&1)"
check "bin/sss status shows the process manager up" grep -q '^process-manager *up' <<<"$out"
"$ROOT/bin/sss" stop >/dev/null 2>&1
check "bin/sss stop stops it" test ! -e "$SSS_VAR/run/process-manager.pid"

summary "process manager"
