#!/usr/bin/env bash
# Batch jobs through the queue manager, on the embedded default (etc/sss.xml as shipped: a ring of four mpds, node1..
# node4 with 2 slots each, and every component, the scheduler and the web dashboard included; only its ports and
# addresses moved, an HTTP port added to each component for its /metrics, and root's jobs allowed), then
#   1. hyperfine: the command line's wall time, `sssjob status` and `qstat` (a table of 50 jobs), `sssjob submit`;
#   2. JobThroughput: acknowledged submits per second (held jobs: submission only), 1 and 8 clients over the
#      Unix-domain socket;
#   3. JobThroughput --run, once per scheduler policy (POLICIES, default "backfill first-fit": the default the users
#      get, beside first-fit), each on a fresh suite: trivial jobs (`true`) submitted by 8 clients, placed by the
#      scheduler (a job holds its node whole), run through the process manager and the ring until all have completed:
#      jobs per second end to end, ROUNDS times on the same suite (the first round pays for the components' JIT; the
#      later ones are the steady state of a suite that has been up a while); each round with the CPU time per job of
#      every component and mpd (an mpd's with the jobs it ran), which compares across machines where a rate does not,
#      and the part of it the JVMs' JIT compiler threads took (the warm-up a suite that has just started pays),
#      the request/reply exchanges and events per job read from the components' /metrics, the process manager's group
#      table and its live heap; beside it, once, the machine's floor for the same jobs (bench/c/job-floor.c).
# Slurm's figures on this kind of machine (sbatch 130-220 submits/s, 10-34 trivial jobs/s end to end, squeue 24-33 ms)
# are quoted, not measured: Slurm is not installed here.
# Usage: bench/qm.sh [JOBS_PER_CLIENT] [ROUNDS] [POLICIES]     (section 3 runs JOBS_PER_CLIENT/5 jobs per client)
# QM_BENCH_SECTIONS (default "1 2 3") picks which of the three measures run; QM_BENCH_KEEP=1 keeps the suites' state
# and logs (their databases give each job's and event's times) instead of removing them; bench/job-cycle.py
# VAR_DIR then says where a node's time goes between two jobs.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$ROOT/bin/lib/common.sh"
sss_find_java
sss_ensure_built
JOBS="${1:-500}"
ROUNDS="${2:-4}"
POLICIES="${3:-backfill first-fit}"
for policy in $POLICIES; do
  case "$policy" in backfill|first-fit) ;; *) SSS_DIE_STATUS=2 sss_die "a policy is backfill or first-fit, not $policy" ;; esac
done
SECTIONS="${QM_BENCH_SECTIONS:-1 2 3}"
if [[ " $SECTIONS " == *" 1 "* ]] && ! command -v hyperfine >/dev/null; then
  [ "$(id -u)" -eq 0 ] || sss_die "hyperfine is missing: apt-get install hyperfine"
  sss_apt_install hyperfine || sss_die "apt-get install hyperfine failed (see $SSS_HOME/target/apt.log)"
