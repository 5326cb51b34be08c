#!/usr/bin/env bash
# Process groups through the process manager, create to end, beside the same work done by mpiexec on the same
# ring and by MPICH's Hydra: starts a local ring of 4 mpds (node1..node4 on 127.0.0.160-163) and the suite with a
# process manager (private state, free ports), then
#   1. GroupThroughput: 1 client and 8 clients creating groups of /bin/true (1 rank, and 4 ranks) and waiting for
#      each end;
#   2. hyperfine: `mpiexec -n 1 true` and `-n 4 true` on the same ring, and Hydra's, for the launch floor.
# Usage: bench/pm.sh [GROUPS]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$ROOT/bin/lib/common.sh"
sss_find_java
sss_ensure_built
GROUPS_PER_CLIENT="${1:-300}"
for tool in hyperfine mpiexec.hydra; do
  if ! command -v "$tool" >/dev/null; then
    [ "$(id -u)" -eq 0 ] || sss_die "$tool is missing: apt-get install hyperfine mpich"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine mpich >/dev/null
  fi
done
WORK="$(mktemp -d /tmp/sss-pm-bench.XXXXXX)"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE
set +u
source "$ROOT/tests/lib.sh"
set -u
cleanup() {
  "$ROOT/bin/sss" stop >/dev/null 2>&1 || true
  "$ROOT/bin/mpdallexit" --mpd "$(cat "$WORK/console" 2>/dev/null)" >/dev/null 2>&1 || true
  for pid in "${MPDS[@]:-}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
start_ring 127.0.0.160 127.0.0.161 127.0.0.162 127.0.0.163 || sss_die "the ring of four mpds did not form (see $WORK/mpd*.log)"
mkdir -p "$WORK/etc"
port=$((20000 + RANDOM % 12000))
sed -e "s/port=\"7700\"/port=\"$port\"/" -e 's/port="7701"/port="0"/' \
    -e "s|</sss>|  <ring secret=\"$MPD_CONF_FILE\"><mpd address=\"$CONSOLE\"/></ring>\n  <process-manager host=\"127.0.0.1\" port=\"0\" allow-root=\"true\"/>\n</sss>|" \
    "$ROOT/etc/minimal.xml" >"$WORK/etc/sss.xml"
"$ROOT/bin/sss" keygen "$WORK/var/keys/suite.key" "$WORK/var/keys/admin.key" >/dev/null
export SSS_CONFIG="$WORK/etc/sss.xml"
"$ROOT/bin/sss" start >/dev/null
echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -n 1)"
echo "== 1. process groups, create to end, through the process manager (ring of 4)"
for spec in "1 1" "8 1" "1 4" "8 4"; do
  read -r clients ranks <<<"$spec"
  cmd=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
       org.sss.bench.GroupThroughput --config "$SSS_CONFIG" --clients "$clients" --groups "$GROUPS_PER_CLIENT"
       --ranks "$ranks" --warmup 20)
  echo "\$ ${cmd[*]}"
  "${cmd[@]}"
done
echo "== 2. the launch floor: mpiexec on the same ring, and Hydra"
export MPD_CONSOLE="$CONSOLE"
hyperfine -N --warmup 5 --runs 50 --export-json "$WORK/launch.json" \
  "$ROOT/mpd/target/native/mpiexec -n 1 true" "mpiexec.hydra -launcher fork -n 1 true" \
  "$ROOT/mpd/target/native/mpiexec -n 4 true" "mpiexec.hydra -launcher fork -n 4 true" 2>&1 | grep -E "Benchmark|Time"
