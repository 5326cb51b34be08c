#!/bin/sh
# Builds the MPI test programs with Debian's MPICH (mpicc) and the PMI-1 client programs with gcc into DIR
# (the test build calls it; bin/sss test installs mpich when it is missing).
set -eu
src="$(dirname "$0")"
out="$1"
mkdir -p "$out"
if ! command -v mpicc >/dev/null 2>&1; then
  echo "build.sh: mpicc is missing; install Debian's mpich (bin/sss test does it when run as root)" >&2
  exit 1
fi
for program in hello cpi ring allreduce abort spawn usize; do
  mpicc -O2 -Wall -o "$out/$program" "$src/$program.c" -lm
done
for program in pmi_spawn fence; do
  gcc -O2 -Wall -Wextra -o "$out/$program" "$src/$program.c"
done