fi
WORK="$(mktemp -d /tmp/sss-qm-bench.XXXXXX)"
chmod 755 "$WORK"
unset MPD_CONSOLE SSS_QM_SOCKET SSS_CONFIG
set +u
source "$ROOT/tests/lib.sh"
set -u
cleanup() {
  [ -n "${SSS_VAR:-}" ] && "$ROOT/bin/sss" stop >/dev/null 2>&1
  if [ -n "${QM_BENCH_KEEP:-}" ]; then echo "kept: $WORK (each policy's state and logs)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# start_embedded POLICY: the embedded default under $WORK/POLICY, started; sets SSS_VAR, SSS_CONFIG and SOCKET.
start_embedded() {
  local dir="$WORK/$1"
  mkdir -p "$dir/etc" "$dir/var/keys"
  chmod 700 "$dir/var/keys"
  sed -e "s/port=\"7700\"/port=\"$(free_port)\"/" -e 's/port="7701"/port="0"/' -e 's/dashboard-port="7780"/dashboard-port="0"/' \
      -e "s/:7710/:$(free_port)/g" -e 's/127\.0\.0\.\([2-5]\):/127.0.0.17\1:/g' \
      -e 's/\(<\(service-directory\|event-manager\|process-manager\|node-state-manager\|queue-manager\|scheduler\|web\) host="127.0.0.1" port="[0-9]*"\)/\1 http-port="0"/' \
      -e 's/<process-manager /<process-manager allow-root="true" /' -e "s/<scheduler /<scheduler policy=\"$1\" /" \
      "$ROOT/etc/sss.xml" >"$dir/etc/sss.xml"
  export SSS_VAR="$dir/var" SSS_CONFIG="$dir/etc/sss.xml"
  "$ROOT/bin/sss" keygen "$SSS_VAR/keys/suite.key" "$SSS_VAR/keys/admin.key" "$SSS_VAR/keys/viewer.key" >/dev/null
  "$ROOT/bin/sss" start >"$dir/start.log" || { cat "$dir/start.log" >&2; sss_die "the suite did not start"; }
  SOCKET="$SSS_VAR/run/queue-manager.sock"
}

stop_embedded() {
  "$ROOT/bin/sss" stop >/dev/null
  unset SSS_VAR
}

bench() {
  local cmd=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
             org.sss.bench.JobThroughput --socket "$SOCKET" --workdir "$WORK" "$@")
  echo "\$ ${cmd[*]}"
  "${cmd[@]}"
}

echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -n 1); commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ " $SECTIONS " == *" 1 "* || " $SECTIONS " == *" 2 "* ]]; then
  start_embedded backfill
  if [[ " $SECTIONS " == *" 1 "* ]]; then
    echo "== 1. the command line's wall time (hyperfine), 50 held jobs in the queue"
    printf '#!/bin/sh\ntrue\n' >"$WORK/held.sh"
    for _ in $(seq 50); do SSS_QM_SOCKET="$SOCKET" "$ROOT/bin/sssjob" submit -h -o /dev/null -e /dev/null "$WORK/held.sh" >/dev/null; done
    SSS_QM_SOCKET="$SOCKET" hyperfine -N -w 5 -r 40 "$ROOT/bin/sssjob status" "$ROOT/bin/qstat" \
      "$ROOT/bin/sssjob submit -h -o /dev/null -e /dev/null $WORK/held.sh" 2>&1 | grep -E "Benchmark|Time|Range"
  fi
  if [[ " $SECTIONS " == *" 2 "* ]]; then
    echo "== 2. acknowledged submits (held jobs), over the local socket"
    bench --clients 1 --jobs "$JOBS"
    bench --clients 8 --jobs "$JOBS"
  fi
  stop_embedded
fi
if [[ " $SECTIONS " == *" 3 "* ]]; then
  echo "== 3. the floor beside it: bench/c/job-floor.c, the same number of trivial jobs, 4 at once, nothing but a durable record, the job's /bin/sh and a durable end"
  command -v gcc >/dev/null || sss_die "the floor needs gcc (the build needs it too)"
  gcc -O2 -o "$WORK/job-floor" "$ROOT/bench/c/job-floor.c"
  printf '#!/bin/sh\ntrue\n' >"$WORK/trivial.sh"
  mkdir -p "$WORK/floor"
  "$WORK/job-floor" $((JOBS / 5 * 8)) 4 "$WORK/trivial.sh" "$WORK/floor"
  for policy in $POLICIES; do
    echo "== 3. trivial jobs end to end on the embedded default, scheduler policy $policy (submit, start on 4 nodes, each job holding one whole, run, complete)"
    start_embedded "$policy"
    follow=()
    for file in "$SSS_VAR"/run/*.pid; do
      name="$(basename "$file" .pid)"
      follow+=(--cpu "$name=$(cat "$file")")
    done
    while read -r component host port protocol http; do
      [ -n "${http:-}" ] && follow+=(--metrics "$component=${http}metrics")
    done < <("$ROOT/bin/sss" status 2>/dev/null | sed -n '/^Registered with the service directory:/,$p' | grep ' http://')
    follow+=(--heap "process-manager=$(cat "$SSS_VAR/run/process-manager.pid")")
    bench --clients 8 --jobs $((JOBS / 5)) --run --rounds "$ROUNDS" "${follow[@]}"
    stop_embedded
  done
fi
