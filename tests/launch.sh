#!/usr/bin/env bash
# Command-level tests of sssjob run (what srun does) and sssjob alloc (what salloc does): a ring of four mpds
# (node1..node4 on 127.0.0.180-183, two slots each), the suite started by bin/sss with a process manager, a queue
# manager and a first-fit scheduler, and a local user (created here, removed at the end) who runs MPI programs and
# commands on allocations from the login host (this machine). Needs root (to create the user; the jobs run as
# them). Prints one line per check and "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-launch.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE SSS_QM_SOCKET SSS_JOBID PBS_JOBID MPD_JOB_KEY PBS_NODEFILE
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
CAROL=sssrun-dave
CREATED_USERS=()

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/launch.sh: needs root, to create the test user and run their jobs as them" >&2
  exit 1
fi

# KEEP_WORK=1 keeps the work directory (the commands' output files) for a look after a failure.
cleanup() {
  "$B/sss" stop >/dev/null 2>&1 || true
  stop_ring
  local user
  for user in "${CREATED_USERS[@]:-}"; do [ -n "$user" ] && userdel "$user" >/dev/null 2>&1; done
  [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

if ! id "$CAROL" >/dev/null 2>&1; then
  useradd --no-create-home --home-dir "$WORK/$CAROL" --shell /bin/sh "$CAROL" && CREATED_USERS+=("$CAROL")
fi
mkdir -p "$WORK/$CAROL" && chown "$CAROL" "$WORK/$CAROL"

start_ring 127.0.0.180 127.0.0.181 127.0.0.182 127.0.0.183
check "a ring of node1..node4 is up" test "$("$B/mpdtrace" --mpd "$CONSOLE" | wc -l)" -eq 4

CONFIG="$WORK/etc/sss.xml"
suite_config "$CONFIG" "  $(ring_element)\n  <process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>\n  <node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.5\"/>\n  <scheduler host=\"127.0.0.1\" port=\"0\" interval=\"1\" policy=\"first-fit\"/>\n  <queue-manager host=\"127.0.0.1\" port=\"0\" history=\"3600\">\n    <queue name=\"batch\" default=\"true\" max-walltime=\"3600\"/>\n  </queue-manager>\n  <nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\"/><node name=\"node3\" slots=\"2\"/><node name=\"node4\" slots=\"2\"/></nodes>"
chmod 755 "$WORK/etc" && chmod 644 "$CONFIG"
export SSS_CONFIG="$CONFIG"

out="$("$B/sss" start 2>&1)"; status=$?
check "bin/sss start starts the queue manager" test "$status" -eq 0 -a -S "$SSS_VAR/run/queue-manager.sock"

# as COMMAND...: runs a command as the test user, in their directory, with a login host's environment.
as() {
  (cd "$WORK/$CAROL" && runuser -u "$CAROL" -- env PATH="$B:/usr/bin:/bin" HOME="$WORK/$CAROL" "$@")
}
# job_field ID ATTRIBUTE: a job's attribute as the queue manager's XML has it (root sees every job).
job_field() {
  "$B/sssjob" status -a --xml "$1" | grep -o " $2=\"[^\"]*\"" | head -n 1 | sed 's/^[^"]*"//; s/"$//'
}
jobs_known() {
  "$B/sssjob" status -a --xml | grep -o '<job ' | wc -l
}

# --- sssjob run: allocate, launch through the ring, stream, exit with the job's status.
if command -v mpicc.mpich >/dev/null; then
  mpicc.mpich -O2 -o "$WORK/$CAROL/mpi_hello" "$ROOT/testkit/src/test/c/hello.c" && chown "$CAROL" "$WORK/$CAROL/mpi_hello"
  out="$(as sssjob run -N 2 -n 4 ./mpi_hello 2>"$WORK/run.err")"; status=$?
  check "sssjob run -N 2 -n 4 ./mpi_hello exits 0" test "$status" -eq 0
  check "... and prints four ranks" test "$(grep -c 'hello from rank [0-3] of 4' <<<"$out")" -eq 4
  check "... from two nodes, two each" \
    test "$(grep -o 'mpd=node[0-9]' <<<"$out" | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')" = "2 2 "
else
  check "mpicc.mpich is installed (bin/sss test installs mpich)" false
fi
# An Open MPI program as Open MPI batch scripts start it under Slurm: srun --mpi=pmix (the ring serves PMIx).
if command -v mpicc.openmpi >/dev/null; then
  mpicc.openmpi -O2 -o "$WORK/$CAROL/ompi_hello" "$ROOT/testkit/src/test/c/hello.c" && chown "$CAROL" "$WORK/$CAROL/ompi_hello"
  out="$(as srun --mpi=pmix --cpu-bind=cores -N 2 -n 4 ./ompi_hello 2>"$WORK/ompi.err")"; status=$?
  check "srun --mpi=pmix --cpu-bind=cores -N 2 -n 4 ./ompi_hello (Open MPI): four ranks, exit 0" \
    test "$status" -eq 0 -a "$(grep -c 'hello from rank [0-3] of 4' <<<"$out")" -eq 4
else
  check "mpicc.openmpi is installed (bin/sss test installs openmpi-bin and libopenmpi-dev)" false
fi

before="$(jobs_known)"
started_ns="$(date +%s%N)"
as sssjob run -n 2 sh -c 'exit 5' 2>"$WORK/run5.err"; status=$?
echo "info sssjob run -n 2 sh -c 'exit 5' on an idle cluster (submit, schedule, start, launch, release, end) took $(( ($(date +%s%N) - started_ns) / 1000000 )) ms"
check "sssjob run -n 2 sh -c 'exit 5' exits 5" test "$status" -eq 5
RUN5="$("$B/sssjob" status -a --xml | grep -o '<job id="[0-9]*"' | sed 's/[^0-9]//g' | sort -n | tail -n 1)"
check "... its allocation was a queued job of its own, named after the program" \
  test "$(jobs_known)" -eq $((before + 1)) -a "$(job_field "$RUN5" name)" = sh
check "... which completed with exit status 5 (the accounting's)" \
  test "$(job_field "$RUN5" state)" = completed -a "$(job_field "$RUN5" exit-status)" = 5
check "... as the user" test "$(job_field "$RUN5" user)" = "$CAROL"
check "... and its accounting record (sssjob history) says 5" \
  grep -q "<record id=\"$RUN5\"[^>]* exit-status=\"5\"" <<<"$(as sssjob history --xml)"

out="$(as sssjob run -l -n 2 sh -c 'echo "I am $PMI_RANK"' 2>/dev/null)"
check "sssjob run -l labels each line with its rank" \
  test "$(sort <<<"$out" | tr '\n' '|')" = "0: I am 0|1: I am 1|"
out="$(printf 'first line\nsecond line\n' | as sssjob run -n 1 cat 2>/dev/null)"
check "sssjob run feeds its standard input to rank 0" test "$out" = "$(printf 'first line\nsecond line')"

# Slurm's names for the same commands.
out="$(as srun -N 2 --ntasks-per-node 1 -l hostname 2>/dev/null)"; status=$?
check "srun (a face of sssjob run) takes Slurm's options: two labelled lines, exit 0" \
  test "$status" -eq 0 -a "$(grep -cE '^[01]: ' <<<"$out")" -eq 2
as salloc -N 1 sh -c 'test -n "$SLURM_JOB_ID" && exit 6' 2>/dev/null; status=$?
check "salloc (a face of sssjob alloc) runs its command in the allocation and exits with its status" test "$status" -eq 6

as sssjob run --mem 1G true 2>"$WORK/bad.err"; status=$?
check "an unsupported option (--mem) is refused by name, exit 2" test "$status" -eq 2 -a -n "$(grep -- '--mem' "$WORK/bad.err")"
as sssjob alloc -l true 2>/dev/null; status=$?
check "alloc refuses run's -l (exit 2)" test "$status" -eq 2
as sssjob run -t 1:2:3:4 true 2>/dev/null; status=$?
check "a bad -t is refused (exit 2)" test "$status" -eq 2

# --- sssjob alloc: a command on the login host holds the allocation; mpiexec in it uses the allocated nodes only.
cat >"$WORK/$CAROL/inside.sh" <<'SCRIPT'
echo "job=$SSS_JOBID pbs=$PBS_JOBID slurm=$SLURM_JOB_ID nodelist=$SLURM_JOB_NODELIST np=$PBS_NP"
echo "mpiexec=$(command -v mpiexec)"
mpiexec -n 4 sh -c 'echo "rank on $MPD_HOST as $(id -un)"'
echo "mpiexec-status=$?"
qstat | awk -v id="$SSS_JOBID" '$1 ~ "^"id {print "qstat-state=" $5}'
sssjob run -n 2 sh -c 'echo "run-inside on $MPD_HOST"'
echo "run-status=$?"
for node in node1 node2 node3 node4; do
  case ",$SLURM_JOB_NODELIST," in *",$node,"*) ;; *) outside=$node ;; esac
