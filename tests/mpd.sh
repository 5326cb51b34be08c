#!/usr/bin/env bash
# Command-level tests of the mpd tools as an operator uses them: mpdboot, mpdtrace, mpdringtest, mpdlistjobs,
# mpdsigjob, mpdkilljob, mpdallexit and mpiexec, with a private secret, console file and log directory. mpdboot -f
# is exercised through a stand-in remote shell that runs the command here. Prints one line per check and a
# closing "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-mpd.XXXXXX)"
export MPD_CONF_FILE="$WORK/mpd.conf" MPD_CONSOLE_FILE="$WORK/console" MPD_LOG_DIR="$WORK/logs"
unset MPD_CONSOLE
B="$ROOT/bin"
source "$ROOT/tests/lib.sh"

cleanup() {
  "$B/mpdallexit" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

(umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$MPD_CONF_FILE")

out="$("$B/mpdboot" -n 3 --local 2>&1)"; status=$?
check "mpdboot -n 3 --local exits 0" test "$status" -eq 0
check "mpdboot says the ring is up" grep -q "ring of 3 mpds is up" <<<"$out"
check "mpdboot wrote the console file" test -s "$MPD_CONSOLE_FILE"

"$B/mpdboot" -n 2 --local >/dev/null 2>&1; status=$?
check "a second mpdboot refuses while a ring runs" test "$status" -eq 1

trace="$("$B/mpdtrace")"
check "mpdtrace lists 3 mpds" test "$(wc -l <<<"$trace")" -eq 3
check "mpdtrace -l shows host and address" grep -qE '^127\.0\.0\.2 127\.0\.0\.2 127\.0\.0\.2:[0-9]+$' <<<"$("$B/mpdtrace" -l)"

ringtest="$("$B/mpdringtest" 100)"
check "mpdringtest reports time and hops/s" grep -qE "time for 100 loops = .* 300 hops .* hops/s" <<<"$ringtest"

out="$("$B/mpiexec" -n 9 hostname)"; status=$?
check "mpiexec -n 9 hostname exits 0 with 9 lines" test "$status" -eq 0 -a "$(wc -l <<<"$out")" -eq 9

"$B/mpiexec" -n 3 sh -c 'trap "echo got USR1; exit 0" USR1; echo ready; while :; do sleep 0.1; done' >"$WORK/job.out" 2>"$WORK/job.err" &
job=$!
wait_until 10 '[ "$(grep -c ready "$WORK/job.out" 2>/dev/null)" -eq 3 ]'
jobs="$("$B/mpdlistjobs")"
jid="$(sed -n 's/^jobid *= //p' <<<"$jobs" | head -n 1)"
check "mpdlistjobs shows the 3 ranks of the running job" test "$(grep -c "^jobid *= $jid" <<<"$jobs")" -eq 3
"$B/mpdsigjob" USR1 "$jid"; status=$?
check "mpdsigjob USR1 JOBID exits 0" test "$status" -eq 0
wait "$job"; status=$?
check "the ranks got SIGUSR1 and the job ended with their status" test "$status" -eq 0
check "... every rank saw it" test "$(grep -c 'got USR1' "$WORK/job.out")" -eq 3

"$B/mpiexec" -n 3 sleep 100 >/dev/null 2>"$WORK/kill.err" &
job=$!
wait_until 10 '[ "$("$B/mpdlistjobs" | grep -c "^pgm *= sleep")" -eq 3 ]'
jid="$("$B/mpdlistjobs" | sed -n 's/^jobid *= //p' | head -n 1)"
"$B/mpdkilljob" "$jid"; status=$?
check "mpdkilljob JOBID exits 0" test "$status" -eq 0
wait "$job"; status=$?
check "the killed job's mpiexec exits 143 (SIGTERM)" test "$status" -eq 143
"$B/mpdkilljob" 999@127.0.0.2 >/dev/null 2>&1; status=$?
check "mpdkilljob of an unknown job exits 1" test "$status" -eq 1
"$B/mpdsigjob" NOSUCHSIG 1@127.0.0.2 >/dev/null 2>&1; status=$?
check "mpdsigjob with an unknown signal exits 2" test "$status" -eq 2
"$B/mpdtrace" --mpd >/dev/null 2>"$WORK/err"; status=$?
check "a tool option without its value is a one-line usage error (exit 2)" \
  test "$status" -eq 2 -a "$(wc -l <"$WORK/err")" -eq 1

out="$("$B/mpdallexit")"; status=$?
check "mpdallexit exits 0" test "$status" -eq 0
wait_until 10 '! "$B/mpdtrace" >/dev/null 2>&1'
"$B/mpdtrace" >/dev/null 2>&1; status=$?
check "after mpdallexit mpdtrace finds no ring (exit 1)" test "$status" -eq 1

# mpdboot -f: a remote shell that runs the command here stands in for ssh.
cat >"$WORK/fake-rsh" <<'RSH'
#!/bin/sh
shift
exec sh -c "$*"
RSH
chmod +x "$WORK/fake-rsh"
printf '# hosts\n127.0.0.31\n127.0.0.32:4\n' >"$WORK/hosts"
out="$("$B/mpdboot" -n 3 -f "$WORK/hosts" --rsh "$WORK/fake-rsh" 2>&1)"; status=$?
check "mpdboot -f HOSTFILE --rsh CMD starts a ring of 3" test "$status" -eq 0
check "... with the file's hosts in it" test "$("$B/mpdtrace" | grep -c '^127\.0\.0\.3[12]$')" -eq 2
"$B/mpdallexit" >/dev/null

"$B/mpdboot" -n 0 --local >/dev/null 2>&1; status=$?
check "mpdboot -n 0 is a usage error (exit 2)" test "$status" -eq 2
chmod 644 "$MPD_CONF_FILE"
"$B/mpdboot" -n 2 --local >/dev/null 2>"$WORK/err"; status=$?
check "mpdboot refuses a secret others can read" test "$status" -eq 1 -a "$(grep -c 'mode 0644' "$WORK/err")" -eq 1

summary "mpd tools"
