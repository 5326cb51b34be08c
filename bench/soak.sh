#!/usr/bin/env bash
# Soak (issue 10, item 5; not run by CI): the embedded default (etc/sss.xml with free ports, jobs allowed to run as
# root) fed one short job every 1/RATE s for SECONDS, each job a second of sleep on one node; every 30 s one line:
# jobs submitted and completed, submit latency (p50, p99, max over the window), and the resident memory of each
# component and of the mpds. Needs root.   usage: bench/soak.sh [SECONDS=600] [RATE=2]
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
DURATION="${1:-600}"
RATE="${2:-2}"
WORK="$(mktemp -d /tmp/sss-soak.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var"
unset MPD_CONSOLE SSS_QM_SOCKET MPD_CONF_FILE
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
cleanup() {
  "$B/sss" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/etc" "$WORK/jobs"
sed -e "s/port=\"7700\"/port=\"$(free_port)\"/" -e 's/port="7701"/port="0"/' \
    -e "s/dashboard-port=\"7780\"/dashboard-port=\"$(free_port)\"/" -e "s/:7710/:$(free_port)/g" \
    -e 's/<process-manager /<process-manager allow-root="true" /' -e 's/127\.0\.0\.\([2-5]\):/127.0.0.4\1:/g' \
    "$ROOT/etc/sss.xml" >"$WORK/etc/sss.xml"
"$B/sss" keygen "$SSS_VAR/keys/suite.key" "$SSS_VAR/keys/admin.key" "$SSS_VAR/keys/viewer.key" >/dev/null
export SSS_CONFIG="$WORK/etc/sss.xml"
"$B/sss" start >/dev/null || { echo "bench/soak.sh: the suite did not start" >&2; exit 1; }
printf '#!/bin/sh\n#PBS -l nodes=1\n#PBS -j oe\nsleep 1\n' >"$WORK/jobs/job.sh"

rss_mb() {
  local file="$SSS_VAR/run/$1.pid"
  [ -f "$file" ] && ps -o rss= -p "$(cat "$file")" 2>/dev/null | awk '{printf "%d", $1 / 1024}'
}
mpds_mb() {
  local total=0 file
  for file in "$SSS_VAR"/run/mpd-*.pid; do total=$((total + $(ps -o rss= -p "$(cat "$file")" 2>/dev/null || echo 0))); done
  echo $((total / 1024))
}
# live_heap: each component's heap in use right after a full collection (MB), to tell growth from lazy collection.
live_heap() {
  local c pid line=""
  for c in service-directory event-manager process-manager node-state-manager queue-manager scheduler web; do
    pid="$(cat "$SSS_VAR/run/$c.pid" 2>/dev/null)" || continue
    "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null 2>&1
    line="$line $c=$("$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info 2>/dev/null | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); printf "%d", v / 1024; exit}}')"
  done
  echo "live heap after a full GC (MB):$line"
}
source "$ROOT/bin/lib/common.sh"
sss_find_java
echo "soak: $DURATION s at $RATE job(s)/s on $(nproc) cores, $(uname -sr); $(date -u +%FT%TZ)"
echo "command: bench/soak.sh $DURATION $RATE"
live_heap
printf '%6s %9s %9s %8s %8s %8s   %s\n' t_s submitted completed p50_ms p99_ms max_ms "RSS MB: sd em pm nsm qm sched web mpds(4)"
start="$(date +%s)"
next_report=$((start + 30))
submitted=0
: >"$WORK/latency"
interval="$(awk -v r="$RATE" 'BEGIN {printf "%.3f", 1 / r}')"
while [ "$(date +%s)" -lt $((start + DURATION)) ]; do
  t0="$(date +%s%N)"
  (cd "$WORK/jobs" && "$B/sssjob" submit job.sh >/dev/null) && submitted=$((submitted + 1))
  t1="$(date +%s%N)"
  echo $(((t1 - t0) / 1000000)) >>"$WORK/latency"
  rest="$(awk -v i="$interval" -v d="$(((t1 - t0) / 1000000))" 'BEGIN {s = i - d / 1000; if (s > 0) printf "%.3f", s; else print 0}')"
  sleep "$rest"
  now="$(date +%s)"
  if [ "$now" -ge "$next_report" ]; then
    completed="$("$B/sssjob" status -a --xml | grep -o 'state="completed"' | wc -l)"
    read -r p50 p99 max < <(sort -n "$WORK/latency" | awk '{a[NR] = $1} END {print a[int(NR * 0.5) + 1], a[int(NR * 0.99) + 1], a[NR]}')
    printf '%6d %9d %9d %8s %8s %8s   %s %s %s %s %s %s %s %s\n' $((now - start)) "$submitted" "$completed" "$p50" "$p99" "$max" \
      "$(rss_mb service-directory)" "$(rss_mb event-manager)" "$(rss_mb process-manager)" "$(rss_mb node-state-manager)" \
      "$(rss_mb queue-manager)" "$(rss_mb scheduler)" "$(rss_mb web)" "$(mpds_mb)"
    : >"$WORK/latency"
    next_report=$((now + 30))
  fi
done
live_heap