done
mpiexec -n 1 -hosts "$outside" true 2>&1 | sed 's/^/outside: /'
exit 3
SCRIPT
chown "$CAROL" "$WORK/$CAROL/inside.sh"
before="$(jobs_known)"
out="$(as sssjob alloc -N 2 sh inside.sh 2>"$WORK/alloc.err")"; status=$?
ALLOC="$(sed -n 's/^job=\([0-9]*\) .*/\1/p' <<<"$out")"
nodes="$(sed -n 's/.*nodelist=\([^ ]*\) .*/\1/p' <<<"$out")"
check "inside sssjob alloc -N 2, the job's variables are set" \
  grep -qE "^job=$ALLOC pbs=$ALLOC slurm=$ALLOC nodelist=node[1-4],node[1-4] np=2\$" <<<"$out"
check "... mpiexec is the suite's" grep -q "^mpiexec=$B/mpiexec\$" <<<"$out"
check "... mpiexec -n 4 runs four ranks, as the user (exit 0)" \
  test "$(grep -c "^rank on node[1-4] as $CAROL\$" <<<"$out")" -eq 4 -a -n "$(grep '^mpiexec-status=0$' <<<"$out")"
check "... on the two allocated nodes only" \
  test "$(sed -n 's/^rank on \(node[1-4]\) .*/\1/p' <<<"$out" | sort -u | tr '\n' ',')" = "$(tr ',' '\n' <<<"$nodes" | sort | tr '\n' ',')"
