# Shared by the command-level tests (tests/*.sh): counting checks, free ports, a private ring of mpds and a private
# suite configuration, and wait_until (bin/lib/wait.sh). Source it after setting ROOT and WORK.
source "$ROOT/bin/lib/wait.sh"
passed=0
failed=0

# check NAME COMMAND...: runs the command; prints "ok   NAME" or "FAIL NAME" and counts it.
check() {
  local name="$1"; shift
  if "$@"; then
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; failed=$((failed + 1))
  fi
}

# Prints the closing line for SUITE and returns non-zero when a check failed.
summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# A port nothing listens on, below the kernel's ephemeral range (32768-60999), so that a component binding port 0
# meanwhile cannot take it.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# start_ring ADDRESS...: a ring of mpds named node1, node2, ... listening on the addresses (port 0), with a new
# secret in $MPD_CONF_FILE; sets CONSOLE (the first mpd's address) and MPDS (their pids). Logs go to $WORK. False when
# the ring is not whole within 30 s.
MPDS=()
start_ring() {
  local i=1 address size=$#
  (umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$MPD_CONF_FILE")
  for address in "$@"; do
    if [ "$i" -eq 1 ]; then
      "$ROOT/bin/mpd" --host node1 --listen "$address:0" --console-file "$WORK/console" >"$WORK/mpd1.log" 2>&1 &
      MPDS+=($!)
      wait_until 30 '[ -s "$WORK/console" ]'
      CONSOLE="$(cat "$WORK/console")"
    else
      "$ROOT/bin/mpd" --host "node$i" --listen "$address:0" --join "$CONSOLE" >"$WORK/mpd$i.log" 2>&1 &
      MPDS+=($!)
    fi
    i=$((i + 1))
  done
  wait_until 30 '[ "$("$ROOT/bin/mpdtrace" --mpd "$CONSOLE" 2>/dev/null | wc -l)" -eq "$size" ]'
}

# The configuration's <ring> element for the ring start_ring made: its secret and its first mpd.
ring_element() {
  echo "<ring secret=\"$MPD_CONF_FILE\"><mpd address=\"$CONSOLE\"/></ring>"
}

stop_ring() {
  [ -f "$WORK/console" ] && "$ROOT/bin/mpdallexit" --mpd "$(cat "$WORK/console")" >/dev/null 2>&1 || true
  local pid
  for pid in "${MPDS[@]:-}"; do kill "$pid" 2>/dev/null || true; done
}

# suite_config FILE EXTRA_XML: the default configuration on a free directory port, the event manager on port 0,
# and EXTRA_XML added before </sss>; keys generated under $SSS_VAR/keys.
suite_config() {
  local file="$1" extra="$2" sd_port
  sd_port="$(free_port)"
  mkdir -p "$(dirname "$file")"
  sed -e "s/port=\"7700\"/port=\"$sd_port\"/" -e 's/port="7701"/port="0"/' -e "s|</sss>|$extra\n</sss>|" \
    "$ROOT/etc/minimal.xml" >"$file"
  "$ROOT/bin/sss" keygen "$SSS_VAR/keys/suite.key" "$SSS_VAR/keys/admin.key" >/dev/null
}
