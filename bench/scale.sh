#!/usr/bin/env bash
# The ring measured at many sizes (issue 24; results in docs/SCALE.md): for each size N, one `mpd --members N` JVM
# (N whole mpds, each on its own loopback address from BENCH_FIRST, default 127.30.0.1) and, in order:
#   boot      from starting the JVM until every member agrees on the whole membership (await-whole)
#   launch    mpiexec -n N /bin/true, one rank per member (median of RUNS after a warm-up); the launch tree's depth
#             for the mpds' fan-out (FANOUT, default 4); placement checked: N distinct MPD_HOST; beside it the floor
#             (bench/c/spawn-floor.c: N posix_spawns of /bin/true from one process holding the JVM's descriptors)
#   pmi1      a PMI-1 fence across all N ranks (testkit/src/test/c/fence.c: us per fence, median of 3 jobs)
#   pmix      a PMIx fence across all N ranks (bench/c/pmix-fence.c: the same through the mpds' PMIx servers;
#             n/a without libpmix-dev)
#   ring      mpdringtest: one message around the ring (ms per loop)
#   repair1   crash-spread 1 (as a host crashes) until whole again; a job running across the ring
#             (mpiexec -n N sleep) must end reporting the loss ("told": its time from the crash)
#   repair10  crash-spread 10 at once, the same
# with the JVM's CPU time (user + system, from /proc/PID/stat) for each phase. Then, at the sizes in SCHED_SIZES
# (default: the largest size), before the repairs, the node state manager and scheduler over the ring
# (bench/scale-sched.sh: a pass, and the time from a member's crash to the scheduler avoiding its node).
# Writes results.tsv, the log of each size, scale.svg (bench/scale-plot.py) and model.txt (bench/scale-model.py:
# each cost fitted against N and extrapolated to 10,000 hosts) under OUT (default target/scale/DATE); prints them.
# Needs gcc and python3; libpmix-dev for the PMIx row. Raises ulimit -n (and kernel.pid_max when root).
# Usage: bench/scale.sh [SIZE...]      (default 32 128 256 512 1024)
# Environment: FANOUT, RUNS (default 5), BOOT_TIMEOUT (default 600 s), BENCH_FIRST, OUT, SCHED_SIZES ("" skips),
# PMIX_MAX (default 512: the largest size given a PMIx fence; each member then starts an sss-pmix server),
# NO_JOBS=1 (skips launch, fences and ring test: the node state manager and scheduler alone), NO_REPAIR=1 (skips the repairs: to compare fan-outs, e.g. for k in 2 4 8 16; do FANOUT=$k NO_REPAIR=1 SCHED_SIZES=
# OUT=target/scale/fanout-$k bench/scale.sh 256; done).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$ROOT/bin/lib/common.sh"
source "$ROOT/bin/lib/members.sh"
source "$ROOT/bench/scale-sched.sh"
sss_find_java
sss_ensure_built
SIZES=(${*:-32 128 256 512 1024})
FANOUT="${FANOUT:-4}"
RUNS="${RUNS:-5}"
BOOT_TIMEOUT="${BOOT_TIMEOUT:-600}"
FIRST="${BENCH_FIRST:-127.30.0.1}"
OUT="${OUT:-$ROOT/target/scale/$(date -u +%Y%m%dT%H%M%SZ)}"
SCHED_SIZES="${SCHED_SIZES-${SIZES[-1]}}"
# Every job gets JOB_TIMEOUT seconds (default 300): a job that hangs is a result (failed(124)), not a stuck bench.
MPIEXEC="timeout -k 5 ${JOB_TIMEOUT:-300} $ROOT/mpd/target/native/mpiexec"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/sss-scale.XXXXXX)"
export MPD_CONF_FILE="$WORK/mpd.conf" MPD_CONSOLE_FILE="$WORK/ring/console"
unset MPD_CONSOLE
(umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$MPD_CONF_FILE")
trap 'members_stop; rm -rf "$WORK"' EXIT

for tool in gcc python3; do command -v "$tool" >/dev/null || sss_die "$tool is missing"; done
gcc -O2 -Wall -Wextra -o "$WORK/fence" "$ROOT/testkit/src/test/c/fence.c"
gcc -O2 -Wall -Wextra -o "$WORK/spawn-floor" "$ROOT/bench/c/spawn-floor.c"
PMIX_FENCE=""
if pkg-config --exists pmix 2>/dev/null && [ -x "$ROOT/mpd/target/native/sss-pmix" ]; then
  gcc -O2 -Wall -Wextra $(pkg-config --cflags pmix) -o "$WORK/pmix-fence" "$ROOT/bench/c/pmix-fence.c" \
    $(pkg-config --libs pmix) && PMIX_FENCE="$WORK/pmix-fence"
fi

# Each member holds ~11 descriptors and ~12 threads; mpiexec's ranks come on top.
largest=0; for n in "${SIZES[@]}"; do [ "$n" -gt "$largest" ] && largest="$n"; done
want_fds=$((largest * 24 + 4096))
if [ "$(ulimit -n)" -lt "$want_fds" ]; then
  if [ "$(id -u)" -eq 0 ] && [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$want_fds" ]; then
    ulimit -Hn "$want_fds" 2>/dev/null || true
  fi
  ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
[ "$(ulimit -n)" -ge "$want_fds" ] || echo "bench/scale.sh: ulimit -n is $(ulimit -n), ~$want_fds wanted for $largest members" >&2
if [ "$(id -u)" -eq 0 ] && [ "$(cat /proc/sys/kernel/pid_max)" -lt $((largest * 40)) ]; then
  echo $((largest * 40 > 4194304 ? 4194304 : largest * 40)) >/proc/sys/kernel/pid_max
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# depth N K: the levels below the root of the k-ary launch tree over N hosts (root first, heap order).
depth() {
  local n="$1" k="$2" d=0 level=1 covered=1
  while [ "$covered" -lt "$n" ]; do level=$((level * k)); covered=$((covered + level)); d=$((d + 1)); done
  echo "$d"
}

median() { python3 -c 'import sys, statistics; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.1f}" if v else "n/a")' "$@"; }

# A job across the ring that must be told of a crash: N ranks that say "up" then sleep. Sets JOB_PID.
start_job() {
  local n="$1" tag="$2"
  $MPIEXEC --pmi pmi1 -n "$n" sh -c 'echo up; exec sleep 600' >"$WORK/$tag.out" 2>"$WORK/$tag.err" &
  JOB_PID=$!
  wait_until 120 '[ "$(grep -c "^up" "$WORK/$tag.out")" -ge "$n" ] || ! kill -0 "$JOB_PID" 2>/dev/null'
}

# repair TAG K: crashes K members spread around the ring during a job; sets REPAIR_MS, TOLD_MS (or "no"), CPU_MS.
repair() {
  local tag="$1" k="$2" n t0 cpu0 answer status
  n="$(members_ask 30 whole | awk '{print $2}')" || true
  if ! start_job "$n" "$tag"; then
    echo "  $tag: not every rank of the job across the ring said up within 120 s; crashing anyway"
  fi
  cpu0="$(members_cpu)"; t0="$(now_ms)"
  members_ask 60 "crash-spread $k" >/dev/null || true
  answer="$(members_ask $((${REPAIR_TIMEOUT:-120} + 10)) "await-whole ${REPAIR_TIMEOUT:-120}")" || answer="no answer"
  REPAIR_MS=$(( $(now_ms) - t0 ))
  CPU_MS=$(( $(members_cpu) - cpu0 ))
  [[ "$answer" == whole* ]] || REPAIR_MS="not-whole"
  if wait_until 120 '! kill -0 "$JOB_PID" 2>/dev/null'; then
    TOLD_MS=$(( $(now_ms) - t0 ))
    status=0; wait "$JOB_PID" || status=$?
    # told: the job ended in failure and its mpiexec named the loss
    if [ "$status" -eq 0 ] || ! grep -qi "lost\|gone\|left the ring" "$WORK/$tag.err"; then TOLD_MS="no"; fi
  else
    kill "$JOB_PID" 2>/dev/null || true
    TOLD_MS="no"
  fi
  echo "  $tag: crash-spread $k of $n: whole again after $REPAIR_MS ms ($answer); job told after $TOLD_MS ms; CPU $CPU_MS ms"
  sed 's/^/    job: /' "$WORK/$tag.err" | head -n 3
}

COLUMNS_TSV="members\tfanout\tdepth\tboot_ms\tboot_cpu_ms\tlaunch_ms\tlaunch_cpu_ms\tlaunch_hosts\tpmi1_fence_us\tpmix_fence_us\tfence_cpu_ms\tringtest_loop_ms\trepair1_ms\trepair1_told_ms\trepair1_cpu_ms\trepair10_ms\trepair10_told_ms\trepair10_cpu_ms\theap_mb\tfds\tthreads\tlaunch_floor_ms"
echo -e "$COLUMNS_TSV" >"$OUT/results.tsv"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -n 1); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); $(date -u +%FT%TZ)" | tee "$OUT/machine.txt"

