#!/usr/bin/env bash
# Open MPI through the mpds' PMIx servers, beside Open MPI's own mpirun and MPICH under Hydra, in one run (results
# in docs/PERFORMANCE.md and docs/PMIX.md):
#   cpi   Open MPI's cpi -n 8 under bin/mpiexec on one mpd (8 ranks on one host, as mpirun puts them) and spread
#         over a ring of 4 mpds on this machine (2 each), beside mpirun.openmpi --oversubscribe -n 8 cpi and MPICH's
#         cpi under mpiexec.hydra; rows with Open MPI's PML left to Debian's default show what the mpd's
#         OMPI_MCA_pml=ob1 is worth, to us and to mpirun; the floors beside them (8 /bin/true, one rank alone).
#         Runs are interleaved (one of each per round) and each has its CPU (bench/launch-cpu.py).
#   wide  MPI_Init + MPI_Finalize of 256 Open MPI ranks over a ring of 32 mpds (8 each): time and CPU per job, the
#         fences inside it as each host's mpd logs them (bench/pmix-fences.py), and the memory of the 32 mpds.
# The mpds listen on BENCH_NET.FIRST, FIRST+1, ... (default 127.0.0.2 on, as mpdboot --local); set BENCH_NET and
# BENCH_FIRST to keep to a block of loopback addresses. ROUNDS (default 15) and WIDE_ROUNDS (default 3) runs each;
# BENCH_KEEP=1 keeps the mpds' logs. BENCH_PMIX_SECURITY (auto, munge or native; default auto) is each mpd's
# --pmix-security, to measure what munge costs (docs/PMIX.md, Security).
# Needs Python 3, Debian's mpich, openmpi-bin, libopenmpi-dev and libpmix-dev (installed when missing
# and run as root; the suite is then rebuilt for sss-pmix).
# Usage: bench/pmix.sh [cpi] [wide]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$ROOT/bin/lib/common.sh"
sss_find_java
sss_ensure_built
if ! command -v mpiexec.hydra >/dev/null || ! command -v mpicc.openmpi >/dev/null || ! pkg-config --exists pmix 2>/dev/null; then
  [ "$(id -u)" -eq 0 ] || sss_die "MPICH, Open MPI or libpmix-dev is missing: apt-get install mpich libmpich-dev openmpi-bin libopenmpi-dev libpmix-dev"
  echo "bench/pmix.sh: installing mpich, Open MPI and libpmix-dev (missing); rebuilding for sss-pmix"
  sss_apt_install mpich libmpich-dev openmpi-bin libopenmpi-dev libpmix-dev pkgconf || sss_die "apt-get failed: $ROOT/target/apt.log"
  sss_build
