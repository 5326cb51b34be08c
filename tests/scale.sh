#!/usr/bin/env bash
# The ring at scale in one JVM: `mpd --members N` (default 200, SCALE_MEMBERS) on 127.31.0.1 upward
# boots whole; mpiexec -n N /bin/true runs one rank per member; a job across the ring is told when 10 members
# spread around it crash at once (as hosts crash); the ring is whole again with N-10 members, none of the crashed
# ones, as the mpds themselves say (mpdtrace); and mpiexec -n N-10 runs on exactly the survivors. The 1,024 figures
# are bench/scale.sh's. Prints one line per check and "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-scale.XXXXXX)"
export MPD_CONF_FILE="$WORK/mpd.conf" MPD_CONSOLE_FILE="$WORK/ring/console"
unset MPD_CONSOLE
source "$ROOT/tests/lib.sh"
source "$ROOT/bin/lib/members.sh"
B="$ROOT/bin"
N="${SCALE_MEMBERS:-200}"
JOB=""

cleanup() {
  [ -n "$JOB" ] && kill "$JOB" 2>/dev/null
  members_stop
  if [ "$failed" -gt 0 ] && [ -f "$WORK/ring/err" ]; then
    echo "the members' log (warnings; last 30 lines):"
    grep -v -e '^[[:space:]]*at ' -e 'unreachable too' -e 're-knitting' -e 'crashed on purpose' "$WORK/ring/err" | tail -n 30
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

(umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$MPD_CONF_FILE")
[ "$(ulimit -n)" -ge $((N * 16 + 1024)) ] || ulimit -n "$(ulimit -Hn)" 2>/dev/null
export SSS_JVM_OPTIONS="-Xmx$((256 + 4 * N))m"

# hosts_of COUNT: the distinct MPD_HOST of the ranks of mpiexec -n COUNT, one per line, sorted
hosts_of() {
  "$B/mpiexec" -n "$1" printenv MPD_HOST | sort
}

members_start "$WORK/ring" "$N" 127.31.0.1 --host scale --log-level warn
members_started 120
check "mpd --members $N starts its members" grep -q "^started $N first 127\.31\.0\.1:" "$WORK/ring/out"
answer="$(members_ask 150 "await-whole 140")"
check "... and they all agree on one membership of $N (whole)" grep -q "^whole $N " <<<"$answer"
check "mpdtrace lists the $N members" test "$("$B/mpdtrace" | wc -l)" -eq "$N"

"$B/mpiexec" -n "$N" /bin/true; status=$?
check "mpiexec -n $N /bin/true exits 0" test "$status" -eq 0
hosts="$(hosts_of "$N")"
check "... one rank per member: $N ranks on $N distinct members" \
  test "$(wc -l <<<"$hosts")" -eq "$N" -a "$(uniq <<<"$hosts" | wc -l)" -eq "$N"
check "... every member named scale-1..scale-$N" test "$(grep -cE "^scale-([1-9][0-9]*)$" <<<"$hosts")" -eq "$N"

"$B/mpiexec" -n "$N" sh -c 'echo up; exec sleep 600' >"$WORK/job.out" 2>"$WORK/job.err" &
JOB=$!
wait_until 60 '[ "$(grep -c "^up" "$WORK/job.out")" -eq "$N" ] || ! kill -0 "$JOB" 2>/dev/null'
check "a job of $N ranks runs across the ring" test "$(grep -c "^up" "$WORK/job.out")" -eq "$N"

crashed="$(members_ask 60 "crash-spread 10")"
victims="$(sed 's/^crashed //' <<<"$crashed" | tr ',' '\n')"
check "10 members spread around the ring crash" test "$(grep -c . <<<"$victims")" -eq 10 -a "$(grep -c '^scale-1$' <<<"$victims")" -eq 0
answer="$(members_ask 150 "await-whole 140")"
check "the ring is whole again with $((N - 10)) members" grep -q "^whole $((N - 10)) " <<<"$answer"
trace="$("$B/mpdtrace")"
check "... mpdtrace lists $((N - 10)), none of them crashed" \
  test "$(wc -l <<<"$trace")" -eq $((N - 10)) -a "$(grep -cxFf <(echo "$victims") <<<"$trace")" -eq 0

status=running
if wait_until 60 '! kill -0 "$JOB" 2>/dev/null'; then
  status=0; wait "$JOB" || status=$?
fi
check "the job across the crash ends in failure within 60 s (exit $status)" test "$status" != running -a "$status" != 0
[ "$status" = running ] && kill "$JOB" 2>/dev/null
JOB=""
check "... and its mpiexec names a lost member" grep -qE "host scale-[0-9]+ was lost" "$WORK/job.err"

"$B/mpiexec" -n $((N - 10)) /bin/true; status=$?
check "mpiexec -n $((N - 10)) /bin/true exits 0 after the crash" test "$status" -eq 0
hosts="$(hosts_of $((N - 10)))"
check "... one rank on each survivor, none on a crashed member" test "$(uniq <<<"$hosts" | wc -l)" -eq $((N - 10)) \
  -a "$(grep -cxFf <(echo "$victims") <<<"$hosts")" -eq 0

members_stop
summary "ring of $N members"
