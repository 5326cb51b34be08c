#!/usr/bin/env bash
# Crash tests: the embedded default (etc/sss.xml with free ports, leases renewed every 2 s, jobs
# allowed to run as root) under a steady load - two clients submitting one-node jobs with sssjob in a loop, the
# jobs recording when and where they ran - while each component in turn (directory, event manager, process manager,
# node state manager, queue manager, scheduler, web, then an mpd) is killed with SIGKILL and started again with
# bin/sss start, then the queue manager 20 more times. Afterwards: every acknowledged job is known and completes, no
# job ran twice, no node ran two jobs at once, and the clients got through after each restart. Needs root (the jobs
# run as root here). Prints the counts.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-crash.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var"
unset MPD_CONSOLE SSS_QM_SOCKET MPD_CONF_FILE
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
QM_CYCLES="${SSS_CRASH_QM_CYCLES:-20}"

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/crash.sh: needs root (its jobs run as root)" >&2
  exit 1
fi
cleanup() {
  touch "$WORK/stop"
  wait 2>/dev/null
  "$B/sss" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/etc" "$WORK/jobs"
CONFIG="$WORK/etc/sss.xml"
sed -e "s/port=\"7700\"/port=\"$(free_port)\"/" -e 's/port="7701"/port="0"/' \
    -e "s/dashboard-port=\"7780\"/dashboard-port=\"$(free_port)\"/" -e "s/:7710/:$(free_port)/g" \
    -e 's/<registration renew-interval="60"\/>/<registration renew-interval="2"\/>/' \
    -e 's/<process-manager /<process-manager allow-root="true" /' -e 's/127\.0\.0\.\([2-5]\):/127.0.0.2\1:/g' \
    "$ROOT/etc/sss.xml" >"$CONFIG"
"$B/sss" keygen "$SSS_VAR/keys/suite.key" "$SSS_VAR/keys/admin.key" "$SSS_VAR/keys/viewer.key" >/dev/null
export SSS_CONFIG="$CONFIG"
"$B/sss" start >"$WORK/start.log" 2>&1
check "the suite starts (ring of four on 127.0.0.22-25)" grep -q "local ring: 4 mpds" "$WORK/start.log"

cat >"$WORK/jobs/job.sh" <<SCRIPT
#!/bin/sh
#PBS -l nodes=1
#PBS -l walltime=00:05:00
#PBS -j oe
s=\$(date +%s.%N); sleep 0.4; e=\$(date +%s.%N)
echo "\${PBS_JOBID%%.*} \$(sort -u "\$PBS_NODEFILE" | tr -d '\n') \$s \$e" >>"$WORK/runs.log"
SCRIPT

# client N: submits in a loop until told to stop; an acknowledged id is one sssjob printed (exit 0).
client() {
  local n="$1" id
  while [ ! -e "$WORK/stop" ]; do
    if id="$(cd "$WORK/jobs" && "$B/sssjob" submit job.sh 2>>"$WORK/client$n.err")"; then
      echo "${id%%.*}" >>"$WORK/acked"
      echo ok >>"$WORK/client$n.ok"
    else
      echo failed >>"$WORK/client$n.ok"
    fi
    sleep 0.3
  done
}
touch "$WORK/acked" "$WORK/runs.log"
client 1 & client 2 &

acked() { wc -l <"$WORK/acked" 2>/dev/null || echo 0; }
attempts() { cat "$WORK"/client*.ok 2>/dev/null | wc -l; }
# crash NAME PIDFILE: SIGKILL, let the load run against the hole, start again, then see the clients get through.
crash() {
  local label="$1" name="$2" pid before status
  pid="$(cat "$SSS_VAR/run/$name.pid" 2>/dev/null)" || { echo "FAIL no pid file for $name"; failed=$((failed + 1)); return; }
  kill -KILL "$pid"
  wait_until 60 '! kill -0 "$pid" 2>/dev/null'
  # let the load meet the hole: both clients try at least twice more before the component comes back
  before="$(attempts)"
  wait_until 10 '[ "$(attempts)" -ge "$((before + 4))" ]'
  "$B/sss" start >>"$WORK/start.log" 2>&1; status=$?
  before="$(acked)"
  wait_until 60 '[ "$(acked)" -gt "$((before + 1))" ]'
  check "$label: killed -9, started again, clients submit again" test "$status" -eq 0 -a "$(acked)" -gt "$((before + 1))"
}

wait_until 10 '[ "$(acked)" -ge 5 ]'
for c in service-directory event-manager process-manager node-state-manager queue-manager scheduler web; do
  crash "$c" "$c"
done
crash "mpd node3" "mpd-node3"
check "the ring is whole again after node3's mpd came back" grep -q "Ring (4 of 4 mpds" <<<"$("$B/sss" status 2>&1)"
for i in $(seq "$QM_CYCLES"); do
  crash "queue manager, cycle $i of $QM_CYCLES" queue-manager
done
touch "$WORK/stop"
wait

mapfile -t ACKED < <(sort -n "$WORK/acked")
xml="$("$B/sssjob" status -a --xml)"
found=0 missing=""
for id in "${ACKED[@]}"; do
  if grep -q "<job id=\"$id\"" <<<"$xml"; then found=$((found + 1)); else missing="$missing $id"; fi
done
echo "crash tests: jobs acknowledged ${#ACKED[@]}, found after the restarts $found${missing:+ (missing:$missing)}"
check "every acknowledged job is known after the crashes (${#ACKED[@]} acknowledged, $found found)" \
  test "${#ACKED[@]}" -eq "$found" -a "$found" -gt 0
done_all() { ! "$B/sssjob" status -a --xml | grep -qE 'state="(queued|running|exiting)"'; }
wait_until 180 done_all
check "every acknowledged job completes" done_all
check "no job was given up because a node was away (requeued instead)" \
  test -z "$("$B/sssjob" status -a --xml | grep -o 'reason="cannot start[^"]*"' | head -n 3)"
ran="$(wc -l <"$WORK/runs.log")"
twice="$(awk '{print $1}' "$WORK/runs.log" | sort | uniq -d | tr '\n' ' ')"
echo "crash tests: job runs recorded $ran${twice:+, ran twice: $twice}"
check "no job ran twice ($ran runs recorded)" test -z "$twice"
for id in $twice; do
  echo "  job $id ran twice; what the logs say of it:"
  grep -h "job $id[:( ]\|job-$id-" "$SSS_VAR"/log/queue-manager.log "$SSS_VAR"/log/process-manager.log | sed 's/^/    /' | head -n 30
done
overlap="$(sort -k2,2 -k3,3n "$WORK/runs.log" | awk '$2 == node && $3 < end {print "job " $1 " on " $2 " started before job " prev " ended"} {node = $2; end = $4; prev = $1}')"
check "no node ran two jobs at once" test -z "$overlap"
[ -n "$overlap" ] && echo "$overlap" | head -5
mapfile -t OK_IDS < <("$B/sssjob" status -a --xml | sed 's/<job /\n<job /g' | grep 'exit-status="0"' | sed 's/^<job id="\([0-9]*\)".*/\1/')
not_once=""
for id in "${OK_IDS[@]}"; do
  [ "$(awk -v id="$id" '$1 == id' "$WORK/runs.log" | wc -l)" -eq 1 ] || not_once="$not_once $id"
done
check "each of the ${#OK_IDS[@]} jobs that exited 0 ran exactly once" test -n "${OK_IDS[*]}" -a -z "$not_once"
others="$("$B/sssjob" status -a --xml | sed 's/<job /\n<job /g' | grep '^<job ' | grep -v 'exit-status="0"' | sed -E 's/.*exit-status="([0-9]+)".*reason="([^"]*)".*/exit \1: \2/; t; s/.*exit-status="([0-9]+)".*/exit \1/; t; s/.*/no exit status/' | sort | uniq -c | tr '\n' ';')"
echo "crash tests: jobs that did not exit 0, by reason: ${others:-none}"
"$B/sssjob" status -a --xml | sed 's/<job /\n<job /g' | grep '^<job ' | grep -v 'exit-status=' | head -n 2 | sed 's/^/  e.g. /'

summary "tests/crash.sh"