measure() {
  local n="$1" heap=$((256 + 4 * n)) t0 cpu0 answer d
  local boot="n/a" boot_cpu="n/a" launch="n/a" launch_cpu="n/a" hosts="n/a" floor="n/a" pmi1="n/a" pmix="n/a" fence_cpu="n/a"
  local fds="n/a" threads="n/a" ring="n/a" r1="n/a" t1="n/a" c1="n/a" r10="n/a" t10="n/a" c10="n/a"
  d="$(depth "$n" "$FANOUT")"
  echo; echo "== $n members (fan-out $FANOUT: launch tree depth $d; heap ${heap}m)"
  export SSS_JVM_OPTIONS="-Xmx${heap}m"
  t0="$(now_ms)"
  members_start "$WORK/ring" "$n" "$FIRST" --host scale --fanout "$FANOUT" --log-level warn
  if members_started "$BOOT_TIMEOUT" && answer="$(members_ask "$BOOT_TIMEOUT" "await-whole $BOOT_TIMEOUT")" \
      && [[ "$answer" == whole* ]]; then
    boot=$(( $(now_ms) - t0 )); boot_cpu="$(members_cpu)"
    echo "  boot: whole after $boot ms (JVM CPU $boot_cpu ms)"

    if [ -z "${NO_JOBS:-}" ]; then
    # The launch and the PMI-1 fence run with --pmi pmi1: with PMIx (the default, both) each member starts its
    # sss-pmix server with its first such job, 1,024 processes and ~5,000 descriptors at once on this machine, which
    # a real host pays once for itself. The PMIx fence below measures PMIx, up to PMIX_MAX members.
    $MPIEXEC --pmi pmi1 -n "$n" /bin/true || true   # warm-up: opens the tree's links
    local times=() s status=0
    cpu0="$(members_cpu)"
    for _ in $(seq "$RUNS"); do
      s="$(now_ms)"; $MPIEXEC --pmi pmi1 -n "$n" /bin/true || status=$?
      times+=($(( $(now_ms) - s )))
    done
    launch_cpu=$(( ($(members_cpu) - cpu0) / RUNS ))
    launch="$(median "${times[@]}")"
    [ "$status" -eq 0 ] || launch="failed($status)"
    hosts="$($MPIEXEC --pmi pmi1 -n "$n" printenv MPD_HOST | sort -u | wc -l)" || true
    echo "  launch: mpiexec -n $n /bin/true: median $launch ms of ${times[*]} (CPU per job $launch_cpu ms); $hosts distinct hosts"
    # The floor beside it: N posix_spawns of /bin/true from one process that holds as many descriptors as the
    # members' JVM now (each child closes them all before its exec, as the mpd's spawn does), and nothing else.
    local floor_line
    floor_line="$("$WORK/spawn-floor" "$n" "$(ls "/proc/$MEMBERS_PID/fd" | wc -l)")" \
      && floor="$(sed -n 's/.*open: \([0-9.]*\) ms wall.*/\1/p' <<<"$floor_line")" && echo "  floor: $floor_line"

    local fences=() out
    cpu0="$(members_cpu)"
    for _ in 1 2 3; do
      out="$($MPIEXEC --pmi pmi1 -n "$n" "$WORK/fence" 20 2>&1 | grep 'us per fence')" && fences+=("$(awk '{print $(NF-3)}' <<<"$out")")
    done
    pmi1="$(median "${fences[@]}")"
    if [ -n "$PMIX_FENCE" ] && [ "$n" -le "${PMIX_MAX:-512}" ]; then
      fences=()
      for _ in 1 2 3; do
        out="$($MPIEXEC -n "$n" "$PMIX_FENCE" 20 2>&1 | grep 'us per fence')" && fences+=("$(awk '{print $(NF-3)}' <<<"$out")")
      done
      pmix="$(median "${fences[@]}")"
    fi
    fence_cpu=$(( $(members_cpu) - cpu0 ))
    fds="$(ls "/proc/$MEMBERS_PID/fd" | wc -l)"; threads="$(awk '/^Threads:/ {print $2}' "/proc/$MEMBERS_PID/status")"
    echo "  after the jobs: the JVM holds $fds descriptors and $threads threads ($((fds / n)) and $((threads / n)) per member)"
    echo "  fences: PMI-1 $pmi1 us, PMIx $pmix us per fence across $n ranks (JVM CPU for the 6 jobs $fence_cpu ms)"

    local loops=$(( n >= 256 ? 5 : 20 ))
    out="$(MPD_CONSOLE_FILE="$WORK/ring/console" "$ROOT/bin/mpdringtest" "$loops" 2>&1)" \
      && ring="$(python3 -c 'import sys; print(f"{float(sys.argv[1]) * 1000 / int(sys.argv[2]):.1f}")' \
        "$(sed -n 's/.* = \([0-9.]*\) seconds.*/\1/p' <<<"$out")" "$loops")"
    echo "  ring: $out"
    fi

    if [[ " $SCHED_SIZES " == *" $n "* ]]; then sched_measure "$n" || echo "  the suite over the ring failed"; fi

    if [ -z "${NO_REPAIR:-}" ]; then
      repair repair1 1; r1="$REPAIR_MS"; t1="$TOLD_MS"; c1="$CPU_MS"
      if [[ "$r1" != not-whole ]]; then
        repair repair10 10; r10="$REPAIR_MS"; t10="$TOLD_MS"; c10="$CPU_MS"
      fi
    fi
  else
    echo "  boot: not whole within $BOOT_TIMEOUT s: $(tail -n 1 "$WORK/ring/out" 2>/dev/null)"
    tail -n 5 "$WORK/ring/err" | sed 's/^/    log: /'
    boot="not-whole"
  fi
  cp "$WORK/ring/err" "$OUT/members-$n.log" 2>/dev/null || true
  members_stop
  echo -e "$n\t$FANOUT\t$d\t$boot\t$boot_cpu\t$launch\t$launch_cpu\t$hosts\t$pmi1\t$pmix\t$fence_cpu\t$ring\t$r1\t$t1\t$c1\t$r10\t$t10\t$c10\t$heap\t$fds\t$threads\t$floor" >>"$OUT/results.tsv"
}

for n in "${SIZES[@]}"; do
  measure "$n" > >(tee -a "$OUT/scale.log") 2>&1
done
echo; column -t -s $'\t' "$OUT/results.tsv"
python3 "$ROOT/bench/scale-plot.py" "$OUT/results.tsv" "$OUT/scale.svg" && echo "plot: $OUT/scale.svg"
echo; python3 "$ROOT/bench/scale-model.py" "$OUT/results.tsv" | tee "$OUT/model.txt"
for f in "$OUT"/sched-*.tsv; do [ -f "$f" ] && { echo; column -t -s $'\t' "$f"; }; done
echo "results: $OUT"
