#!/usr/bin/env bash
# The embedded default as an operator meets it: etc/sss.xml copied as it is shipped (only its ports moved to free
# ones), started with bin/sss start (a ring of four mpds on 127.0.0.2-5 and every component, the dashboard
# included), bin/sss status, the dashboard driven in Debian's headless Chromium by tests/browser/dashboard.mjs (a
# user's jobs submitted with sssjob submit appear, run and finish on the page, one's output is opened, the other is
# cancelled from the page; docs/dashboard.png is saved), the dashboard's refusals checked with curl, then
# bin/sss stop and start again: the job history is still there; then the schedule drawn by
# tests/browser/timeline.mjs (a running job, a planned one, a reservation; docs/timeline.png). Needs root (creates a test user; jobs run as them).
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-suite.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var"
unset MPD_CONSOLE SSS_QM_SOCKET MPD_CONF_FILE
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
USER_NAME=sssweb-carol
CREATED_USER=""

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/suite.sh: needs root, to create the test user and run their jobs as them" >&2
  exit 1
fi
cleanup() {
  "$B/sss" stop >/dev/null 2>&1 || true
  [ -n "$CREATED_USER" ] && userdel "$CREATED_USER" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --no-create-home --home-dir "$WORK/home" --shell /bin/sh "$USER_NAME" && CREATED_USER="$USER_NAME"
fi
mkdir -p "$WORK/home" "$WORK/etc" && chown "$USER_NAME" "$WORK/home"

# The shipped configuration, its fixed ports moved to free ones and a user key for the test user added.
SD_PORT="$(free_port)"; WEB_PORT="$(free_port)"; MPD_PORT="$(free_port)"
CONFIG="$WORK/etc/sss.xml"
sed -e "s/port=\"7700\"/port=\"$SD_PORT\"/" -e 's/port="7701"/port="0"/' -e "s/dashboard-port=\"7780\"/dashboard-port=\"$WEB_PORT\"/" \
    -e "s/:7710/:$MPD_PORT/g" -e 's/<node-state-manager host="127.0.0.1" port="0"/& http-port="0"/' \
    -e "s|<key name=\"admin\"|<key name=\"carol\" file=\"../var/keys/carol.key\" role=\"user\" user=\"$USER_NAME\"/>\n    &|" \
    "$ROOT/etc/sss.xml" >"$CONFIG"
chmod 755 "$WORK/etc" && chmod 644 "$CONFIG"
"$B/sss" keygen "$SSS_VAR/keys/suite.key" "$SSS_VAR/keys/admin.key" "$SSS_VAR/keys/viewer.key" \
  "$SSS_VAR/keys/carol.key" >/dev/null
export SSS_CONFIG="$CONFIG"
URL="http://127.0.0.1:$WEB_PORT"

out="$("$B/sss" start 2>&1)"; status=$?
echo "$out" | sed 's/^/  | /'
check "bin/sss start exits 0" test "$status" -eq 0
check "it starts the local ring of four mpds" grep -q "local ring: 4 mpds" <<<"$out"
check "it prints where each component listens, and the dashboard's address" grep -q "^Dashboard: $URL/$" <<<"$out"
check "it generated the ring's secret with mode 0600" test "$(stat -c %a "$SSS_VAR/keys/mpd.conf")" = 600
for c in service-directory event-manager process-manager node-state-manager queue-manager scheduler web; do
  check "$c is registered" grep -q "^$c " <<<"$out"
done

out="$("$B/sss" status 2>&1)"; status=$?
check "bin/sss status exits 0 with everything up" test "$status" -eq 0
check "status shows the seven components and four mpds up" test "$(grep -c ' up ' <<<"$out")" -eq 11
check "status lists the ring's four members" grep -q "Ring (4 of 4 mpds" <<<"$out"
nsm_http="$(awk '/^node-state-manager .*http:/ {print $NF}' <<<"$out")"
check "the directory lists the node state manager's HTTP port" test -n "$nsm_http"
check "its /metrics counts the ring's four mpds" grep -q '^sss_ring_members{.*ring="mpd"} 4$' <<<"$(curl -s "${nsm_http}metrics")"

cat >"$WORK/home/short.sh" <<'SCRIPT'
#!/bin/sh
#PBS -N short
#PBS -l nodes=2
#PBS -j oe
echo "job $PBS_JOBID of $(id -un) starting"
sleep 4
echo "done on $(sort -u "$PBS_NODEFILE" | tr '\n' ' ')"
SCRIPT
cat >"$WORK/home/long.sh" <<'SCRIPT'
#!/bin/sh
#PBS -N long
#PBS -l nodes=1
sleep 300
SCRIPT
cat >"$WORK/submit.sh" <<SCRIPT
#!/bin/sh
cd "$WORK/home" && exec runuser -u "$USER_NAME" -- env SSS_CONFIG="$CONFIG" "$B/sssjob" submit "\$1.sh"
SCRIPT
chmod 755 "$WORK/submit.sh"
chown "$USER_NAME" "$WORK/home"/*.sh

if [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]; then
  (cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error) || echo "tests/suite.sh: npm ci failed"
fi
node "$ROOT/tests/browser/dashboard.mjs" "$URL/" "$SSS_VAR/keys/carol.key" "$ROOT/docs/dashboard.png" -- "$WORK/submit.sh" \
  >"$WORK/browser.out" 2>&1; status=$?
cat "$WORK/browser.out"
passed=$((passed + $(grep -c '^ok ' "$WORK/browser.out")))
failed=$((failed + $(grep -c '^FAIL ' "$WORK/browser.out")))
check "the browser test ran every check and passed" test "$status" -eq 0 -a "$(grep -c '^ok ' "$WORK/browser.out")" -eq 10
check "docs/dashboard.png was written by this run" test -n "$(find "$ROOT/docs/dashboard.png" -newer "$CONFIG" 2>/dev/null)"

# The dashboard's refusals, with curl (from loopback reads are open; actions are not).
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "loopback reads the jobs without a key" test "$(code "$URL/api/jobs")" = 200
check "cancelling without signing in is refused (401 or 403)" grep -qE '^40[13]$' <<<"$(code -X POST -H 'X-SSS-Action: cancel' "$URL/api/jobs/1/cancel")"
check "signing in with a wrong key is refused (401)" test "$(code -X POST --data-binary 'not-a-key' "$URL/api/session")" = 401
jar="$WORK/cookies"
check "signing in with the viewer key works" test "$(code -c "$jar" -X POST --data-binary @"$SSS_VAR/keys/viewer.key" "$URL/api/session")" = 200
check "a viewer may not read a user's job output (403)" test "$(code -b "$jar" "$URL/api/jobs/1/output")" = 403
check "a viewer may not cancel a job (403)" test "$(code -b "$jar" -X POST -H 'X-SSS-Action: cancel' "$URL/api/jobs/1/cancel")" = 403
check "a cancel without X-SSS-Action is refused (403)" test "$(code -X POST "$URL/api/jobs/1/cancel")" = 403

jobs_known() {
  "$B/sssjob" status -a --xml | grep -o '<job id="[^"]*"' | sort
}
before="$(jobs_known)"
check "two jobs are in the history before the stop" test "$(wc -l <<<"$before")" -eq 2
out="$("$B/sss" stop 2>&1)"; status=$?
check "bin/sss stop exits 0" test "$status" -eq 0
check "it stops the seven components and the four mpds" test "$(grep -c ': stopped' <<<"$out")" -eq 11
"$B/sss" status >/dev/null 2>&1; status=$?
check "bin/sss status exits 1 once stopped" test "$status" -eq 1
out="$("$B/sss" start 2>&1)"; status=$?
check "bin/sss start again exits 0" test "$status" -eq 0
check "after the restart the job history is still there" test "$(jobs_known)" = "$before"
next="$("$WORK/submit.sh" short)"
check "a job submitted after the restart gets a new id (3)" test "${next%%.*}" = 3
check "and runs to completion" "$B/sssjob" wait --quiet "${next%%.*}"
check "the job cancelled from the page is recorded as cancelled by its user, not the dashboard" \
  grep -q "reason=\"cancelled by $USER_NAME\"" <<<"$("$B/sssjob" status -a --xml 2)"

# The schedule on the page: a job on all four nodes, a job the scheduler plans after it, a reservation later on.
cat >"$WORK/home/wide.sh" <<'SCRIPT'
#!/bin/sh
#PBS -N wide
#PBS -l nodes=4,walltime=00:10:00
sleep 600
SCRIPT
cat >"$WORK/home/next.sh" <<'SCRIPT'
#!/bin/sh
#PBS -N next
#PBS -l nodes=2,walltime=00:05:00
true
SCRIPT
chown "$USER_NAME" "$WORK/home"/*.sh
WIDE="$("$WORK/submit.sh" wide)"; WIDE="${WIDE%%.*}"
wait_until 60 '"$B/sssjob" status --xml "$WIDE" | grep -q "state=\"running\""'
NEXT="$("$WORK/submit.sh" next)"; NEXT="${NEXT%%.*}"
RES="$("$B/sssadmin" res create --nodes node1 --start +30 --duration 600 --users "$USER_NAME" | awk 'NR == 2 {print $1}')"
wait_until 60 '"$B/sssjob" status --xml "$NEXT" | grep -q "expected-nodes="'
check "the scheduler's plan for the waiting job names its start and nodes" \
  grep -qE 'expected-start="[^"]+" expected-nodes="node[1-4] node[1-4]"' <<<"$("$B/sssjob" status --xml "$NEXT")"
node "$ROOT/tests/browser/timeline.mjs" "$URL/" "$SSS_VAR/keys/carol.key" "$ROOT/docs/timeline.png" "$WIDE" "$NEXT" "$RES" \
  >"$WORK/timeline.out" 2>&1; status=$?
cat "$WORK/timeline.out"
passed=$((passed + $(grep -c '^ok ' "$WORK/timeline.out")))
failed=$((failed + $(grep -c '^FAIL ' "$WORK/timeline.out")))
check "the timeline test ran every check and passed" test "$status" -eq 0 -a "$(grep -c '^ok ' "$WORK/timeline.out")" -eq 7
"$B/sssjob" cancel "$WIDE" "$NEXT" >/dev/null 2>&1

summary "tests/suite.sh"
