#!/usr/bin/env bash
# Benchmarks of the mpd ring, each beside its reference in the same run (results in docs/PERFORMANCE.md):
#   1. mpdringtest on a local ring of 8, beside the machine's floor (bench/c/tcp-ring.c: 8 C processes passing a
#      token over loopback TCP with nothing else to do) and bench/java/JavaRing.java (the same with 8 JVMs, over
#      TCP and over Unix-domain sockets);
#   2. mpiexec -n 128 hostname (and -n 1) on a local ring of 4, beside MPICH Hydra's mpiexec on the same machine;
#   3. mpiexec -n 1024 /bin/true over a local ring of 32.
#   4. mpiexec -n 8 ./cpi (MPICH) on a local ring of 4, beside Hydra;
#   5. PMI fences of 1,024 ranks over a local ring of 32 (testkit/src/test/c/fence.c, time per fence);
#   6. Open MPI through each mpd's PMIx server: mpiexec -n 8 ./cpi and -n 64 ./hello on a local ring of 4, beside
#      Open MPI's own mpirun (with --pmi pmi1 beside them, launch 2's job without PMIx's registration).
# Needs hyperfine and Debian's mpich (installed when missing and run as root); 6 also openmpi-bin, libopenmpi-dev
# and libpmix-dev (installed likewise, but the suite must then be rebuilt for sss-pmix).
# Usage: bench/mpd.sh [ringtest|launch|wide|mpi|fence|openmpi]...
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$ROOT/bin/lib/common.sh"
sss_find_java
sss_ensure_built
for tool in hyperfine mpiexec.hydra; do
  if ! command -v "$tool" >/dev/null; then
    [ "$(id -u)" -eq 0 ] || sss_die "$tool is missing: apt-get install hyperfine mpich"
    echo "bench/mpd.sh: installing hyperfine and mpich (missing)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine mpich >/dev/null
  fi