check "... the allocation is a running job in qstat" grep -q '^qstat-state=R$' <<<"$out"
check "... sssjob run launches in it without queueing" \
  test "$(grep -c '^run-inside on node[1-4]$' <<<"$out")" -eq 2 -a -n "$(grep '^run-status=0$' <<<"$out")" \
  -a "$(jobs_known)" -eq $((before + 1))
check "... on its nodes" test -z "$(sed -n 's/^run-inside on //p' <<<"$out" | grep -v -x -F -e "${nodes%%,*}" -e "${nodes##*,}")"
check "... and an mpiexec reaching past it is refused" grep -q '^outside: .*outside its allocation' <<<"$out"
check "the allocation ends when the command exits: alloc exits with its status (3)" test "$status" -eq 3
check "... and the job completed with exit status 3" \
  test "$(job_field "$ALLOC" state)" = completed -a "$(job_field "$ALLOC" exit-status)" = 3
check "... alloc told when it was granted and released" \
  grep -q "job $ALLOC granted node" "$WORK/alloc.err" && grep -q "job $ALLOC released, exit status 3" "$WORK/alloc.err"
check "... and left nothing in ~/.sss/alloc" test -z "$(ls -A "$WORK/$CAROL/.sss/alloc")"
check "... whose mode is 700" test "$(stat -c %a "$WORK/$CAROL/.sss/alloc")" = 700

out="$(printf 'echo "shell in $SSS_JOBID on $SLURM_JOB_NODELIST"\nexit 4\n' | as env SHELL=/bin/sh sssjob alloc 2>/dev/null)"
status=$?
check "sssjob alloc without a command runs \$SHELL, here reading its standard input (exit 4)" \
  test "$status" -eq 4 -a -n "$(grep -E '^shell in [0-9]+ on node[1-4]$' <<<"$out")"

# In a batch job's script (PBS_JOBID and MPD_JOB_KEY set) sssjob run launches in the job, on its nodes.
cat >"$WORK/$CAROL/batch.sh" <<'SCRIPT'
#!/bin/sh
#PBS -l nodes=2:ppn=1,walltime=00:02:00
#PBS -N inbatch
sssjob run -N 2 -l sh -c 'echo "on $MPD_HOST"'
echo "run-status=$?"
sort -u "$PBS_NODEFILE" | tr '\n' ' ' | sed 's/^/nodes: /'
echo
first="$(head -n 1 "$PBS_NODEFILE")"
echo "without-first: $(sssjob run -x "$first" sh -c 'echo "$MPD_HOST"') first=$first"
echo "only-first: $(sssjob run -w "$first" sh -c 'echo "$MPD_HOST"')"
echo "default-tasks: $(sssjob run hostname | wc -l) of $SLURM_NTASKS"
SCRIPT
chown "$CAROL" "$WORK/$CAROL/batch.sh"
before="$(jobs_known)"
BATCH="$(as sssjob submit batch.sh)"
as sssjob wait --quiet "$BATCH"; status=$?
out="$(cat "$WORK/$CAROL/inbatch.o$BATCH" 2>/dev/null)"
batch_nodes="$(sed -n 's/^nodes: //p' <<<"$out")"
check "sssjob run -N 2 -l in a batch script launches in the job, labelled, one rank per node (exit 0)" \
  test "$status" -eq 0 -a -n "$(grep '^run-status=0$' <<<"$out")" \
  -a "$(sed -n 's/^[01]: on \(node[1-4]\)$/\1/p' <<<"$out" | sort | tr '\n' ' ')" = "$batch_nodes" \
  -a "$(jobs_known)" -eq $((before + 1))
check "... and sssjob run with neither -n nor -N runs the job's tasks (SLURM_NTASKS), as srun does" \
  grep -q '^default-tasks: 2 of 2$' <<<"$out"
first="$(sed -n 's/.* first=//p' <<<"$out")"
check "... sssjob run -x FIRST in it runs on the other node only, -w FIRST on that one only" \
  test -n "$first" -a "$(sed -n 's/^without-first: \(node[1-4]\) first=.*/\1/p' <<<"$out")" = "$(tr ' ' '\n' <<<"$batch_nodes" | grep -v "^$first\$" | grep .)" \
  -a "$(sed -n 's/^only-first: //p' <<<"$out")" = "$first"

# Named nodes: srun -w NODE runs there; -x keeps the allocation off nodes; a node nobody knows is refused.
out="$(as srun -w node3 -l sh -c 'echo "on $MPD_HOST"' 2>/dev/null)"; status=$?
check "srun -w node3: one rank, on node3 (exit 0)" test "$status" -eq 0 -a "$out" = "0: on node3"
out="$(as srun -N 2 -x 'node[1-2]' -l sh -c 'echo "on $MPD_HOST"' 2>/dev/null | sort)"; status=$?
check "srun -N 2 -x node[1-2]: on node3 and node4 (exit 0)" test "$status" -eq 0 -a "$(tr '\n' ' ' <<<"$out")" = "0: on node3 1: on node4 "
out="$(as srun -w node9 true 2>&1)"; status=$?
check "srun -w node9 (no such node): exit 2, the error names it in srun's options" \
  test "$status" -eq 2 -a -n "$(grep -- '-w/.*unknown node node9' <<<"$out")" -a -z "$(grep -- '-l nodes' <<<"$out")"

as sssjob alloc -N 1 -t 0:03 sleep 120 2>"$WORK/wall.err"; status=$?
WALL="$(grep -o 'job [0-9]* granted' "$WORK/wall.err" | awk '{print $2}')"
check "an allocation ends at its walltime (-t 0:03): the command gets SIGTERM (alloc exits 143)" test "$status" -eq 143
check "... saying so" grep -q "the allocation has ended" "$WORK/wall.err"
check "... and the job completed" test "$(job_field "$WALL" state)" = completed

# bg NAME COMMAND...: runs a command as the test user in the background, in a process group of its own (job control
# on: a background job then keeps SIGINT, which a script's background jobs otherwise ignore), so that SIGINT to the
# group is what Ctrl-C on a terminal does; its pid in BG_PID, output in $WORK/NAME.out and NAME.err. SIGINT is set
# back to its default for the command: a script started in the background by a shell without job control (nohup
# CMD &) inherits SIGINT ignored, which no shell can undo, and the JVM then never sees Ctrl-C.
set -m
bg() {
  local name="$1"; shift
  runuser -u "$CAROL" -- env --default-signal=INT -C "$WORK/$CAROL" PATH="$B:/usr/bin:/bin" HOME="$WORK/$CAROL" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" &
  BG_PID=$!
}

# Ctrl-C (SIGINT to the foreground process group, sssjob and its mpiexec) reaches the ranks through mpiexec; the
# job ends with the status the ranks died of.
bg ctrlc sssjob run -n 2 sleep 120
CTRLC_PID=$BG_PID
wait_until 60 '"$B/sssjob" status --xml | grep "name=\"sleep\"" | grep -q "state=\"running\""' \
  && wait_until 30 'pgrep -u "$CAROL" -x sleep >/dev/null'
kill -INT -- "-$CTRLC_PID"
wait "$CTRLC_PID"; status=$?
check "Ctrl-C ends sssjob run's ranks: exit 130" test "$status" -eq 130
SLEEP="$("$B/sssjob" status -a --xml | grep -o '<job id="[0-9]*"[^>]*name="sleep"' | grep -o 'id="[0-9]*"' | grep -o '[0-9]*' | tail -n 1)"
check "... and its job completed with 130" test "$(job_field "$SLEEP" exit-status)" = 130

# While the allocation is queued, Ctrl-C cancels its job. An allocation of all four nodes keeps it queued; SIGTERM
# to that alloc (not its group) is passed to its command and still releases the nodes.
bg hold sssjob alloc -N 4 sleep 300
HOLD_PID=$BG_PID
wait_until 60 'grep -qs "granted node" "$WORK/hold.err"' || { echo "--- hold.err:"; cat "$WORK/hold.err"; "$B/sssjob" status; } >&2
HOLD="$(grep -o 'job [0-9]* granted' "$WORK/hold.err" | awk '{print $2}')"
bg queued sssjob run -n 1 true
QUEUED_PID=$BG_PID
wait_until 60 'grep -qs "queued.*waiting for its allocation" "$WORK/queued.err"' || { echo "--- queued.err:"; cat "$WORK/queued.err"; } >&2
QUEUED="$(grep -o 'job [0-9]* queued' "$WORK/queued.err" | awk '{print $2}' | head -n 1)"
kill -INT -- "-$QUEUED_PID"
wait "$QUEUED_PID"; status=$?
check "Ctrl-C while the allocation is queued: sssjob run exits 130" test "$status" -eq 130
check "... and its job is cancelled, never started" \
  test "$(job_field "$QUEUED" state)" = completed -a -z "$(job_field "$QUEUED" started)"
java_pid="$(pgrep -u "$CAROL" -f 'SssjobMain alloc -N 4 sleep 300')"
kill -TERM "$java_pid"
wait "$HOLD_PID"; status=$?
check "SIGTERM to sssjob alloc is passed to its command (exit 143)" test "$status" -eq 143
check "... and its job completed with 143" \
  test "$(job_field "$HOLD" state)" = completed -a "$(job_field "$HOLD" exit-status)" = 143

"$B/sss" stop >/dev/null 2>&1
summary "sssjob run and alloc"
