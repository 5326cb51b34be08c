#!/usr/bin/env bash
# Command-level tests of bin/sss and bin/ssssend, as an operator uses them. Runs the real suite in the
# background with a private configuration, state directory and free ports, so it never touches var/ or a suite
# already running. Prints one line per check and a closing "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-cli.XXXXXX)"
export SSS_VAR="$WORK/var"
source "$ROOT/tests/lib.sh"

cleanup() {
  "$ROOT/bin/sss" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/etc"
CONFIG="$WORK/etc/sss.xml"
SD_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
sed -e "s/port=\"7700\"/port=\"$SD_PORT\" http-port=\"$HTTP_PORT\"/" -e 's/port="7701"/port="0"/' "$ROOT/etc/minimal.xml" >"$CONFIG"
"$ROOT/bin/sss" keygen "$WORK/var/keys/suite.key" "$WORK/var/keys/admin.key" >/dev/null
export SSS_CONFIG="$CONFIG"

out="$("$ROOT/bin/sss" start 2>&1)"; status=$?
check "bin/sss start exits 0 once both components are registered" test "$status" -eq 0
if [ "$status" -ne 0 ]; then # say why, for a failure seen once in CI and not since
  sed 's/^/  | /' <<<"$out"
  tail -n 20 "$SSS_VAR"/log/*.log 2>/dev/null | sed 's/^/  | /'
fi
check "bin/sss start prints where each component listens" grep -q "service-directory .*$SD_PORT" <<<"$out"

reply="$("$ROOT/bin/ssssend" service-directory "$ROOT/etc/examples/get-location-all.xml")"; status=$?
check "ssssend get-location for * exits 0" test "$status" -eq 0
check "get-location for * lists the service directory" grep -q '<component>service-directory</component>' <<<"$reply"
check "get-location for * lists the event manager" grep -q '<component>event-manager</component>' <<<"$reply"

reply="$("$ROOT/bin/ssssend" event-manager "$ROOT/etc/examples/add-event.xml")"; status=$?
check "ssssend add-event is acknowledged with a sequence number" grep -q '<event-ok seq="[0-9]*"' <<<"$reply"

# POST /sss: the same XML over HTTP, signed with a key of the suite (HMAC-SHA256 of "ts\nbody").
http_post() {
  local ts="$1" key="$2" body="$3" sig
  sig="$(printf '%s\n%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$(head -n 1 "$key")" -hex | sed 's/^.*= //')"
  curl -s -o "$WORK/http.out" -w '%{http_code}' -H "Authorization: SSS-HMAC-SHA256 ts=$ts,sig=$sig" \
    --data-binary "$body" "http://127.0.0.1:$HTTP_PORT/sss"
}
body="$(cat "$ROOT/etc/examples/get-location-all.xml")"
ts="$(date +%s.%N)"
code="$(http_post "$ts" "$WORK/var/keys/admin.key" "$body")"
check "curl POST /sss, signed with the admin key: 200 and the directory's reply" \
  test "$code" = 200 -a "$(grep -c '<component>event-manager</component>' "$WORK/http.out")" -eq 1
code="$(http_post "$ts" "$WORK/var/keys/admin.key" "$body")"
check "... the same signed request sent again: 401 (a replay)" \
  test "$code" = 401 -a "$(grep -c 'code="permission-denied"[^>]*replayed' "$WORK/http.out")" -eq 1
metrics="$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics")"
check "GET /metrics counts that request, in OpenMetrics text" \
  test -n "$(grep -E '^sss_requests_total\{component="service-directory",operation="get-location"\} [1-9]' <<<"$metrics")" \
  -a "$(tail -n 1 <<<"$metrics")" = "# EOF"
code="$(curl -s -o "$WORK/http.out" -w '%{http_code}' --data-binary "$body" "http://127.0.0.1:$HTTP_PORT/sss")"
check "... unsigned: 401 with an <error>" test "$code" = 401 -a "$(grep -c 'code="permission-denied"' "$WORK/http.out")" -eq 1
printf 'not-the-key\n' >"$WORK/wrong.key"
code="$(http_post "$(date +%s)" "$WORK/wrong.key" "$body")"
check "... signed with a key the suite does not have: 401" test "$code" = 401
code="$(http_post "$(($(date +%s) - 400))" "$WORK/var/keys/admin.key" "$body")"
check "... signed 400 s ago: 401 (stale)" test "$code" = 401

reply="$(echo '<launch-missiles/>' | "$ROOT/bin/ssssend" service-directory - 2>&1)"; status=$?
check "an <error> reply exits 1" test "$status" -eq 1
check "the error reply has type, code and message" grep -q '<error type="Validation" code="schema-invalid" msg=' <<<"$reply"

"$ROOT/bin/ssssend" no-such-component "$ROOT/etc/examples/add-event.xml" >/dev/null 2>&1; status=$?
check "an unregistered component exits 2" test "$status" -eq 2
"$ROOT/bin/ssssend" >/dev/null 2>&1; status=$?
check "ssssend without arguments exits 2" test "$status" -eq 2

"$ROOT/bin/sss" status >/dev/null 2>&1; status=$?
check "bin/sss status exits 0 while everything is up" test "$status" -eq 0

"$ROOT/bin/sss" stop >/dev/null; status=$?
check "bin/sss stop exits 0" test "$status" -eq 0
"$ROOT/bin/sss" status >/dev/null 2>&1; status=$?
check "bin/sss status exits non-zero when the suite is down" test "$status" -ne 0

"$ROOT/bin/sss" start >/dev/null 2>&1
reply="$(echo '<get-events since="0"><filter component="operator"/></get-events>' | "$ROOT/bin/ssssend" event-manager -)"
check "events logged before a stop are there after a start" grep -q 'msg="maintenance-start"' <<<"$reply"
"$ROOT/bin/sss" stop >/dev/null

chmod 644 "$WORK/var/keys/admin.key"
err="$("$ROOT/bin/sss" run service-directory --config "$CONFIG" 2>&1)"; status=$?
check "a key file of mode 0644 stops a component with exit 2" test "$status" -eq 2
check "... and one line naming the file and the mode" test "$(grep -c 'mode 0644' <<<"$err")" -eq 1
chmod 600 "$WORK/var/keys/admin.key"

sed 's/port="0"/port="0x1"/' "$CONFIG" >"$WORK/etc/bad.xml"
err="$("$ROOT/bin/sss" run event-manager --config "$WORK/etc/bad.xml" 2>&1)"; status=$?
check "a bad configuration exits 2" test "$status" -eq 2
check "... with one line naming file, line and field" grep -qE "bad.xml:[0-9]+: <event-manager> port: " <<<"$err"

"$ROOT/bin/sss" frobnicate >/dev/null 2>&1; status=$?
check "an unknown bin/sss command exits 2" test "$status" -eq 2

out="$("$ROOT/bin/sss" demo 2>&1)"; status=$?
check "bin/sss demo runs an MPI job over four nodes and exits 0" \
  test "$status" -eq 0 -a "$(grep -cE 'hello from rank [0-3] of 4 on .* mpd=node[1-4]$' <<<"$out")" -eq 4
check "... one rank on each node" test "$(grep -oE 'mpd=node[1-4]$' <<<"$out" | sort -u | wc -l)" -eq 4
check "... and leaves no mpd behind" test -z "$(pgrep -f "org.sss.mpd.MpdMain.*$SSS_VAR/demo" || true)"

summary "cli"
