#!/usr/bin/env bash
# JMH benchmark of one scheduling pass: 10,000 queued jobs on 4,096 simulated nodes, priority FIFO with EASY
# backfill, without and with advance reservations (issue 8's goal: < 0.5 s). Usage: bench/scheduler.sh [JMH options]
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/../bin/lib/common.sh"
sss_find_java
sss_ensure_built
cmd=("$JAVA" -cp "$SSS_HOME/bench/target/classes:$SSS_HOME/bench/target/lib/*" org.openjdk.jmh.Main PlannerBenchmark
     -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1 "$@")
echo "\$ ${cmd[*]}"
"${cmd[@]}" | sed -n '/^Benchmark/,$p'
