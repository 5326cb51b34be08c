#!/usr/bin/env bash
# Command-level tests of the queue manager as its users drive it: a ring of three mpds (node1..node3 on
# 127.0.0.160-162), the suite started by bin/sss with a process manager, a queue manager and a first-fit scheduler, and two local users
# (created here, removed at the end) submitting PBS scripts with sssjob and the qsub/qstat/qdel/qhold/qrls faces over
# the queue manager's Unix-domain socket. Needs root (to create the users; the jobs run as them). Prints one line
# per check and "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-qm.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE SSS_QM_SOCKET
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
ALICE=sssqa-alice
BOB=sssqa-bob
CREATED_USERS=()

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/qm.sh: needs root, to create the test users and run their jobs as them" >&2
  exit 1
fi

cleanup() {
  "$B/sss" stop >/dev/null 2>&1 || true
  stop_ring
  local user
  for user in "${CREATED_USERS[@]:-}"; do [ -n "$user" ] && userdel "$user" >/dev/null 2>&1; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for user in "$ALICE" "$BOB"; do
  if ! id "$user" >/dev/null 2>&1; then
    useradd --no-create-home --home-dir "$WORK/$user" --shell /bin/sh "$user" && CREATED_USERS+=("$user")
  fi
  mkdir -p "$WORK/$user" && chown "$user" "$WORK/$user"
done

start_ring 127.0.0.160 127.0.0.161 127.0.0.162
check "a ring of node1, node2, node3 is up" test "$("$B/mpdtrace" --mpd "$CONSOLE" | wc -l)" -eq 3

CONFIG="$WORK/etc/sss.xml"
suite_config "$CONFIG" "  $(ring_element)\n  <process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>\n  <node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.5\"/>\n  <scheduler host=\"127.0.0.1\" port=\"0\" interval=\"1\" policy=\"first-fit\"/>\n  <queue-manager host=\"127.0.0.1\" port=\"0\" history=\"3600\">\n    <queue name=\"batch\" default=\"true\" max-walltime=\"3600\"/>\n    <queue name=\"short\" max-walltime=\"60\" max-nodes=\"1\"/>\n  </queue-manager>\n  <nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\"/><node name=\"node3\" slots=\"2\"/></nodes>"
chmod 755 "$WORK/etc" && chmod 644 "$CONFIG"
export SSS_CONFIG="$CONFIG"

out="$("$B/sss" start 2>&1)"; status=$?
check "bin/sss start starts the queue manager" test "$status" -eq 0 -a "$(grep -c queue-manager <<<"$out")" -ge 1
check "its socket is there for users" test -S "$SSS_VAR/run/queue-manager.sock"

# as USER COMMAND...: runs a command as a test user, in their directory.
as() {
  local user="$1"; shift
  (cd "$WORK/$user" && runuser -u "$user" -- "$@")
}
# jobs_known: how many jobs the queue manager holds (root sees all, completed ones included).
jobs_known() {
  "$B/sssjob" status -a --xml | grep -o '<job ' | wc -l
}

cat >"$WORK/$ALICE/hello.sh" <<'SCRIPT'
#!/bin/sh
#PBS -N hello
#PBS -l nodes=2:ppn=2
#PBS -l walltime=00:05:00
#PBS -j oe
echo "user=$(id -un) job=$PBS_JOBID name=$PBS_JOBNAME np=$PBS_NP queue=$PBS_QUEUE"
echo "workdir=$PBS_O_WORKDIR pwd=$(pwd)"
sort "$PBS_NODEFILE" | uniq -c | awk '{print "node " $2 " x" $1}'
echo "greeting=$GREETING"
echo to-stderr >&2
SCRIPT
chown "$ALICE" "$WORK/$ALICE/hello.sh"

id_line="$(as "$ALICE" env GREETING=hi "$B/qsub" -v GREETING hello.sh)"; status=$?
check "qsub prints ID.HOST and exits 0" test "$status" -eq 0 -a -n "$(grep -E '^[0-9]+\.' <<<"$id_line")"
HELLO="${id_line%%.*}"
as "$ALICE" "$B/sssjob" wait --quiet "$HELLO"; status=$?
check "sssjob wait exits with the job's status (0)" test "$status" -eq 0
out="$(cat "$WORK/$ALICE/hello.o$HELLO" 2>/dev/null)"
check "the job ran as its user with PBS_* set" grep -q "^user=$ALICE job=$HELLO name=hello np=4 queue=batch$" <<<"$out"
check "... in the submit directory" grep -q "^workdir=$WORK/$ALICE pwd=$WORK/$ALICE$" <<<"$out"
check "... PBS_NODEFILE has a line per slot on two nodes" test "$(grep -c '^node node[123] x2$' <<<"$out")" -eq 2
check "... -v passed GREETING" grep -q '^greeting=hi$' <<<"$out"
check "... -j oe joined stderr into NAME.oID" grep -q '^to-stderr$' <<<"$out"
check "... and the output file belongs to the user" test "$(stat -c %U "$WORK/$ALICE/hello.o$HELLO")" = "$ALICE"
check "sssjob output prints the same file" test "$(as "$ALICE" "$B/sssjob" output "$HELLO")" = "$out"
check "the output file has mode 600" test "$(stat -c %a "$WORK/$ALICE/hello.o$HELLO")" = 600
chmod 755 "$WORK/$ALICE"
check "$BOB cannot read $ALICE's output file, even in a directory he can enter" \
  test -n "$(as "$BOB" cat "$WORK/$ALICE/hello.o$HELLO" 2>&1 >/dev/null | grep -i 'permission denied')"
check "$BOB's sssjob output of $ALICE's job is refused (exit 1)" \
  bash -c '"$@" >/dev/null 2>&1; test $? -eq 1' _ runuser -u "$BOB" -- "$B/sssjob" output "$HELLO"

# PBS Pro's executable form: qsub [options] -- PROGRAM ARGS; the job is named after the program.
PROG="$(as "$ALICE" "$B/qsub" -j oe -- /bin/echo "two  words" 'and $HOME unexpanded')"; PROG="${PROG%%.*}"
as "$ALICE" "$B/sssjob" wait --quiet "$PROG"; status=$?
check "qsub -- /bin/echo ARGS runs the program with its arguments as given (exit 0)" \
  test "$status" -eq 0 -a "$(cat "$WORK/$ALICE/echo.o$PROG" 2>/dev/null)" = 'two  words and $HOME unexpanded'
err="$(as "$ALICE" "$B/qsub" -- -x 2>&1)"; status=$?
check "qsub -- -x: exit 2, a program's name is wanted" test "$status" -eq 2 -a -n "$(grep 'the program to run' <<<"$err")"
err="$(as "$ALICE" "$B/qsub" -S /bin/bash -- /bin/true 2>&1)"; status=$?
check "qsub -S SHELL -- PROGRAM: exit 2, there is no script for the shell" test "$status" -eq 2 -a -n "$(grep -- '-S:' <<<"$err")"

printf '#!/bin/sh\necho failing\nexit 7\n' >"$WORK/$ALICE/fail.sh"
FAIL="$(as "$ALICE" "$B/sssjob" submit "$WORK/$ALICE/fail.sh")"
as "$ALICE" "$B/sssjob" wait "$FAIL" 2>"$WORK/wait.err"; status=$?
check "sssjob wait exits 7 for a job that exits 7" test "$status" -eq 7
check "... telling the state changes" grep -q "job $FAIL completed, exit status 7" "$WORK/wait.err"
check "... and the error file NAME.eID exists" test -f "$WORK/$ALICE/fail.sh.e$FAIL"

# A script without a #! line runs under /bin/sh, as a shell runs one; -S names the shell that runs the script.
printf '#PBS -N plain\necho "plain as $(id -un) sh=$(readlink /proc/$$/exe)"\n' >"$WORK/$ALICE/plain.sh"
PLAIN="$(as "$ALICE" "$B/sssjob" submit "$WORK/$ALICE/plain.sh")"
as "$ALICE" "$B/sssjob" wait "$PLAIN" 2>/dev/null; status=$?
check "a script without #! runs under /bin/sh (exit 0)" \
  test "$status" -eq 0 -a "$(cat "$WORK/$ALICE/plain.o$PLAIN")" = "plain as $ALICE sh=$(readlink -f /bin/sh)"
printf '#!/bin/sh\necho "bash=${BASH_VERSION:+yes}"\n' >"$WORK/$ALICE/shell.sh"
SHELLED="$(as "$ALICE" "$B/sssjob" submit -S /bin/bash -N shelled "$WORK/$ALICE/shell.sh")"
as "$ALICE" "$B/sssjob" wait "$SHELLED" 2>/dev/null; status=$?
check "-S /bin/bash runs the script with bash, whatever its #! line" \
  test "$status" -eq 0 -a "$(cat "$WORK/$ALICE/shelled.o$SHELLED")" = "bash=yes"
printf '#!/bin/sh\necho never\n' >"$WORK/$ALICE/lost.sh"
LOST="$(as "$ALICE" "$B/sssjob" submit -o "$WORK/$ALICE/no-such-dir/lost.out" "$WORK/$ALICE/lost.sh")"
as "$ALICE" "$B/sssjob" wait "$LOST" 2>"$WORK/lost.err"; status=$?
check "a job whose output file cannot be opened ends at once (exit 126: the user may not create it)" test "$status" -eq 126
check "... saying which file and why" grep -q "no-such-dir/lost.out: No such file or directory" "$WORK/lost.err"

# An mpiexec inside the job script launches on the job's nodes through the ring, as the job's user: the mpd gives
# the script a job-scoped key (MPD_JOB_KEY) instead of the ring's secret, and mpiexec takes PBS_NODEFILE.
if command -v mpicc.mpich >/dev/null; then
  mpicc.mpich -O2 -o "$WORK/$ALICE/hello" "$ROOT/testkit/src/test/c/hello.c" && chown "$ALICE" "$WORK/$ALICE/hello"
  # A plain `mpiexec`, as users write it: the job's PATH starts with the suite's bin/, so it is the suite's and not
  # MPICH's Hydra (installed here), which would try ssh to node1 and hang until the walltime.
  cat >"$WORK/$ALICE/mpi.sh" <<'SCRIPT'
#!/bin/sh
#PBS -l nodes=2:ppn=2,walltime=00:02:00
#PBS -N mpi
echo "mpiexec=$(command -v mpiexec) PBS_O_PATH=$PBS_O_PATH"
mpiexec -n $PBS_NP ./hello
mpiexec -n 2 id -un
SCRIPT
  MPI="$(as "$ALICE" env PATH="/opt/alice/bin:/usr/bin:/bin" "$B/sssjob" submit "$WORK/$ALICE/mpi.sh")"
  as "$ALICE" "$B/sssjob" wait --quiet "$MPI"; status=$?
  out="$(cat "$WORK/$ALICE/mpi.o$MPI" 2>/dev/null)"
  check "a plain mpiexec in a job script is the suite's (its bin/ first on the job's PATH)" \
    grep -q "^mpiexec=$B/mpiexec " <<<"$out"
  check "... and PBS_O_PATH is the submitter's PATH" grep -q "PBS_O_PATH=/opt/alice/bin:/usr/bin:/bin$" <<<"$out"
  check "an MPI program started by mpiexec inside a job runs (exit 0)" test "$status" -eq 0
  check "... with all 4 ranks" test "$(grep -c 'hello from rank [0-3] of 4' <<<"$out")" -eq 4
  check "... 2 on each of the job's 2 nodes" test "$(grep -o 'mpd=node[0-9]' <<<"$out" | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')" = "2 2 "
  check "... as the job's user" test "$(grep -c "^$ALICE\$" <<<"$out")" -eq 2
  key_err="$(as "$ALICE" env MPD_JOB_KEY=forged MPD_CONSOLE="$CONSOLE" "$B/mpiexec" -n 1 true 2>&1)"; status=$?
  check "a forged job key is refused (exit 255)" test "$status" -eq 255 -a -n "$(grep -i 'refused' <<<"$key_err")"
else
  check "mpicc.mpich is installed (bin/sss test installs mpich)" false
fi

# Bad input (item 5): one line naming the directive or option, exit 2, nothing stored.
before="$(jobs_known)"
bad() {
  local name="$1" pattern="$2"; shift 2
  local err status
  err="$(as "$ALICE" "$@" 2>&1 >/dev/null)"; status=$?
  check "$name: exit 2 and one line" test "$status" -eq 2 -a "$(wc -l <<<"$err")" -eq 1
  check "... naming it ($pattern)" grep -qE -- "$pattern" <<<"$err"
}
printf '#!/bin/sh\n#PBS -l nodes=0\ntrue\n' >"$WORK/$ALICE/nodes0.sh"
printf '#!/bin/sh\n#PBS -Z yes\ntrue\n' >"$WORK/$ALICE/unknown.sh"
bad "walltime 10:61:00" "walltime.*10:61:00" "$B/qsub" -l walltime=10:61:00 "$WORK/$ALICE/fail.sh"
bad "nodes=0 in a directive" "nodes0.sh:2.*nodes=0" "$B/sssjob" submit "$WORK/$ALICE/nodes0.sh"
bad "an unknown queue" "-q nosuch" "$B/qsub" -q nosuch "$WORK/$ALICE/fail.sh"
bad "an unknown directive" "unknown.sh:2.*-Z" "$B/qsub" "$WORK/$ALICE/unknown.sh"
bad "a dependency on a missing job" "depend=afterok:99999" "$B/qsub" -W depend=afterok:99999 "$WORK/$ALICE/fail.sh"
bad "a script that is a directory" "script .*: is a directory" "$B/qsub" "$WORK/$ALICE"
bad "a script that does not exist" "script nosuch.sh: no such file" "$B/sssjob" submit nosuch.sh
bad "a walltime over the queue's limit" "walltime.*short" "$B/qsub" -q short -l walltime=2:00:00 "$WORK/$ALICE/fail.sh"
check "the job table is unchanged after all of them" test "$(jobs_known)" -eq "$before"

# Two users: each acts on their own jobs only; root on all.
HELD="$(as "$ALICE" "$B/sssjob" submit -h "$WORK/$ALICE/fail.sh")"
err="$(as "$BOB" "$B/qdel" "$HELD" 2>&1)"; status=$?
check "$BOB cannot cancel $ALICE's job (exit 1)" test "$status" -eq 1
check "... and is told why" grep -q "may not .* job $HELD of $ALICE" <<<"$err"
check "... the job is still held" grep -q " H " <<<"$(as "$ALICE" "$B/qstat" "$HELD")"
check "$BOB does not see $ALICE's jobs in qstat" test -z "$(as "$BOB" "$B/qstat")"
check "$ALICE sees hers" grep -q "^$HELD\." <<<"$(as "$ALICE" "$B/qstat")"
as "$ALICE" "$B/qrls" "$HELD"; status=$?
as "$ALICE" "$B/sssjob" wait --quiet "$HELD"; wstatus=$?
check "qrls releases a held job, which then runs (exit 7)" test "$status" -eq 0 -a "$wstatus" -eq 7
printf '#!/bin/sh\nsleep 300\n' >"$WORK/$BOB/long.sh"
LONG="$(as "$BOB" "$B/sssjob" submit "$WORK/$BOB/long.sh")"
wait_until 10 '"$B/sssjob" status "$LONG" | grep -q " R "'
# Torque's node listing and state filters, on a running job and a held one.
H0="$(as "$BOB" "$B/sssjob" submit -h "$WORK/$BOB/long.sh")"
out="$(as "$BOB" "$B/qstat" -rn1)"
check "qstat -rn1: the running job with its node/slot on its line, not the held one" \
  test -n "$(grep -E "^$LONG\..* R +[0-9:]+ +node[1-4]/0\$" <<<"$out")" -a -z "$(grep "^$H0\." <<<"$out")"
out="$(as "$BOB" "$B/qstat" -n)"
check "qstat -n: the nodes on the line below each job (-- for one that holds none)" \
  test "$(grep -A1 "^$LONG\." <<<"$out" | tail -1 | grep -cE '^   node[1-4]/0$')" -eq 1 \
  -a "$(grep -A1 "^$H0\." <<<"$out" | tail -1)" = "   --"
check "qstat -au $BOB (a bundle ending in -u): his running job" test -n "$(as "$BOB" "$B/qstat" -au "$BOB" | grep "^$LONG\.")"
out="$(as "$BOB" "$B/qstat" -i)"
check "qstat -i: the held job, not the running one" test -n "$(grep "^$H0\." <<<"$out")" -a -z "$(grep "^$LONG\." <<<"$out")"
as "$BOB" "$B/qstat" -1 >/dev/null 2>&1; status=$?
check "qstat -1 without -n: exit 2" test "$status" -eq 2
as "$BOB" "$B/qdel" "$H0"
"$B/qdel" "$LONG"; status=$?
as "$BOB" "$B/sssjob" wait --quiet "$LONG"; wstatus=$?
check "root cancels $BOB's running job" test "$status" -eq 0 -a "$wstatus" -ne 0
check "... recorded as cancelled" grep -q "cancel" <<<"$("$B/sssjob" status "$LONG")"

H1="$(as "$BOB" "$B/sssjob" submit -h "$WORK/$BOB/long.sh")"
H2="$(as "$BOB" "$B/sssjob" submit -h "$WORK/$BOB/long.sh")"
as "$ALICE" "$B/qdel" all; status=$?
check "qdel all as $ALICE exits 0 and leaves $BOB's jobs alone" \
  test "$status" -eq 0 -a "$("$B/sssjob" status "$H1" "$H2" | grep -c ' H ')" -eq 2
as "$BOB" "$B/qdel" all; status=$?
check "qdel all as $BOB cancels both of his held jobs" \
  test "$status" -eq 0 -a "$("$B/sssjob" status "$H1" "$H2" | grep -c ' C .*cancelled')" -eq 2

ALT="$(as "$BOB" "$B/sssjob" submit -h "$WORK/$BOB/long.sh")"
out="$(as "$BOB" "$B/sssjob" alter -N renamed -l walltime=00:30:00 "$ALT")"; status=$?
check "sssjob alter changes a held job's name and walltime" \
  test "$status" -eq 0 -a "$(as "$BOB" "$B/qstat" -f "$ALT" | grep -cE 'Job_Name = renamed|Resource_List.walltime = 00:30:00')" -eq 2
err="$(as "$BOB" "$B/qalter" -q short -l walltime=2:00:00 "$ALT" 2>&1)"; status=$?
check "qalter past the queue's limit: exit 2, one line, the job unchanged" \
  test "$status" -eq 2 -a "$(wc -l <<<"$err")" -eq 1 -a "$(as "$BOB" "$B/qstat" -f "$ALT" | grep -c 'queue = batch')" -eq 1
as "$ALICE" "$B/qalter" -N stolen "$ALT" 2>/dev/null; status=$?
check "$ALICE cannot alter $BOB's job (exit 1)" test "$status" -eq 1
as "$BOB" "$B/qdel" "$ALT"

# Walltime, dependencies, arrays, follow, qstat -f.
WALL="$(as "$BOB" "$B/qsub" -l walltime=00:00:01 "$WORK/$BOB/long.sh")"; WALL="${WALL%%.*}"
as "$BOB" "$B/sssjob" wait "$WALL" 2>"$WORK/wall.err"; status=$?
check "a job past its walltime is killed (non-zero exit)" test "$status" -ne 0
check "... and recorded as such" grep -q "walltime 00:00:01 exceeded" "$WORK/wall.err"
printf '#!/bin/sh\necho first >>chain.txt\n' >"$WORK/$BOB/a.sh"
printf '#!/bin/sh\necho second >>chain.txt\n' >"$WORK/$BOB/b.sh"
A="$(as "$BOB" "$B/sssjob" submit -h "$WORK/$BOB/a.sh")"
C="$(as "$BOB" "$B/sssjob" submit -W depend=afterok:"$A" "$WORK/$BOB/b.sh")"
check "a job with afterok waits for its dependency" grep -q " Q " <<<"$(as "$BOB" "$B/sssjob" status "$C")"
as "$BOB" "$B/sssjob" release "$A" >/dev/null
as "$BOB" "$B/sssjob" wait --quiet "$C"; status=$?
check "... and runs after it (afterok chain in order)" test "$status" -eq 0 -a "$(cat "$WORK/$BOB/chain.txt" | tr '\n' ' ')" = "first second "
printf '#!/bin/sh\n#PBS -t 1-3\n#PBS -N arr\necho "index=$PBS_ARRAYID"\n' >"$WORK/$BOB/arr.sh"
ARR="$(as "$BOB" "$B/sssjob" submit "$WORK/$BOB/arr.sh")"
check "an array job's id is N[]" grep -qE '^[0-9]+\[\]$' <<<"$ARR"
as "$BOB" "$B/sssjob" wait --quiet "$ARR"; status=$?
seq_id="${ARR%[]}"
check "... its elements each ran with PBS_ARRAYID" test "$status" -eq 0 -a "$(cat "$WORK/$BOB"/arr.o"$seq_id"-* 2>/dev/null | sort | tr '\n' ' ')" = "index=1 index=2 index=3 "
# qsub -a: not before then (a held job, so that it stays in the queue to be looked at).
LATE="$(as "$BOB" "$B/qsub" -h -a 2359 "$WORK/$BOB/long.sh" 2>&1)"; status=$?
check "qsub -a 2359: exit 0, qstat -f shows its Execution_Time at 23:59:00" \
  test "$status" -eq 0 -a -n "$(as "$BOB" "$B/qstat" -f "${LATE%%.*}" | grep -E '^ +Execution_Time = .* 23:59:00 ')"
as "$BOB" "$B/qdel" "${LATE%%.*}"
# PBS Pro's spelling: qsub -J with a limit of one element at once, each element's file named by ^array_index^.
printf '#!/bin/sh\necho "index=$PBS_ARRAY_INDEX of=$PBS_ARRAY_ID"\n' >"$WORK/$BOB/pro.sh"
PRO="$(as "$BOB" "$B/qsub" -J 1-3%1 -j oe -o "$WORK/$BOB/pro.^array_index^" "$WORK/$BOB/pro.sh")"; status=$?
check "qsub -J 1-3%1 prints the array's id N[].HOST" test "$status" -eq 0 -a -n "$(grep -E '^[0-9]+\[\]\.' <<<"$PRO")"
as "$BOB" "$B/sssjob" wait --quiet "${PRO%%.*}"; status=$?
check "... each element wrote its own pro.INDEX with PBS_ARRAY_INDEX and PBS_ARRAY_ID" test "$status" -eq 0 -a \
  "$(cat "$WORK/$BOB"/pro.1 "$WORK/$BOB"/pro.2 "$WORK/$BOB"/pro.3 2>/dev/null | tr '\n' ' ')" = \
  "index=1 of=${PRO%%.*} index=2 of=${PRO%%.*} index=3 of=${PRO%%.*} "
# A listing longer than a page (the queue manager answers 200 jobs a page): every job in it, each once.
printf '#!/bin/sh\ntrue\n' >"$WORK/$BOB/many.sh"
MANY="$(as "$BOB" "$B/sssjob" submit -h -t 0-449 "$WORK/$BOB/many.sh")"
listing="$(as "$BOB" "$B/sssjob" status)"
check "sssjob status lists all 450 elements of a held array (three pages), each once" \
  test "$(grep -oE "(^| )${MANY%[]}\[[0-9]+\]" <<<"$listing" | sort -u | wc -l)" -eq 450 \
  -a "$(grep -cE "(^| )${MANY%[]}\[[0-9]+\]" <<<"$listing")" -eq 450
as "$BOB" "$B/sssjob" cancel "$MANY" >/dev/null
printf '#!/bin/sh\nfor i in 1 2 3; do echo "tick $i"; sleep 0.3; done\n' >"$WORK/$BOB/ticks.sh"
TICKS="$(as "$BOB" "$B/sssjob" submit "$WORK/$BOB/ticks.sh")"
check "sssjob output --follow prints the output until the job ends" \
  test "$(as "$BOB" timeout 30 "$B/sssjob" output --follow "$TICKS" | tr '\n' ' ')" = "tick 1 tick 2 tick 3 "
full="$("$B/qstat" -f "$HELLO")"
check "qstat -f lists PBS attributes" grep -q "Job_Owner = $ALICE@" <<<"$full"
check "... state, nodes and exit status" test "$(grep -cE 'job_state = C|Resource_List.nodes = 2:ppn=2|exit_status = 0' <<<"$full")" -eq 3
check "qstat -x's table has PBS's header and the completed jobs" \
  test "$("$B/qstat" -x | grep -cE '^Job ID  *Name  *User  *Time Use S Queue$|^'"$HELLO"'\..* C batch$')" -eq 2
check "qstat without -x leaves completed jobs out" test -z "$("$B/qstat" | grep "^$HELLO\.")"
check "sssjob status --xml is the queue manager's reply" grep -q "<jobs><job id=\"$HELLO\"" <<<"$("$B/sssjob" status --xml "$HELLO")"
# Accounting: a record per completed job, each user's own, everyone's for the administrator.
hist="$(as "$ALICE" "$B/sssjob" history)"
check "sssjob history lists $ALICE's completed job with its nodes and exit status" \
  grep -qE "^$HELLO +hello +batch +node[123] node[123] .* 0 +00:00:[0-9][0-9] " <<<"$hist"
check "... and none of $BOB's" test -z "$(grep -E "^($WALL|$A|$C) " <<<"$hist")"
check "$BOB's history has his walltime-killed job with its reason" \
  grep -qE "^$WALL .*walltime 00:00:01 exceeded" <<<"$(as "$BOB" "$B/sssjob" history --since 1d)"
check "sssjob history --since a future date is empty" \
  test "$(as "$ALICE" "$B/sssjob" history --since 2999-01-01 | wc -l)" -eq 2
as "$ALICE" "$B/sssjob" history --since yesterday >/dev/null 2>&1; status=$?
check "sssjob history --since with a bad time: exit 2" test "$status" -eq 2
csv="$("$B/sssadmin" accounting --format csv)"
check "sssadmin accounting --format csv: a header and both users' records" \
  test "$(head -1 <<<"$csv" | cut -d, -f1-3)" = "job,user,name" -a -n "$(grep "^$HELLO,$ALICE,hello," <<<"$csv")" -a -n "$(grep "^$WALL,$BOB," <<<"$csv")"
check "sssadmin accounting --user $BOB: his only" \
  test -z "$("$B/sssadmin" accounting --user "$BOB" --format csv | grep ",$ALICE,")"
check "sssadmin accounting --format xml is the queue manager's reply" \
  grep -q "<accounting><record id=" <<<"$("$B/sssadmin" accounting --format xml -n 5)"
check "sssjob queues lists batch and short" test "$("$B/sssjob" queues | grep -cE '^(batch|short) ')" -eq 2

# The command line itself.
"$B/sssjob" >/dev/null 2>&1; status=$?
check "sssjob without a command: usage, exit 2" test "$status" -eq 2
"$B/sssjob" frobnicate >/dev/null 2>&1; status=$?
check "an unknown command: exit 2" test "$status" -eq 2
"$B/qstat" --bogus >/dev/null 2>&1; status=$?
check "an unknown option: exit 2" test "$status" -eq 2
"$B/qdel" 99999 2>/dev/null; status=$?
check "qdel of an unknown job: exit 1" test "$status" -eq 1
"$B/sssjob" status --socket "$WORK/nobody.sock" 2>/dev/null; status=$?
check "no queue manager at the socket: exit 3" test "$status" -eq 3

"$B/sss" stop >/dev/null 2>&1
check "bin/sss stop removes the socket" test ! -e "$SSS_VAR/run/queue-manager.sock"

summary "queue manager"
