#!/bin/sh
# Builds the MPI test programs with MPICH's compiler wrapper and the PMI-1 client programs with gcc into DIR. The
# tests that run them call it (MpiPrograms), and bench/mpd.sh; the product's build never does. MPICH's wrapper is
# named mpicc.mpich: Debian's openmpi-bin, when installed, takes the plain mpicc alternative, and the ring serves
# MPICH's PMI-1. bin/sss test installs mpich (and libmpich-dev) when it runs as root.
set -eu
src="$(dirname "$0")"
out="$1"
mkdir -p "$out"
mpicc="${MPICC:-mpicc.mpich}"
if ! command -v "$mpicc" >/dev/null 2>&1; then
  echo "build.sh: $mpicc is missing; install Debian's mpich and libmpich-dev (bin/sss test does it when run as root)" >&2
  exit 1
fi
for program in hello cpi ring allreduce abort spawn usize; do
  "$mpicc" -O2 -Wall -o "$out/$program" "$src/$program.c" -lm
done
for program in pmi_spawn fence; do
  gcc -O2 -Wall -Wextra -o "$out/$program" "$src/$program.c"
done