fi
NET="${BENCH_NET:-127.0.0}"
FIRST="${BENCH_FIRST:-2}"
ROUNDS="${ROUNDS:-15}"
WIDE_ROUNDS="${WIDE_ROUNDS:-3}"
WORK="$(mktemp -d /tmp/sss-pmix-bench.XXXXXX)"
export MPD_CONF_FILE="$WORK/mpd.conf" MPD_CONSOLE_FILE="$WORK/console"
export SSS_JVM_OPTIONS="${SSS_JVM_OPTIONS:-} -Dlogback.configurationFile=$ROOT/bench/logback-pmix-fence.xml"
unset MPD_CONSOLE
(umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$MPD_CONF_FILE")
MPIEXEC="$ROOT/mpd/target/native/mpiexec"
PIDS=()

stop_ring() {
  "$ROOT/bin/mpdallexit" >/dev/null 2>&1 || true
  local pid
  for pid in "${PIDS[@]}"; do
    wait_until 20 "! kill -0 $pid 2>/dev/null" || kill "$pid" 2>/dev/null || true
  done
  PIDS=()
  rm -f "$MPD_CONSOLE_FILE"
}
# BENCH_KEEP=1 keeps the work directory (the mpds' logs under logs/) and says where.
trap 'stop_ring; if [ -n "${BENCH_KEEP:-}" ]; then echo "bench/pmix.sh: kept $WORK"; else rm -rf "$WORK"; fi' EXIT

# A ring of N mpds at NET.FIRST ... NET.FIRST+N-1, each its own host, logging to $WORK/logs/ADDRESS.log.
ring() {
  local n="$1" i address first
  stop_ring
  mkdir -p "$WORK/logs"
  first="$NET.$FIRST"
  echo "\$ a ring of $n mpds at $first-$NET.$((FIRST + n - 1))"
  setsid "$ROOT/bin/mpd" --host "$first" --secret "$MPD_CONF_FILE" --console-file "$MPD_CONSOLE_FILE" \
    --pmix-security "${BENCH_PMIX_SECURITY:-auto}" \
    >>"$WORK/logs/$first.log" 2>&1 </dev/null &
  PIDS+=("$!")
  wait_until 60 '[ -s "$MPD_CONSOLE_FILE" ]' || sss_die "the first mpd did not start: $(tail -n 3 "$WORK/logs/$first.log")"
  for i in $(seq 1 $((n - 1))); do
    address="$NET.$((FIRST + i))"
    setsid "$ROOT/bin/mpd" --host "$address" --secret "$MPD_CONF_FILE" --join "$(cat "$MPD_CONSOLE_FILE")" \
      --pmix-security "${BENCH_PMIX_SECURITY:-auto}" \
      >>"$WORK/logs/$address.log" 2>&1 </dev/null &
    PIDS+=("$!")
  done
  RING_SIZE="$n"
  wait_until 120 '[ "$("$ROOT/bin/mpdtrace" 2>/dev/null | wc -l)" -ge "$RING_SIZE" ]' || sss_die "the ring of $n did not form"
}

pids() {
  local IFS=,
  echo "${PIDS[*]}"
}

load() {
  echo "  load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "PMIx security: ${BENCH_PMIX_SECURITY:-auto} (munged $(munge -n </dev/null >/dev/null 2>&1 && echo answers || echo "does not answer"))"
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -n 1), Open MPI $(ompi_info --version 2>/dev/null | sed -n 's/^Open MPI v//p' | head -n 1), Hydra $(mpiexec.hydra --version 2>/dev/null | sed -n 's/^ *Version: *//p' | head -n 1), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
what="${*:-cpi wide}"
mkdir -p "$WORK/openmpi" "$WORK/mpich"
sh "$ROOT/testkit/src/test/c/build.sh" "$WORK/openmpi" openmpi
sh "$ROOT/testkit/src/test/c/build.sh" "$WORK/mpich" mpich
mpicc.openmpi -O2 -o "$WORK/openmpi/mpi-init" "$ROOT/bench/c/mpi-init.c"

if [[ " $what " == *" cpi "* ]]; then
  echo; echo "== cpi -n 8: Open MPI under bin/mpiexec (one mpd; a ring of 4 on this machine), mpirun.openmpi, MPICH under Hydra"
  ring 4
  cpi="$WORK/openmpi/cpi"
  one="-hosts $NET.$FIRST -ppn 8"
  for _ in $(seq 5); do "$MPIEXEC" -n 8 "$cpi" >/dev/null; done   # warm-up: the mpds are long-running daemons
  load
  echo "\$ bench/launch-cpu.py --rounds $ROUNDS (interleaved) ..."
  python3 "$ROOT/bench/launch-cpu.py" --rounds "$ROUNDS" --warmup 2 --daemons "$(pids)" -- \
    "@ours, one mpd=$MPIEXEC $one -n 8 $cpi" \
    "@ours, ring of 4=$MPIEXEC -n 8 $cpi" \
    "mpirun=mpirun.openmpi --allow-run-as-root --oversubscribe -n 8 $cpi" \
    "hydra + MPICH=mpiexec.hydra -launcher fork -n 8 $WORK/mpich/cpi" \
    "@ours, one mpd, Debian's PML choice=$MPIEXEC -genv OMPI_MCA_pml ^ucx $one -n 8 $cpi" \
    "mpirun with the mpd's PML setting=mpirun.openmpi --allow-run-as-root --oversubscribe --mca pml ob1 -n 8 $cpi" \
    "@floor: ours, 8 /bin/true on one mpd=$MPIEXEC $one -n 8 /bin/true" \
    "@floor: ours, one cpi rank alone=$MPIEXEC -n 1 $cpi"
  load
fi

if [[ " $what " == *" wide "* ]]; then
  echo; echo "== MPI_Init + MPI_Finalize of 256 Open MPI ranks over a ring of 32 mpds (8 each)"
  ring 32
  init="$WORK/openmpi/mpi-init"
  "$MPIEXEC" -n 32 "$init" >/dev/null   # warm-up
  marks=()
  for address in $(seq "$FIRST" $((FIRST + 31))); do
    log="$WORK/logs/$NET.$address.log"
    marks+=("$log:$(wc -l <"$log")")
  done
  load
  echo "\$ bench/launch-cpu.py --rounds $WIDE_ROUNDS --warmup 0 -- mpiexec -n 256 mpi-init"
  python3 "$ROOT/bench/launch-cpu.py" --rounds "$WIDE_ROUNDS" --warmup 0 --daemons "$(pids)" -- \
    "@ours, 256 ranks over 32 mpds=$MPIEXEC -n 256 $init"
  python3 "$ROOT/bench/pmix-fences.py" "${marks[@]}"
  rss=0
  for pid in "${PIDS[@]}"; do
    for p in "$pid" $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
      kb="$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$p"/status 2>/dev/null || true)"
      rss=$((rss + ${kb:-0}))
    done
  done
  echo "  memory: the 32 mpds and their sss-pmix helpers hold $((rss / 1024)) MiB resident ($((rss / 1024 / 32)) MiB each)"
  load
fi
