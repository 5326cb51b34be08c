#!/usr/bin/env bash
# Load on a real service directory: starts the suite in the background on a free port with a private state
# directory (bin/sss start), runs N clients x M get-location calls in each client mode, prints request/replies
# per second and p50/p99, and stops the suite. Usage: bench/directory-load.sh [CLIENTS] [CALLS]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$ROOT/bin/lib/common.sh"
sss_find_java
sss_ensure_built
CLIENTS="${1:-8}"
CALLS="${2:-20000}"
WORK="$(mktemp -d /tmp/sss-bench.XXXXXX)"
export SSS_VAR="$WORK/var"
trap '"$ROOT/bin/sss" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
port=$((20000 + RANDOM % 12000))
mkdir -p "$WORK/etc"
sed -e "s/port=\"7700\"/port=\"$port\"/" -e 's/port="7701"/port="0"/' "$ROOT/etc/minimal.xml" >"$WORK/etc/sss.xml"
"$ROOT/bin/sss" keygen "$WORK/var/keys/suite.key" "$WORK/var/keys/admin.key" >/dev/null
export SSS_CONFIG="$WORK/etc/sss.xml"
"$ROOT/bin/sss" start >/dev/null
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -n 1)"
for mode in full raw; do
  cmd=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
       org.sss.bench.DirectoryLoad --config "$SSS_CONFIG" --clients "$CLIENTS" --calls "$CALLS" --warmup 3000 --mode "$mode")
  echo "\$ ${cmd[*]}"
  "${cmd[@]}"
done
