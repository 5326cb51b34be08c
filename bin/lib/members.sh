# Drives an `mpd --members N` JVM (many ring members in one process) from a script: bench/scale.sh and
# tests/scale.sh. Its commands go to it through a FIFO this shell holds open, its one-line answers are read from a
# file. Source it after bin/lib/wait.sh (tests/lib.sh and bin/lib/common.sh source that) with ROOT set.
#
#   members_start DIR N FIRST [MPD_OPTION...]   starts N members on FIRST, FIRST+1, ... (loopback addresses, port 0)
#                                               with console file DIR/console; sets MEMBERS_PID (the JVM) and
#                                               MEMBERS_DIR. DIR/out holds its answers, DIR/err its log.
#   members_started SECONDS                     waits for its "started N first ADDR:PORT" line; false if it died
#   members_ask SECONDS COMMAND                 sends COMMAND, prints its answer; false with no answer in time
#   members_stop                                `exit`, then waits up to 60 s for the JVM to end (killing it after)
#   members_cpu                                 the JVM's CPU time so far in milliseconds (user + system)

MEMBERS_PID=""
MEMBERS_DIR=""
MEMBERS_FD=""

members_start() {
  local dir="$1" n="$2" first="$3"; shift 3
  MEMBERS_DIR="$dir"
  mkdir -p "$dir"
  rm -f "$dir/ctl" "$dir/out" "$dir/console"
  mkfifo "$dir/ctl"
  : >"$dir/out"
  exec {MEMBERS_FD}<>"$dir/ctl"
  "$ROOT/bin/mpd" --members "$n" --listen "$first:0" --console-file "$dir/console" "$@" \
    <&"$MEMBERS_FD" >"$dir/out" 2>"$dir/err" &
  MEMBERS_PID=$!
}

members_alive() {
  [ -n "$MEMBERS_PID" ] && kill -0 "$MEMBERS_PID" 2>/dev/null
}

members_started() {
  wait_until "$1" 'grep -q "^started " "$MEMBERS_DIR/out" || ! members_alive' && grep -q "^started " "$MEMBERS_DIR/out"
}

members_ask() {
  local seconds="$1" command="$2" before
  members_alive || return 1
  before="$(wc -l <"$MEMBERS_DIR/out")"
  echo "$command" >&"$MEMBERS_FD"
  wait_until "$seconds" '[ "$(wc -l <"$MEMBERS_DIR/out")" -gt "$before" ] || ! members_alive' || return 1
  [ "$(wc -l <"$MEMBERS_DIR/out")" -gt "$before" ] || return 1
  sed -n "$((before + 1))p" "$MEMBERS_DIR/out"
}

members_cpu() {
  local ticks
  ticks="$(sed 's/^.*) //' "/proc/$MEMBERS_PID/stat" 2>/dev/null | awk '{print $12 + $13}')" || ticks=0
  echo $(( ${ticks:-0} * 1000 / $(getconf CLK_TCK) ))
}

members_stop() {
  [ -n "$MEMBERS_PID" ] || return 0
  if members_alive; then
    echo exit >&"$MEMBERS_FD" 2>/dev/null || true
    wait_until 60 '! members_alive' || kill -9 "$MEMBERS_PID" 2>/dev/null || true
  fi
  wait "$MEMBERS_PID" 2>/dev/null || true
  [ -n "$MEMBERS_FD" ] && exec {MEMBERS_FD}>&-
  MEMBERS_PID=""
  MEMBERS_FD=""
}