done
WORK="$(mktemp -d /tmp/sss-mpd-bench.XXXXXX)"
export MPD_CONF_FILE="$WORK/mpd.conf" MPD_CONSOLE_FILE="$WORK/console" MPD_LOG_DIR="$WORK/logs"
unset MPD_CONSOLE
(umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$MPD_CONF_FILE")
trap '"$ROOT/bin/mpdallexit" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
MPIEXEC="$ROOT/mpd/target/native/mpiexec"

run() {
  echo "\$ $*"
  "$@"
}

# A ring of N JVMs passing a token (bench/java/JavaRing.java): the floor for any Java ring here, over TCP or
# Unix-domain sockets.
java_ring() {
  local n="$1" loops="$2" mode="$3" where
  if [ "$mode" = unix ]; then where="$WORK"; else where=47123; fi
  echo "\$ bench/java/JavaRing.java x $n $loops $mode"
  for i in $(seq $((n - 1)) -1 1); do "$JAVA" "$ROOT/bench/java/JavaRing.java" "$i" "$n" "$loops" "$mode" "$where" & done
  "$JAVA" "$ROOT/bench/java/JavaRing.java" 0 "$n" "$loops" "$mode" "$where"
  wait
}

ring() {
  "$ROOT/bin/mpdallexit" >/dev/null 2>&1 || true
  wait_until 5 '! "$ROOT/bin/mpdtrace" >/dev/null 2>&1' || true
  run "$ROOT/bin/mpdboot" -n "$1" --local
}

median() {
  python3 -c "
import json, sys
for r in json.load(open(sys.argv[1]))['results']:
    t = sorted(r['times']); m = t[len(t) // 2] * 1000
    print(f\"  {r['command']}: median {m:.1f} ms (min {t[0]*1000:.1f}, max {t[-1]*1000:.1f}, {len(t)} runs)\")
" "$1"
}

echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -n 1), $(mpiexec.hydra --version 2>/dev/null | sed -n 's/^Version: *//p' | head -n 1 | sed 's/^/Hydra /')"
what="${*:-ringtest launch wide mpi fence openmpi}"

if [[ " $what " == *" ringtest "* ]]; then
  echo; echo "== 1. a message around a local ring of 8"
  gcc -O2 -o "$WORK/tcp-ring" "$ROOT/bench/c/tcp-ring.c"
  ring 8
  run "$ROOT/bin/mpdringtest" 20000 >/dev/null   # warm-up: the mpds' JIT
  for _ in 1 2 3; do run "$ROOT/bin/mpdringtest" 20000; done
  for _ in 1 2 3; do run "$WORK/tcp-ring" 8 20000; done
  for mode in tcp unix; do
    for _ in 1 2 3; do java_ring 8 20000 "$mode"; done
  done
fi

if [[ " $what " == *" launch "* ]]; then
  echo; echo "== 2. mpiexec -n 128 hostname: ours on a local ring of 4, Hydra on this machine"
  ring 4
  for _ in $(seq 20); do "$MPIEXEC" -n 128 hostname >/dev/null; done   # warm-up: the mpds are long-running daemons
  run hyperfine -N --warmup 5 --runs 40 --export-json "$WORK/launch.json" \
      "$MPIEXEC -n 128 hostname" "mpiexec.hydra -launcher fork -n 128 hostname" \
      "$MPIEXEC -n 1 hostname" "mpiexec.hydra -launcher fork -n 1 hostname" | grep -E 'Benchmark|Time|Range'
  median "$WORK/launch.json"
fi

if [[ " $what " == *" wide "* ]]; then
  echo; echo "== 3. 1,024 ranks of /bin/true over a local ring of 32"
  ring 32
  run hyperfine -N --warmup 2 --runs 10 --export-json "$WORK/wide.json" "$MPIEXEC -n 1024 /bin/true" | grep -E 'Benchmark|Time|Range'
  median "$WORK/wide.json"
fi

if [[ " $what " == *" mpi "* ]]; then
  echo; echo "== 4. mpiexec -n 8 ./cpi: ours on a local ring of 4, Hydra on this machine"
  mkdir -p "$WORK/mpi" && sh "$ROOT/testkit/src/test/c/build.sh" "$WORK/mpi"
  ring 4
  for _ in $(seq 5); do "$MPIEXEC" -n 8 "$WORK/mpi/cpi" >/dev/null; done
  run hyperfine -N --warmup 3 --runs 20 --export-json "$WORK/cpi.json" \
      "$MPIEXEC -n 8 $WORK/mpi/cpi" "mpiexec.hydra -launcher fork -n 8 $WORK/mpi/cpi" | grep -E 'Benchmark|Time|Range'
  median "$WORK/cpi.json"
fi

if [[ " $what " == *" fence "* ]]; then
  echo; echo "== 5. PMI fences of 1,024 ranks over a local ring of 32"
  mkdir -p "$WORK/mpi" && sh "$ROOT/testkit/src/test/c/build.sh" "$WORK/mpi"
  ring 32
  for _ in 1 2 3; do run "$MPIEXEC" -n 1024 "$WORK/mpi/fence" 20 | grep fences; done
fi

if [[ " $what " == *" openmpi "* ]]; then
  echo; echo "== 6. Open MPI through the mpds' PMIx servers on a local ring of 4, beside mpirun.openmpi"
  if ! command -v mpicc.openmpi >/dev/null || ! pkg-config --exists pmix 2>/dev/null; then
    [ "$(id -u)" -eq 0 ] || sss_die "Open MPI or libpmix-dev is missing: apt-get install openmpi-bin libopenmpi-dev libpmix-dev"
    echo "bench/mpd.sh: installing openmpi-bin, libopenmpi-dev and libpmix-dev (missing); rebuilding for sss-pmix"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin libopenmpi-dev libpmix-dev >/dev/null
    sss_build
  fi
  mkdir -p "$WORK/openmpi" && sh "$ROOT/testkit/src/test/c/build.sh" "$WORK/openmpi" openmpi
  ring 4
  for _ in $(seq 5); do "$MPIEXEC" -n 8 "$WORK/openmpi/cpi" >/dev/null; done
  run hyperfine -N --warmup 3 --runs 20 --export-json "$WORK/openmpi.json" \
      "$MPIEXEC -n 8 $WORK/openmpi/cpi" "mpirun.openmpi --allow-run-as-root --oversubscribe -n 8 $WORK/openmpi/cpi" \
      "$MPIEXEC -n 64 $WORK/openmpi/hello" "mpirun.openmpi --allow-run-as-root --oversubscribe -n 64 $WORK/openmpi/hello" \
      "$MPIEXEC -n 128 hostname" "$MPIEXEC --pmi pmi1 -n 128 hostname" | grep -E 'Benchmark|Time|Range'
  median "$WORK/openmpi.json"
fi
