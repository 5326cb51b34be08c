#!/bin/sh
# Builds the MPI test programs into DIR: with MPICH's compiler wrapper and the PMI-1 client programs with gcc, or,
# given "openmpi" as FLAVOUR, the MPI programs with Open MPI's and the PMIx client programs with gcc (pkg-config
# pmix). The tests that run them call it (MpiPrograms), and bench/mpd.sh; the product's build never does. The
# wrappers are named explicitly, mpicc.mpich and mpicc.openmpi: whichever of Debian's MPI packages was installed
# last owns the plain mpicc alternative. The ring serves MPICH's PMI-1 and Open MPI's PMIx. bin/sss test installs
# both (mpich, libmpich-dev, openmpi-bin, libopenmpi-dev, libpmix-dev) when it runs as root.
#   build.sh DIR [mpich|openmpi]
set -eu
src="$(dirname "$0")"
out="$1"
flavour="${2:-mpich}"
mkdir -p "$out"
case "$flavour" in
  mpich)
    mpicc="${MPICC:-mpicc.mpich}"
    programs="hello cpi ring allreduce abort nofinalize spawn usize names"
    packages="mpich and libmpich-dev" ;;
  openmpi)
    mpicc="${MPICC:-mpicc.openmpi}"
    programs="hello cpi ring allreduce abort nofinalize names spawn"
    packages="openmpi-bin and libopenmpi-dev (and libpmix-dev, for the mpd's PMIx server)" ;;
  *)
    echo "build.sh: the flavour is mpich or openmpi, not $flavour" >&2
    exit 2 ;;
esac
if ! command -v "$mpicc" >/dev/null 2>&1; then
  echo "build.sh: $mpicc is missing; install Debian's $packages (bin/sss test does it when run as root)" >&2
  exit 1
fi
for program in $programs; do
  "$mpicc" -O2 -Wall -o "$out/$program" "$src/$program.c" -lm
done
if [ "$flavour" = openmpi ]; then
  # A PMIx client of its own (no MPI), built against OpenPMIx as Open MPI's ranks use it.
  if ! pkg-config --exists pmix 2>/dev/null; then
    echo "build.sh: pkg-config finds no pmix; install Debian's libpmix-dev (bin/sss test does it when run as root)" >&2
    exit 1
  fi
  for program in pmix_events pmix_spawn pmix_fence pmix_impostor; do
    gcc -O2 -Wall -Wextra $(pkg-config --cflags pmix) -o "$out/$program" "$src/$program.c" $(pkg-config --libs pmix) -lpthread
  done
  gcc -O2 -Wall -Wextra -shared -fPIC -o "$out/fake_uid.so" "$src/fake_uid.c"
fi
if [ "$flavour" = mpich ]; then
  for program in pmi_spawn fence pmi_names; do
    gcc -O2 -Wall -Wextra -o "$out/$program" "$src/$program.c"
  done
fi
# A PMIx client of its own (the name service's), where libpmix-dev is: with gcc, as Open MPI's wrapper would add
# its own libraries.
if [ "$flavour" = mpich ] && pkg-config --exists pmix 2>/dev/null; then
  gcc -O2 -Wall -Wextra $(pkg-config --cflags pmix) -o "$out/pmix_names" "$src/pmix_names.c" $(pkg-config --libs pmix)
fi
