#!/usr/bin/env bash
# qsub -I through a real terminal: a ring of three mpds (node1..node3 on 127.0.0.190-192), the suite started by
# bin/sss with a process manager, a queue manager and a first-fit scheduler, and a local user (created here, removed
# at the end; login shell bash) who runs qsub -I inside a private tmux server. The test types into the pane
# (send-keys) and reads the screen (capture-pane): the prompt comes from the allocated node, the job's PBS variables
# and node file are there, the window size follows tmux's, Ctrl-C interrupts a sleep and Ctrl-Z stops one without
# ending the shell, and `exit 3` ends the job with status 3 (qsub -I's own exit status and the job's record). Also:
# -X and a script with -I are refused with one line, input from a pipe is typed into the shell, a walltime ends an
# interactive job, and Ctrl-C while qsub -I waits cancels the job. Needs root (to create the
# user) and tmux. Prints one line per check and "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-pty.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE SSS_QM_SOCKET TMUX
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
USER_NAME=ssspty-erin
CREATED_USER=""
TMUX_SOCKET="$WORK/tmux.sock"

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/interactive-pty.sh: needs root, to create the test user and run its job as it" >&2
  exit 1
fi
command -v tmux >/dev/null 2>&1 || { echo "tests/interactive-pty.sh: needs tmux (apt-get install tmux)" >&2; exit 1; }

