#!/usr/bin/env bash
# Batch jobs through the queue manager: starts a local ring of NODES mpds (default 4: node1..node4 on
# 127.0.0.170-173, 8 slots each) and the suite with a process manager and a first-fit queue manager (private state, free ports), then
#   1. hyperfine: the command line's wall time, `sssjob status` and `qstat` (a table of 50 jobs), `sssjob submit`;
#   2. JobThroughput: acknowledged submits per second (held jobs: submission only), 1 and 8 clients over the
#      Unix-domain socket;
#   3. JobThroughput --run: trivial jobs (`true`) submitted by 8 clients, started first-fit (a job holds its nodes
#      whole) through the process manager and the ring, until all have completed: jobs per second end to end,
#      ROUNDS times on the same suite (the first round pays for the components' JIT; the later ones are the steady
#      state of a suite that has been up a while), each round with the CPU time per job of every component and
#      mpd (an mpd's with the jobs it ran), which compares across machines where a rate does not.
# Slurm's figures on this kind of machine (sbatch 130-220 submits/s, 10-34 trivial jobs/s end to end, squeue
# 24-33 ms) come from the issue; Slurm is not installed here. STARTER is first-fit (the queue manager starts jobs
# itself) or scheduler (a node state manager and the scheduler start them, as in production).
# Usage: bench/qm.sh [JOBS_PER_CLIENT] [NODES] [STARTER] [ROUNDS]
# QM_BENCH_SECTIONS (default "1 2 3") picks which of the three measures run.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$ROOT/bin/lib/common.sh"
sss_find_java
sss_ensure_built
JOBS="${1:-500}"
NODES="${2:-4}"
STARTER="${3:-first-fit}"
ROUNDS="${4:-4}"
case "$STARTER" in first-fit|scheduler) ;; *) SSS_DIE_STATUS=2 sss_die "STARTER is first-fit or scheduler, not $STARTER" ;; esac
if ! command -v hyperfine >/dev/null; then
  [ "$(id -u)" -eq 0 ] || sss_die "hyperfine is missing: apt-get install hyperfine"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
WORK="$(mktemp -d /tmp/sss-qm-bench.XXXXXX)"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE SSS_QM_SOCKET
set +u
source "$ROOT/tests/lib.sh"
set -u
cleanup() {
  "$ROOT/bin/sss" stop >/dev/null 2>&1 || true
  stop_ring
  rm -rf "$WORK"
}
trap cleanup EXIT
addresses=()
for i in $(seq "$NODES"); do addresses+=("127.0.0.$((169 + i))"); done
start_ring "${addresses[@]}"
export SSS_CONFIG="$WORK/etc/sss.xml"
nodes=""
for i in $(seq "$NODES"); do nodes="$nodes<node name=\"node$i\" slots=\"8\"/>"; done
if [ "$STARTER" = scheduler ]; then
  starter="  <node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"1\"/>\n  <scheduler host=\"127.0.0.1\" port=\"0\" interval=\"5\"/>\n"
  first_fit=false
else
  starter=""
  first_fit=true
fi
suite_config "$SSS_CONFIG" "  $(ring_element)\n  <process-manager host=\"127.0.0.1\" port=\"0\" allow-root=\"true\"/>\n$starter  <queue-manager host=\"127.0.0.1\" port=\"0\" first-fit=\"$first_fit\"><queue name=\"batch\" default=\"true\"/></queue-manager>\n  <nodes>$nodes</nodes>"
"$ROOT/bin/sss" start >/dev/null
SOCKET="$SSS_VAR/run/queue-manager.sock"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -n 1)"
bench() {
  local cmd=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
             org.sss.bench.JobThroughput --socket "$SOCKET" --workdir "$WORK" "$@")
  echo "\$ ${cmd[*]}"
  "${cmd[@]}"
}
SECTIONS="${QM_BENCH_SECTIONS:-1 2 3}"
if [[ " $SECTIONS " == *" 1 "* ]]; then
echo "== 1. the command line's wall time (hyperfine), 50 held jobs in the queue"
printf '#!/bin/sh\ntrue\n' >"$WORK/held.sh"
for _ in $(seq 50); do "$ROOT/bin/sssjob" submit -h -o /dev/null -e /dev/null "$WORK/held.sh" >/dev/null; done
hyperfine -N -w 5 -r 40 "$ROOT/bin/sssjob status" "$ROOT/bin/qstat" "$ROOT/bin/sssjob submit -h -o /dev/null -e /dev/null $WORK/held.sh" 2>&1 \
  | grep -E "Benchmark|Time|Range"
fi
if [[ " $SECTIONS " == *" 2 "* ]]; then
echo "== 2. acknowledged submits (held jobs), over the local socket"
bench --clients 1 --jobs "$JOBS"
bench --clients 8 --jobs "$JOBS"
fi
if [[ " $SECTIONS " == *" 3 "* ]]; then
echo "== 3. trivial jobs end to end (submit, start ($STARTER) on $NODES nodes, each job holding one whole, run, complete)"
cpu=()
for file in "$SSS_VAR"/run/*.pid; do cpu+=(--cpu "$(basename "$file" .pid)=$(cat "$file")"); done
i=1
for pid in "${MPDS[@]}"; do cpu+=(--cpu "mpd$i=$pid"); i=$((i + 1)); done
bench --clients 8 --jobs $((JOBS / 5)) --run --rounds "$ROUNDS" "${cpu[@]}"
fi