cleanup() {
  tmux -S "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
  "$B/sss" stop >/dev/null 2>&1 || true
  stop_ring
  if [ -n "$CREATED_USER" ]; then
    for pid in $(pgrep -u "$CREATED_USER"); do kill -9 "$pid" 2>/dev/null; done
    wait_until 10 '! pgrep -u "$CREATED_USER" >/dev/null'
    userdel "$CREATED_USER" >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --no-create-home --home-dir "$WORK/$USER_NAME" --shell /bin/bash "$USER_NAME" && CREATED_USER="$USER_NAME"
fi
HOME_DIR="$(getent passwd "$USER_NAME" | cut -d: -f6)"
mkdir -p "$HOME_DIR" "$WORK/$USER_NAME"
# The prompt names the node the shell runs on (the mpd's host name: every mpd here is on this machine).
cat >"$HOME_DIR/.bash_profile" <<'PROFILE'
PS1='pty@${MPD_HOST}\$ '
PROFILE
chown -R "$USER_NAME" "$HOME_DIR" "$WORK/$USER_NAME"

start_ring 127.0.0.190 127.0.0.191 127.0.0.192
check "a ring of node1, node2, node3 is up" test "$("$B/mpdtrace" --mpd "$CONSOLE" | wc -l)" -eq 3

CONFIG="$WORK/etc/sss.xml"
suite_config "$CONFIG" "  $(ring_element)\n  <process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>\n  <node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.5\"/>\n  <scheduler host=\"127.0.0.1\" port=\"0\" interval=\"1\" policy=\"first-fit\"/>\n  <queue-manager host=\"127.0.0.1\" port=\"0\" history=\"3600\">\n    <queue name=\"batch\" default=\"true\" max-walltime=\"3600\"/>\n  </queue-manager>\n  <nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\"/><node name=\"node3\" slots=\"2\"/></nodes>"
chmod 755 "$WORK/etc" && chmod 644 "$CONFIG"
export SSS_CONFIG="$CONFIG"
"$B/sss" start >"$WORK/start.log" 2>&1
check "bin/sss start starts the suite" test -S "$SSS_VAR/run/queue-manager.sock"

as_user() { (cd "$WORK/$USER_NAME" && runuser -u "$USER_NAME" -- "$@"); }

# Refusals, one line each, before anything is queued.
err="$(as_user "$B/qsub" -I -X 2>&1)"; status=$?
check "qsub -I -X is refused with one line naming X11 (exit 2)" \
  test "$status" -eq 2 -a "$(wc -l <<<"$err")" -eq 1 -a -n "$(grep -- '-X: X11 forwarding is not supported' <<<"$err")"
echo 'echo hi' >"$WORK/$USER_NAME/job.sh"
err="$(as_user "$B/qsub" -I job.sh 2>&1)"; status=$?
check "qsub -I with a script is refused (exit 2)" test "$status" -eq 2 -a -n "$(grep -- '-I takes no script' <<<"$err")"
printf '#!/bin/sh\n#PBS -I\necho hi\n' >"$WORK/$USER_NAME/directive.sh"
err="$(as_user "$B/qsub" directive.sh 2>&1)"; status=$?
check "#PBS -I in a script is refused" test "$status" -ne 0 -a -n "$(grep "qsub's command line" <<<"$err")"

TARGET=pty
# pane: the screen of the tmux window; typed TEXT: the text followed by Enter.
pane() { tmux -S "$TMUX_SOCKET" capture-pane -p -J -S -200 -t "$TARGET"; }
typed() { tmux -S "$TMUX_SOCKET" send-keys -t "$TARGET" -l "$1" && tmux -S "$TMUX_SOCKET" send-keys -t "$TARGET" Enter; }
key() { tmux -S "$TMUX_SOCKET" send-keys -t "$TARGET" "$1"; }
screen_has() { pane | grep -qE -- "$1"; }

# qsub -I in a 120x40 terminal; its exit status lands in a file when it ends.
tmux -S "$TMUX_SOCKET" new-session -d -s "$TARGET" -x 120 -y 40 \
  "cd '$WORK/$USER_NAME' && runuser -u '$USER_NAME' -- env TERM=xterm SSS_VAR='$SSS_VAR' SSS_CONFIG='$SSS_CONFIG' \
   '$B/qsub' -I -N shell -l nodes=1,walltime=00:05:00; echo \"qsub-exit=\$?\" >'$WORK/qsub.exit'; sleep 3600"
wait_until 60 'screen_has "qsub: job [0-9]+\..* ready"'
check "qsub -I says it waits for the job, then that it is ready" \
  test "$(pane | grep -cE 'qsub: waiting for job [0-9]+\..* to start|qsub: job [0-9]+\..* ready')" -eq 2
JOB="$(pane | sed -nE 's/.*qsub: waiting for job ([0-9]+)\..*/\1/p' | head -1)"
NODE="$("$B/qstat" -f "$JOB" | sed -nE 's/^ *exec_host = ([^/+ ]+).*/\1/p')"
[ -n "$NODE" ] || NODE="$("$B/sssjob" status --xml "$JOB" | grep -oE 'allocated="[^" ]+' | cut -d'"' -f2)"
wait_until 30 'screen_has "^pty@node[123]\\$ "'
check "the prompt comes from the allocated node ($NODE)" screen_has "^pty@$NODE\\$ "
check "the job is running as $USER_NAME" test "$("$B/qstat" -f "$JOB" | grep -cE "job_state = R|Job_Owner = $USER_NAME@")" -eq 2

check "sss-pty's connection to qsub has TCP keepalive (a silent qsub host is found gone)" \
  bash -c "ss -tnoHp state established | grep '\"sss-pty\"' | grep -q 'timer:(keepalive'"
typed 'echo "jobid=$PBS_JOBID"; hostname; echo "nodes=$(wc -l <"$PBS_NODEFILE") tty=$(tty) user=$(id -un)"'
wait_until 20 'screen_has "^nodes=[0-9]"'
check "echo \$PBS_JOBID answers the job's id" screen_has "^jobid=$JOB\$"
check "hostname answers" screen_has "^$(hostname)\$"
check "the node file, a terminal and the user are the job's" screen_has "^nodes=1 tty=/dev/pts/[0-9]+ user=$USER_NAME\$"

typed 'stty size'
wait_until 20 'screen_has "^40 120\$"'
check "the terminal has tmux's size (40 120)" screen_has "^40 120\$"
tmux -S "$TMUX_SOCKET" resize-window -t "$TARGET" -x 100 -y 30
sleep_marker() { pgrep -u "$USER_NAME" -f "sleep $1" >/dev/null; }
wait_until 10 '[ "$(tmux -S "$TMUX_SOCKET" display -p -t "$TARGET" "#{window_height}")" = 30 ]'
typed 'stty size'
wait_until 20 'screen_has "^30 100\$"'
check "a resized window is the job terminal's new size (30 100)" screen_has "^30 100\$"

typed 'sleep 4321'
wait_until 20 'sleep_marker 4321'
key C-c
wait_until 20 '! sleep_marker 4321'
check "Ctrl-C interrupts the sleep" bash -c "! pgrep -u '$USER_NAME' -f 'sleep 4321' >/dev/null"
typed 'echo "alive=$((6 * 7))"'
wait_until 20 'screen_has "^alive=42\$"'
check "... and the shell is still there" screen_has "^alive=42\$"

typed 'sleep 4322'
wait_until 20 'sleep_marker 4322'
key C-z
wait_until 20 'screen_has "Stopped +sleep 4322"'
check "Ctrl-Z stops a sleep (job control in the shell)" screen_has "Stopped +sleep 4322"
typed 'kill -9 %1; wait %1; echo "after-kill"'
wait_until 20 '! sleep_marker 4322 && screen_has "^after-kill\$"'

typed 'exit 3'
wait_until 30 '[ -s "$WORK/qsub.exit" ]'
check "exit 3 ends qsub -I with status 3" test "$(cat "$WORK/qsub.exit" 2>/dev/null)" = "qsub-exit=3"
check "... saying the job completed" screen_has "qsub: job $JOB\..* completed"
wait_until 30 '"$B/qstat" -f "$JOB" | grep -q "job_state = C"'
check "the job's record says exit status 3" grep -q "exit_status = 3" <<<"$("$B/qstat" -f "$JOB")"
check "... and so does its accounting record" \
  grep -qE "^$JOB,$USER_NAME,shell,.*(,3,|,3\$)" <<<"$("$B/sssadmin" accounting --format csv)"

# Input from a pipe is typed into the shell, and after its end the shell reads end-of-file.
out="$(printf 'echo "piped=$((2 + 3)) env=$PBS_ENVIRONMENT"\nexit 4\n' | as_user timeout 120 env TERM=dumb "$B/qsub" -I 2>&1)"; status=$?
check "qsub -I with a pipe for input runs what it says and exits 4" \
  test "$status" -eq 4 -a -n "$(grep '^piped=5' <<<"$out")"
check "... its shell has PBS_ENVIRONMENT=PBS_INTERACTIVE, as PBS gives it" grep -q '^piped=5 env=PBS_INTERACTIVE' <<<"$out"
out="$( (head -c 65536 /dev/zero | tr '\0' ':' | fold -w 63; printf '\necho "after=$((6 * 7))"\nexit 6\n') \
  | as_user timeout 60 env TERM=dumb "$B/qsub" -I 2>&1)"; status=$?
check "qsub -I takes 64 KiB of piped input that its shell echoes, and goes on (exit 6)" \
  test "$status" -eq 6 -a -n "$(grep '^after=42' <<<"$out")"
out="$(printf 'echo "eof=$((3 * 3))"\n' | as_user timeout 120 env TERM=dumb "$B/qsub" -I 2>&1)"; status=$?
check "... and the pipe's end ends the shell (exit 0)" test "$status" -eq 0 -a -n "$(grep '^eof=9' <<<"$out")"

out="$(printf 'sleep 4323 &\nexit 5\n' | as_user timeout 120 env TERM=dumb "$B/qsub" -I 2>&1)"; status=$?
check "a shell that exits leaving a background job ends the job with its status (5)" test "$status" -eq 5
for pid in $(pgrep -u "$USER_NAME" -f 'sleep 4323'); do kill "$pid"; done

# A walltime ends an interactive job: the shell is hung up, qsub says so and exits non-zero.
rm -f "$WORK/qsub.exit"
TARGET=wall
tmux -S "$TMUX_SOCKET" new-session -d -s "$TARGET" -x 80 -y 24 \
  "cd '$WORK/$USER_NAME' && runuser -u '$USER_NAME' -- env TERM=xterm SSS_VAR='$SSS_VAR' SSS_CONFIG='$SSS_CONFIG' \
   '$B/qsub' -I -l walltime=00:00:04; echo \"qsub-exit=\$?\" >'$WORK/qsub.exit'; sleep 3600"
wait_until 60 'screen_has "^pty@node[123]\\$ "'
wait_until 60 '[ -s "$WORK/qsub.exit" ]'
check "a walltime ends an interactive job (qsub exits non-zero)" \
  grep -qE "^qsub-exit=([1-9][0-9]*)\$" "$WORK/qsub.exit"
check "... and qsub says it completed" screen_has "qsub: job [0-9]+\..* completed"

# Ctrl-C while qsub -I waits for its job (held here, so it cannot start) cancels the job.
TARGET=held
tmux -S "$TMUX_SOCKET" new-session -d -s "$TARGET" -x 80 -y 24 \
  "cd '$WORK/$USER_NAME' && runuser -u '$USER_NAME' -- env TERM=xterm SSS_VAR='$SSS_VAR' SSS_CONFIG='$SSS_CONFIG' \
   '$B/qsub' -I -h; sleep 3600"
wait_until 60 'screen_has "qsub: waiting for job [0-9]+\..* to start"'
HELD="$(pane | sed -nE 's/.*qsub: waiting for job ([0-9]+)\..*/\1/p' | head -1)"
key C-c
wait_until 30 '"$B/qstat" -f "$HELD" | grep -q "job_state = C"'
check "Ctrl-C while qsub -I waits cancels its job" grep -q "job_state = C" <<<"$("$B/qstat" -f "$HELD")"

# A listener that is not qsub (qsub gone, its port taken by a stranger) gets no shell from sss-pty, nor the token.
IMPOSTOR_PORT="$(free_port)"
python3 - "$IMPOSTOR_PORT" >"$WORK/impostor.out" 2>&1 <<'PY' &
import socket, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(1)
server.settimeout(60)
peer, _ = server.accept()
hello = peer.makefile("rb").readline()
print(hello.decode().strip(), flush=True)
peer.sendall(b"qsub " + b"0" * 32 + b" " + b"0" * 64 + b"\n")
peer.settimeout(10)
print("after:", peer.recv(100), flush=True)
PY
IMPOSTOR=$!
wait_until 20 'ss -tlnH "sport = :$IMPOSTOR_PORT" | grep -q .'
impostor_err="$(SSS_PTY_TOKEN=the-secret-token "$ROOT/mpd/target/native/sss-pty" 127.0.0.1 "$IMPOSTOR_PORT" 2>&1 >/dev/null)"; status=$?
wait "$IMPOSTOR"
check "sss-pty refuses a listener that cannot prove the job's token (exit 1, no shell)" \
  test "$status" -eq 1 -a -n "$(grep "is not the qsub that submitted this job" <<<"$impostor_err")"
check "... and never sent it the token" bash -c "grep -q '^sss-pty 2 [0-9a-f]\{32\}\$' '$WORK/impostor.out' && ! grep -q the-secret-token '$WORK/impostor.out'"

# A job's end (SIGTERM) hangs the shell up even while sss-pty is blocked writing to a qsub that stopped reading: here a
# stand-in qsub proves the token, types `yes`, and never reads again.
STALL_PORT="$(free_port)"
python3 - "$STALL_PORT" >"$WORK/stall.out" 2>&1 <<'PY' &
import hashlib, hmac, os, socket, struct, sys, time
token = b"stall-token"
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(1)
server.settimeout(60)
peer, _ = server.accept()
lines = peer.makefile("rb")
np = lines.readline().decode().split()[2]
nq = os.urandom(16).hex()
peer.sendall(("qsub %s %s\n" % (nq, hmac.new(token, ("qsub %s %s" % (np, nq)).encode(), hashlib.sha256).hexdigest())).encode())
lines.readline()
peer.sendall(b"w" + struct.pack(">I", 5) + b"24 80")
peer.sendall(b"d" + struct.pack(">I", 4) + b"yes\n")
print("typed", flush=True)
time.sleep(120)
PY
STALL=$!
wait_until 20 'ss -tlnH "sport = :$STALL_PORT" | grep -q .'
SSS_PTY_TOKEN=stall-token "$ROOT/mpd/target/native/sss-pty" 127.0.0.1 "$STALL_PORT" >/dev/null 2>&1 &
PTY=$!
wait_until 30 'SHELL_SID="$(pgrep -P "$PTY" | head -n 1)"; [ -n "$SHELL_SID" ] && pgrep -s "$SHELL_SID" -x yes >/dev/null'
SHELL_SID="$(pgrep -P "$PTY" | head -n 1)" # the shell leads its own session (setsid)
wait_until 20 '[ "$(cat /proc/$PTY/wchan 2>/dev/null)" = sk_stream_wait_memory ]' # blocked in its send to qsub
kill -TERM "$PTY"
wait_until 20 '! kill -0 "$PTY" 2>/dev/null'
check "SIGTERM ends sss-pty while it is blocked on a qsub that does not read" bash -c "! kill -0 $PTY 2>/dev/null"
wait_until 15 '! pgrep -s "$SHELL_SID" >/dev/null' || pgrep -a -s "$SHELL_SID" >&2
check "... and its shell's session is gone with it" bash -c "[ -n '$SHELL_SID' ] && ! pgrep -s '$SHELL_SID' >/dev/null"
kill "$STALL" 2>/dev/null
wait "$STALL" 2>/dev/null

summary "tests/interactive-pty.sh"
