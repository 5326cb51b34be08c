#!/usr/bin/env bash
# Command-level tests of the Slurm faces (sbatch, squeue, scancel, sinfo) on the same queue manager and jobs as the
# PBS ones: a ring of three mpds (node1..node3 on 127.0.0.170-172, two slots each), the suite started by bin/sss,
# and two local users (created here, removed at the end) submitting ten #SBATCH scripts in the style of Slurm's
# documentation examples, plus a qsub'd job that squeue and scancel must see and cancel. Needs root (to create the
# users; the jobs run as them). Prints one line per check and "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-slurm.XXXXXX)"
chmod 755 "$WORK"
export SSS_VAR="$WORK/var" MPD_CONF_FILE="$WORK/mpd.conf"
unset MPD_CONSOLE SSS_QM_SOCKET
source "$ROOT/tests/lib.sh"
B="$ROOT/bin"
ALICE=sssl-alice
BOB=sssl-bob
CREATED_USERS=()

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/slurm.sh: needs root, to create the test users and run their jobs as them" >&2
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
A="$WORK/$ALICE"

start_ring 127.0.0.170 127.0.0.171 127.0.0.172
check "a ring of node1, node2, node3 is up" test "$("$B/mpdtrace" --mpd "$CONSOLE" | wc -l)" -eq 3

CONFIG="$WORK/etc/sss.xml"
suite_config "$CONFIG" "  $(ring_element)\n  <process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>\n  <node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.5\"/>\n  <scheduler host=\"127.0.0.1\" port=\"0\" interval=\"1\" policy=\"first-fit\"/>\n  <queue-manager host=\"127.0.0.1\" port=\"0\" history=\"3600\">\n    <queue name=\"batch\" default=\"true\" max-walltime=\"3600\"/>\n    <queue name=\"short\" max-walltime=\"60\" max-nodes=\"1\"/>\n    <qos name=\"normal\" default=\"true\"/>\n    <qos name=\"debug\" priority=\"100\" max-walltime=\"600\" max-jobs-per-user=\"1\" users=\"$ALICE\"/>\n  </queue-manager>\n  <nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\" features=\"gpu ib\"/><node name=\"node3\" slots=\"2\" gpus=\"2\"/></nodes>"
chmod 755 "$WORK/etc" && chmod 644 "$CONFIG"
export SSS_CONFIG="$CONFIG"

out="$("$B/sss" start 2>&1)"; status=$?
check "bin/sss start starts the queue manager" test "$status" -eq 0 -a "$(grep -c queue-manager <<<"$out")" -ge 1

# as USER COMMAND...: runs a command as a test user, in their directory.
as() {
  local user="$1"; shift
  (cd "$WORK/$user" && runuser -u "$user" -- "$@")
}
# script NAME: writes standard input to alice's NAME, hers.
script() {
  cat >"$A/$1" && chown "$ALICE" "$A/$1"
}
# finished ID: whether squeue (as alice) no longer lists job or array ID as pending, running or completing.
finished() {
  [ -z "$(as "$ALICE" "$B/squeue" -h -j "$1")" ]
}
# value FILE NAME: the value of NAME=... in FILE.
value() {
  sed -n "s/^$2=//p" "$1" 2>/dev/null | head -1
}

# sinfo on the idle cluster: one line for each partition, the default one starred.
out="$(as "$ALICE" "$B/sinfo")"
check "sinfo: the header as Slurm's" test "$(head -1 <<<"$out" | tr -s ' ')" = "PARTITION AVAIL TIMELIMIT NODES STATE NODELIST"
check "sinfo: batch* up 1:00:00 3 idle node[1-3]" grep -qE '^batch\* +up +1:00:00 +3 +idle +node\[1-3\]$' <<<"$out"
check "sinfo: short up 1:00 3 idle node[1-3]" grep -qE '^short +up +1:00 +3 +idle +node\[1-3\]$' <<<"$out"
check "sinfo -N: a line per node and partition" test "$(as "$ALICE" "$B/sinfo" -N -h | grep -c ' idle$')" -eq 6
check "sinfo -s: a line per partition, nodes as allocated/idle/other/total" \
  test -n "$(as "$ALICE" "$B/sinfo" -s | grep -E '^batch\* +up +1:00:00 +0/3/0/3 +node\[1-3\]$')"
check "sinfo -t idle -n node2 -N: that node, in each partition; -t alloc: the header alone" \
  test "$(as "$ALICE" "$B/sinfo" -t idle -n node2 -N -h | wc -l)" -eq 2 -a "$(as "$ALICE" "$B/sinfo" -t alloc | wc -l)" -eq 1
check "sinfo -R with every node up: the header alone" test "$(as "$ALICE" "$B/sinfo" -R | tr -s ' ')" = "REASON NODELIST"
"$B/sinfo" -t bogus >/dev/null 2>&1; status=$?
check "sinfo -t bogus: exit 2" test "$status" -eq 2

# 1. The first example of Slurm's quick start: a named job, its output pattern, the SLURM_* variables.
script hello.sh <<'SCRIPT'
#!/bin/bash
#SBATCH --job-name=hello
#SBATCH --output=hello-%j.out
#SBATCH --time=5:00
#SBATCH --ntasks=1
for v in SLURM_JOB_ID SLURM_JOBID SLURM_JOB_NAME SLURM_NTASKS SLURM_NPROCS SLURM_JOB_NUM_NODES SLURM_NNODES \
         SLURM_JOB_NODELIST SLURM_NODELIST SLURM_NODEID SLURM_PROCID SLURM_LOCALID SLURM_TASKS_PER_NODE \
         SLURM_CPUS_ON_NODE SLURM_SUBMIT_DIR SLURM_SUBMIT_HOST SLURM_JOB_PARTITION SLURM_JOB_USER SLURM_JOB_UID \
         PBS_JOBID PBS_NP; do
  echo "$v=${!v}"
done
echo "pwd=$(pwd)"
SCRIPT
line="$(as "$ALICE" "$B/sbatch" hello.sh)"; status=$?
check "sbatch prints 'Submitted batch job ID' and exits 0" test "$status" -eq 0 -a -n "$(grep -E '^Submitted batch job [0-9]+$' <<<"$line")"
HELLO="${line##* }"
as "$ALICE" "$B/sssjob" wait --quiet "$HELLO"; status=$?
check "the job ran and exited 0" test "$status" -eq 0
f="$A/hello-$HELLO.out"
check "--output=hello-%j.out named the file by the job id" test -f "$f"
check "SLURM_JOB_ID and SLURM_JOBID are the id sbatch printed" test "$(value "$f" SLURM_JOB_ID)/$(value "$f" SLURM_JOBID)" = "$HELLO/$HELLO"
check "SLURM_JOB_NAME=hello, SLURM_JOB_PARTITION=batch" test "$(value "$f" SLURM_JOB_NAME),$(value "$f" SLURM_JOB_PARTITION)" = "hello,batch"
check "SLURM_NTASKS=SLURM_NPROCS=1, one node" test "$(value "$f" SLURM_NTASKS)$(value "$f" SLURM_NPROCS)$(value "$f" SLURM_JOB_NUM_NODES)$(value "$f" SLURM_NNODES)" = 1111
check "SLURM_JOB_NODELIST is one node, as SLURM_NODELIST" grep -qE '^node[123]$' <<<"$(value "$f" SLURM_JOB_NODELIST)"
check "... the same as SLURM_NODELIST" test "$(value "$f" SLURM_JOB_NODELIST)" = "$(value "$f" SLURM_NODELIST)"
check "SLURM_NODEID, SLURM_PROCID, SLURM_LOCALID are 0" test "$(value "$f" SLURM_NODEID)$(value "$f" SLURM_PROCID)$(value "$f" SLURM_LOCALID)" = 000
check "SLURM_TASKS_PER_NODE=1, SLURM_CPUS_ON_NODE=1" test "$(value "$f" SLURM_TASKS_PER_NODE),$(value "$f" SLURM_CPUS_ON_NODE)" = "1,1"
check "SLURM_SUBMIT_DIR is where sbatch ran, and the job ran there" test "$(value "$f" SLURM_SUBMIT_DIR),$(value "$f" pwd)" = "$A,$A"
check "SLURM_SUBMIT_HOST is this host" test "$(value "$f" SLURM_SUBMIT_HOST)" = "$(cat /proc/sys/kernel/hostname)"
check "SLURM_JOB_USER and SLURM_JOB_UID are alice's" test "$(value "$f" SLURM_JOB_USER):$(value "$f" SLURM_JOB_UID)" = "$ALICE:$(id -u "$ALICE")"
check "the PBS variables are there too (PBS_JOBID, PBS_NP)" test "$(value "$f" PBS_JOBID):$(value "$f" PBS_NP)" = "$HELLO:1"

# 2. A job array with %A_%a output names (Slurm's job array documentation).
script array.sh <<'SCRIPT'
#!/bin/bash
#SBATCH --job-name=arr
#SBATCH --array=1-4
#SBATCH --output=array_%A_%a.out
#SBATCH --time=2:00
echo "task=$SLURM_ARRAY_TASK_ID of=$SLURM_ARRAY_JOB_ID id=$SLURM_JOB_ID count=$SLURM_ARRAY_TASK_COUNT min=$SLURM_ARRAY_TASK_MIN max=$SLURM_ARRAY_TASK_MAX step=$SLURM_ARRAY_TASK_STEP pbs=$PBS_ARRAYID"
SCRIPT
ARRAY="$(as "$ALICE" "$B/sbatch" --parsable array.sh)"; status=$?
check "sbatch --parsable prints the id alone" test "$status" -eq 0 -a -n "$(grep -E '^[0-9]+$' <<<"$ARRAY")"
wait_until 60 'finished "$ARRAY"'
ok=0
for i in 1 2 3 4; do
  [ "$(cat "$A/array_${ARRAY}_$i.out" 2>/dev/null)" = "task=$i of=$ARRAY id=${ARRAY}_$i count=4 min=1 max=4 step=1 pbs=$i" ] && ok=$((ok + 1))
done
check "each of the 4 elements wrote array_%A_%a.out with its SLURM_ARRAY_* values" test "$ok" -eq 4

# 3. A stepped array with the default output name slurm-%A_%a.out.
script step.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --array=1-9:4
echo "step=$SLURM_ARRAY_TASK_STEP task=$SLURM_ARRAY_TASK_ID"
SCRIPT
STEP="$(as "$ALICE" "$B/sbatch" --parsable step.sh)"
wait_until 60 'finished "$STEP"'
check "--array=1-9:4 ran 1, 5 and 9 into slurm-%A_%a.out" test "$(cat "$A/slurm-${STEP}_1.out" "$A/slurm-${STEP}_5.out" "$A/slurm-${STEP}_9.out" 2>/dev/null | tr '\n' ' ')" = "step=4 task=1 step=4 task=5 step=4 task=9 "

# 3b. A throttled array: --array=1-6%2 on three idle nodes runs at most two elements at once; the others wait with
# the reason JobArrayTaskLimit. Each element waits for a file the test makes once it has seen that, and records how
# many elements were running when it started.
script throttle.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --array=1-6%2
#SBATCH --output=throttle_%a.out
touch "running.$SLURM_ARRAY_TASK_ID"
echo "seen=$(ls | grep -c '^running\.')"
until [ -e throttle.go ]; do sleep 0.1; done
rm "running.$SLURM_ARRAY_TASK_ID"
SCRIPT
THROTTLE="$(as "$ALICE" "$B/sbatch" --parsable throttle.sh)"
# states THROTTLE: the array's elements' states and reasons, "R" or "PD(reason)", sorted, on one line.
throttle_states() {
  as "$ALICE" "$B/squeue" -h -j "$THROTTLE" -o '%t%r' | sed 's/^R.*/R/' | sort | uniq -c | tr -s ' ' | tr '\n' ';'
}
wait_until 30 '[ "$(throttle_states)" = " 4 PDJobArrayTaskLimit; 2 R;" ]' || true
check "--array=1-6%2: two elements run, four wait as JobArrayTaskLimit (a node left idle)" test "$(throttle_states)" = " 4 PDJobArrayTaskLimit; 2 R;"
touch "$A/throttle.go"
wait_until 60 'finished "$THROTTLE"'
seen="$(cat "$A"/throttle_[1-6].out 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
check "... all six ran, none beside more than one other ($seen)" test "$(cat "$A"/throttle_[1-6].out 2>/dev/null | grep -c '^seen=[12]$')" -eq 6

# 3c. The header lines scripts from Slurm clusters commonly carry: mail (recorded, as qsub -m/-M), --exclusive (what
# every job gets here), --hint, --nice; -Q prints nothing.
script header.sh <<'SCRIPT'
#!/bin/bash
#SBATCH --job-name=header
#SBATCH --mail-type=END,FAIL
#SBATCH --mail-user=alice@example.org
#SBATCH --exclusive
#SBATCH --hint=nomultithread
#SBATCH --nice=10
#SBATCH --output=header.out
echo "ran on $SLURM_JOB_NODELIST"
"$SCONTROL" show hostnames | sed 's/^/host /'
SCRIPT
out="$(as "$ALICE" "$B/sbatch" -Q --export=ALL,SCONTROL="$B/scontrol" header.sh 2>&1)"; status=$?
check "sbatch -Q with --mail-type, --mail-user, --exclusive, --hint, --nice: exit 0, nothing printed" test "$status" -eq 0 -a -z "$out"
HEADER="$(as "$ALICE" "$B/squeue" -h -t all -o '%i %j' | awk '$2 == "header" { print $1; exit }')"
wait_until 60 'finished "$HEADER"'
full="$(as "$ALICE" "$B/qstat" -f "$HEADER")"
check "... it ran; qstat -f shows its mail (ae, alice@example.org) and priority -10" \
  test "$(grep -c '^ran on node' "$A/header.out" 2>/dev/null)" -eq 1 \
  -a "$(grep -cE 'Mail_Points = ae|Mail_Users = alice@example.org|Priority = -10' <<<"$full")" -eq 3
check "... scontrol show hostnames in the job printed its node" grep -qE '^host node[1-3]$' "$A/header.out"

# scontrol: host lists, a job's Key=Value listing, hold and release.
check "scontrol show hostnames node[1-2,04],login expands in order" \
  test "$(as "$ALICE" "$B/scontrol" show hostnames 'node[1-2,04],login' | tr '\n' ' ')" = "node1 node2 node04 login "
check "scontrol show hostlist node1,node2,node3 compresses" test "$(as "$ALICE" "$B/scontrol" show hostlist node1,node2,node3)" = "node[1-3]"
SC="$(as "$ALICE" "$B/sbatch" --parsable -H -J held1 --wrap true)"
out="$(as "$ALICE" "$B/scontrol" show job "$SC")"
check "scontrol show job: JobId, JobName, JobState=PENDING Reason=JobHeldUser, Partition" \
  test "$(grep -cE "^JobId=$SC JobName=held1\$|^   JobState=PENDING Reason=JobHeldUser |^   Partition=batch\$" <<<"$out")" -eq 3
as "$ALICE" "$B/scontrol" release "$SC"; status=$?
wait_until 30 'finished "$SC"'
check "scontrol release: exit 0, the job ran (COMPLETED in scontrol show job)" \
  test "$status" -eq 0 -a -n "$(as "$ALICE" "$B/scontrol" show job "$SC" | grep '^   JobState=COMPLETED ')"
check "scontrol -o show job: one line" test "$(as "$ALICE" "$B/scontrol" -o show job "$SC" | wc -l)" -eq 1 \
  -a -n "$(as "$ALICE" "$B/scontrol" -o show job "$SC" | grep "^JobId=$SC JobName=held1 .* Partition=batch ")"
# An array with one element running and one waiting: hold and release act on the waiting one only.
script pair.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --array=1-2%1
#SBATCH --output=pair_%a.out
until [ -e pair.go ]; do sleep 0.1; done
SCRIPT
PAIR="$(as "$ALICE" "$B/sbatch" --parsable pair.sh)"
wait_until 30 '[ "$(as "$ALICE" "$B/squeue" -h -j "$PAIR" -t R | wc -l)" -eq 1 ]' || true
as "$ALICE" "$B/scontrol" hold "$PAIR"; status=$?
check "scontrol hold ARRAY with one element running: exit 0, the waiting one held, the running one running" \
  test "$status" -eq 0 -a "$(as "$ALICE" "$B/squeue" -h -j "$PAIR" -o '%t%r' | sort | tr '\n' ' ')" = "PDJobHeldUser RNone "
as "$ALICE" "$B/scontrol" release "$PAIR"; status=$?
touch "$A/pair.go"
wait_until 60 'finished "$PAIR"'
check "... scontrol release ARRAY: exit 0, and both elements ran" test "$status" -eq 0 -a -f "$A/pair_1.out" -a -f "$A/pair_2.out"
as "$BOB" "$B/scontrol" hold "$SC" >/dev/null 2>&1; status=$?
check "scontrol hold of another's job: exit 1" test "$status" -eq 1
as "$ALICE" "$B/scontrol" shutdown >/dev/null 2>&1; status=$?
check "scontrol shutdown (not a user's command): exit 2" test "$status" -eq 2

# 3e. Named nodes (sbatch -w/--nodelist, -x/--exclude; qsub -l nodes=NAME): a job goes where it is told and nowhere
# it is told not to; one whose node is busy waits for it (Resources); one whose node is drained says ReqNodeNotAvail
# until the node is back; a node nobody knows is refused at submission.
script where.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --nodelist=node3
#SBATCH --output=where.out
echo "on $SLURM_JOB_NODELIST nodes=$SLURM_JOB_NUM_NODES"
SCRIPT
WHERE="$(as "$ALICE" "$B/sbatch" --parsable where.sh)"
EXCL="$(as "$ALICE" "$B/sbatch" --parsable -x 'node[1-2]' -o exclude.out --wrap 'echo "on $SLURM_JOB_NODELIST"')"
TWO="$(as "$ALICE" "$B/sbatch" --parsable -w 'node[1,3]' -o two.out --wrap 'echo "on $SLURM_JOB_NODELIST nodes=$SLURM_JOB_NUM_NODES"')"
wait_until 60 'finished "$WHERE" && finished "$EXCL" && finished "$TWO"'
check "sbatch with #SBATCH --nodelist=node3 ran on node3" test "$(cat "$A/where.out" 2>/dev/null)" = "on node3 nodes=1"
check "sbatch -x node[1-2] ran on node3" test "$(cat "$A/exclude.out" 2>/dev/null)" = "on node3"
check "sbatch -w node[1,3] (no -N) ran on both" test "$(cat "$A/two.out" 2>/dev/null)" = "on node[1,3] nodes=2"
BUSY="$(as "$ALICE" "$B/sbatch" --parsable -w node2 -o busy.out --wrap 'until [ -e busy.go ]; do sleep 0.1; done')"
wait_until 30 '[ "$(as "$ALICE" "$B/squeue" -h -j "$BUSY" -o %t)" = R ]' || true
PINNED="$(as "$ALICE" "$B/sbatch" --parsable -w node2 -x node3 -o pinned.out --wrap 'echo "on $SLURM_JOB_NODELIST"')"
wait_until 30 '[ "$(as "$ALICE" "$B/squeue" -h -j "$PINNED" -o %t%r)" = PDResources ]' || true
check "a job whose named node is busy waits (PD Resources)" test "$(as "$ALICE" "$B/squeue" -h -j "$PINNED" -o %t%r)" = PDResources
check "... squeue -o '%n|%x' shows the nodes it named" test "$(as "$ALICE" "$B/squeue" -h -j "$PINNED" -o '%n|%x')" = "node2|node3"
check "... scontrol show job: ReqNodeList=node2 ExcNodeList=node3" \
  grep -q '^   ReqNodeList=node2 ExcNodeList=node3$' <<<"$(as "$ALICE" "$B/scontrol" show job "$PINNED")"
touch "$A/busy.go"
wait_until 60 'finished "$PINNED"'
check "... and runs there once it is free" test "$(cat "$A/pinned.out" 2>/dev/null)" = "on node2"
"$B/sssadmin" drain node1 --reason "named-node test" >/dev/null
DRAINED="$(as "$ALICE" "$B/sbatch" --parsable -w node1 -o drained.out --wrap 'echo "on $SLURM_JOB_NODELIST"')"
wait_until 30 '[ "$(as "$ALICE" "$B/squeue" -h -j "$DRAINED" -o %t%r)" = PDReqNodeNotAvail ]' || true
check "a job whose named node is drained waits as ReqNodeNotAvail" \
  test "$(as "$ALICE" "$B/squeue" -h -j "$DRAINED" -o %t%r)" = PDReqNodeNotAvail
check "sinfo -R: the drained node by its reason" \
  test -n "$(as "$ALICE" "$B/sinfo" -R -h | grep -E '^named-node test +node1$')"
check "sinfo -t drain: the drained node; -t fail: none, exit 0" \
  test "$(as "$ALICE" "$B/sinfo" -t drain -h -p batch -o %N)" = node1 -a -z "$(as "$ALICE" "$B/sinfo" -t fail -h)"
"$B/sssadmin" resume node1 >/dev/null
wait_until 60 'finished "$DRAINED"'
check "... and runs there once the node is resumed" test "$(cat "$A/drained.out" 2>/dev/null)" = "on node1"
out="$(as "$ALICE" "$B/sbatch" -w node9 --wrap true 2>&1)"; status=$?
check "sbatch -w node9 (no such node): exit 2, the error names it" \
  test "$status" -eq 2 -a -n "$(grep -- '--nodelist: unknown node node9' <<<"$out")"
out="$(as "$ALICE" "$B/sbatch" -N 3 -x node1 --wrap true 2>&1)"; status=$?
check "sbatch -N 3 -x node1 on three nodes: exit 2, too few left" test "$status" -eq 2 -a -n "$(grep -- '--exclude: only 2 node' <<<"$out")"
printf '#!/bin/sh\n#PBS -l nodes=node2:ppn=2\n#PBS -j oe\nsort -u "$PBS_NODEFILE"\n' >"$A/named.pbs" && chown "$ALICE" "$A/named.pbs"
NAMED="$(as "$ALICE" "$B/qsub" -N named named.pbs)"
as "$ALICE" "$B/sssjob" wait --quiet "$NAMED"
check "qsub with #PBS -l nodes=node2:ppn=2 ran on node2; qstat -f shows Resource_List.nodes = node2:ppn=2" \
  test "$(cat "$A/named.o${NAMED%%.*}" 2>/dev/null)" = node2 \
  -a -n "$(as "$ALICE" "$B/qstat" -f "$NAMED" | grep 'Resource_List.nodes = node2:ppn=2$')"

# 3e'. Features (sbatch -C/--constraint, qsub -l nodes=N:FEATURE): node2 alone has gpu and ib.
GPU="$(as "$ALICE" "$B/sbatch" --parsable -C 'gpu&ib' -o gpu.out --wrap 'echo "on $SLURM_JOB_NODELIST"')"
printf '#!/bin/sh\n#PBS -l nodes=1:gpu\n#PBS -j oe\nsort -u "$PBS_NODEFILE"\n' >"$A/gpu.pbs" && chown "$ALICE" "$A/gpu.pbs"
PGPU="$(as "$ALICE" "$B/qsub" -N pgpu gpu.pbs)"
check "squeue -o %f shows what a job asks for" test "$(as "$ALICE" "$B/squeue" -h -t all -j "$GPU" -o %f)" = "gpu&ib"
wait_until 60 'finished "$GPU" && finished "${PGPU%%.*}"'
check "sbatch -C 'gpu&ib' ran on node2, the node with both" test "$(cat "$A/gpu.out" 2>/dev/null)" = "on node2"
check "qsub -l nodes=1:gpu ran on node2" test "$(cat "$A/pgpu.o${PGPU%%.*}" 2>/dev/null)" = node2
check "sinfo -o '%N %f' lists the nodes by their features" \
  test "$(as "$ALICE" "$B/sinfo" -h -p batch -o '%N %f' | tr '\n' ';')" = "node[1,3] (null);node2 gpu,ib;"
GRES="$(as "$ALICE" "$B/sbatch" --parsable --gres=gpu:2 -o gres.out --wrap 'echo "on $SLURM_JOB_NODELIST cuda=$CUDA_VISIBLE_DEVICES"')"
check "squeue -o %b shows the GPUs a job asks for" test "$(as "$ALICE" "$B/squeue" -h -t all -j "$GRES" -o %b)" = "gres/gpu:2"
wait_until 60 'finished "$GRES"'
check "sbatch --gres=gpu:2 ran on node3, the node with two GPUs, and saw them" \
  test "$(cat "$A/gres.out" 2>/dev/null)" = "on node3 cuda=0,1"
check "sinfo -o '%N %G' lists the nodes by their GPUs" \
  test "$(as "$ALICE" "$B/sinfo" -h -p batch -o '%N %G' | tr '\n' ';')" = "node[1-2] (null);node3 gpu:2;"
out="$(as "$ALICE" "$B/sbatch" --gres=gpu:3 --wrap true 2>&1)"; status=$?
check "sbatch --gres=gpu:3 (no node has three): exit 2, saying so" \
  test "$status" -eq 2 -a -n "$(grep -- '--gres/--gpus: only 0 node(s) have 1 or more slots, 3 or more GPUs' <<<"$out")"
out="$(as "$ALICE" "$B/sbatch" -C bigmem --wrap true 2>&1)"; status=$?
check "sbatch -C bigmem (no node has it): exit 2, saying so" \
  test "$status" -eq 2 -a -n "$(grep -- '--constraint: only 0 node(s) have 1 or more slots, feature(s) bigmem' <<<"$out")"

# 3f. --signal: USR1 eight seconds before a ten-second limit reaches the script's shell (B:), whose trap saves its
# work and ends the job well before the kill; without B: the script's children get it too.
script signal.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --time=0:10
#SBATCH --signal=B:USR1@8
#SBATCH --output=signal.out
trap 'echo "caught USR1"; exit 0' USR1
echo started
i=0
while [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
echo "not signalled"
SCRIPT
SIG="$(as "$ALICE" "$B/sbatch" --parsable signal.sh)"
wait_until 60 'finished "$SIG"'
check "sbatch --time=0:10 --signal=B:USR1@8: the script's trap ran and the job completed (exit 0) before its limit" \
  test "$(cat "$A/signal.out" 2>/dev/null | tr '\n' ' ')" = "started caught USR1 " \
  -a -n "$(as "$ALICE" "$B/scontrol" show job "$SIG" | grep '^   JobState=COMPLETED ')" \
  -a -n "$(as "$ALICE" "$B/scontrol" show job "$SIG" | grep ' ExitCode=0:0$')"
WHOLE="$(as "$ALICE" "$B/sbatch" --parsable --time=0:10 --signal=USR2@8 -o whole.out --wrap 'trap "echo shell got USR2" USR2; sleep 30; echo "sleep ended: $?"')"
wait_until 60 'finished "$WHOLE"'
check "... --signal=USR2@8 (no B:): the shell and its child both got it (the sleep ended by the signal, 140)" \
  test "$(grep -cxE 'shell got USR2|sleep ended: 140' "$A/whole.out" 2>/dev/null)" -eq 2

# 4. An MPI-style shape: -N 3 --ntasks-per-node=2.
script mpi.sh <<'SCRIPT'
#!/bin/sh
#SBATCH -N 3
#SBATCH --ntasks-per-node=2
#SBATCH -o mpi.out
echo "ntasks=$SLURM_NTASKS nodes=$SLURM_JOB_NUM_NODES list=$SLURM_JOB_NODELIST tpn=$SLURM_TASKS_PER_NODE cpus=$SLURM_CPUS_ON_NODE np=$PBS_NP slots=$(wc -l <"$PBS_NODEFILE")"
SCRIPT
ID="$(as "$ALICE" "$B/sbatch" --parsable mpi.sh)"; as "$ALICE" "$B/sssjob" wait --quiet "$ID"
check "-N 3 --ntasks-per-node=2: 6 tasks, node[1-3], 2(x3)" test "$(cat "$A/mpi.out" 2>/dev/null)" = "ntasks=6 nodes=3 list=node[1-3] tpn=2(x3) cpus=2 np=6 slots=6"

# 5. -n alone: as few nodes as hold the tasks (two slots each), tasks spread evenly.
script ntasks.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --ntasks=5
#SBATCH --output=ntasks-%x.out
echo "ntasks=$SLURM_NTASKS nnodes=$SLURM_NNODES tpn=$SLURM_TASKS_PER_NODE list=$SLURM_NODELIST"
SCRIPT
ID="$(as "$ALICE" "$B/sbatch" --parsable ntasks.sh)"; as "$ALICE" "$B/sssjob" wait --quiet "$ID"
check "-n 5 on nodes of 2 slots: 3 nodes, 2(x2),1" test "$(cat "$A/ntasks-ntasks.sh.out" 2>/dev/null)" = "ntasks=5 nnodes=3 tpn=2(x2),1 list=node[1-3]"

# 6. -n with -c: tasks of two cpus each.
script cpus.sh <<'SCRIPT'
#!/bin/sh
#SBATCH -n 2
#SBATCH --cpus-per-task=2
#SBATCH -o cpus.out
echo "ntasks=$SLURM_NTASKS cpt=$SLURM_CPUS_PER_TASK nnodes=$SLURM_NNODES cpus=$SLURM_CPUS_ON_NODE"
SCRIPT
ID="$(as "$ALICE" "$B/sbatch" --parsable cpus.sh)"; as "$ALICE" "$B/sssjob" wait --quiet "$ID"
check "-n 2 -c 2 on nodes of 2 slots: 2 nodes of one task each" test "$(cat "$A/cpus.out" 2>/dev/null)" = "ntasks=2 cpt=2 nnodes=2 cpus=2"

# 7. --wrap: sbatch makes the script.
ID="$(as "$ALICE" "$B/sbatch" --parsable --wrap='echo "wrapped as $SLURM_JOB_NAME by $(id -un)"')"
as "$ALICE" "$B/sssjob" wait --quiet "$ID"; status=$?
check "--wrap ran the command in a generated script, named wrap, into slurm-%j.out" \
  test "$status" -eq 0 -a "$(cat "$A/slurm-$ID.out" 2>/dev/null)" = "wrapped as wrap by $ALICE"

# 8. Dependencies: afterok waits for the first job; afternotok runs after a failure.
script first.sh <<'SCRIPT'
#!/bin/sh
#SBATCH -o first.out
sleep 2
echo done >stage1
SCRIPT
script second.sh <<'SCRIPT'
#!/bin/sh
#SBATCH -o second.out
echo "saw=$(cat stage1)"
SCRIPT
FIRST="$(as "$ALICE" "$B/sbatch" --parsable first.sh)"
SECOND="$(as "$ALICE" "$B/sbatch" --parsable --dependency=afterok:"$FIRST" second.sh)"
out="$(as "$ALICE" "$B/squeue" -h -j "$SECOND" -o '%i %t %r')"
check "squeue: the dependent job is pending for its dependency" test "$out" = "$SECOND PD Dependency"
as "$ALICE" "$B/sssjob" wait --quiet "$SECOND"
check "afterok: the second job ran after the first had written its file" test "$(cat "$A/second.out" 2>/dev/null)" = "saw=done"
FAILING="$(as "$ALICE" "$B/sbatch" --parsable --wrap='exit 3')"
RESCUE="$(as "$ALICE" "$B/sbatch" --parsable -o rescue.out --dependency=afternotok:"$FAILING" --wrap='echo rescued')"
as "$ALICE" "$B/sssjob" wait --quiet "$RESCUE"
check "afternotok: the rescue job ran after the failure" test "$(cat "$A/rescue.out" 2>/dev/null)" = "rescued"
# after (once the job has started) and singleton (once the earlier job of the same name has ended).
ONE="$(as "$ALICE" "$B/sbatch" --parsable -J single -o single1.out --wrap 'until [ -e single.go ]; do sleep 0.1; done; echo one')"
TWO="$(as "$ALICE" "$B/sbatch" --parsable -J single -d singleton -o single2.out --wrap 'echo two')"
AFTER="$(as "$ALICE" "$B/sbatch" --parsable -d after:"$ONE" -o after.out --wrap 'echo after')"
wait_until 60 'finished "$AFTER"'
check "--dependency=after:ID ran once ID had started, while it still runs" \
  test "$(cat "$A/after.out" 2>/dev/null)" = "after" -a -n "$(as "$ALICE" "$B/squeue" -h -j "$ONE" -t R)"
check "--dependency=singleton waits (Dependency) while the earlier job of its name runs" \
  test "$(as "$ALICE" "$B/squeue" -h -j "$TWO" -o '%t %r')" = "PD Dependency"
touch "$A/single.go"
wait_until 60 'finished "$TWO"'
check "... and runs once it has ended" test "$(cat "$A/single1.out" "$A/single2.out" 2>/dev/null | tr '\n' ' ')" = "one two "
# --begin: the job waits (BeginTime) until then, then runs.
LATER="$(as "$ALICE" "$B/sbatch" --parsable --begin=now+4 -o later.out --wrap 'echo began')"
check "--begin=now+4: pending with the reason BeginTime" test "$(as "$ALICE" "$B/squeue" -h -j "$LATER" -o '%t %r')" = "PD BeginTime"
wait_until 60 'finished "$LATER"'
times="$(as "$ALICE" "$B/sacct" -n -P -j "$LATER" -o Submit,Start)"
waited=$(( $(date -d "${times#*|}" +%s) - $(date -d "${times%|*}" +%s) ))
check "... and ran once its time had come (started ${waited} s after its submission)" \
  test "$(cat "$A/later.out" 2>/dev/null)" = "began" -a "$waited" -ge 3
# sacct: the completed jobs from the accounting records, the pending ones from the queue.
PENDING="$(as "$ALICE" "$B/sbatch" --parsable -H --wrap true)"
out="$(as "$ALICE" "$B/sacct" -n -P -j "$FAILING,$RESCUE,$PENDING" -o JobID,State,ExitCode)"
check "sacct -j -P: FAILED 3:0, COMPLETED 0:0 and PENDING, one line each" \
  test "$(tr '\n' ' ' <<<"$out")" = "$FAILING|FAILED|3:0 $RESCUE|COMPLETED|0:0 $PENDING|PENDING|0:0 "
out="$(as "$ALICE" "$B/sacct")"
check "sacct: Slurm's default header, and today's jobs" \
  test "$(head -1 <<<"$out" | tr -s ' ')" = "JobID JobName Partition Account AllocCPUS State ExitCode " \
  -a -n "$(grep -E "^$RESCUE +wrap +batch +1 +COMPLETED +0:0 \$" <<<"$out")"
check "sacct as $BOB shows none of $ALICE's jobs" test -z "$(as "$BOB" "$B/sacct" -n -j "$FAILING")"
as "$ALICE" "$B/sacct" -o JobID,CPUTimeRAW >/dev/null 2>&1; status=$?
check "sacct -o with a field it cannot show: exit 2" test "$status" -eq 2
as "$ALICE" "$B/scancel" "$PENDING"

# 9. --export: ALL by default, NONE, or a list.
script env.sh <<'SCRIPT'
#!/bin/sh
echo "greeting=${GREETING:-unset} only=${ONLY:-unset}"
SCRIPT
ID1="$(as "$ALICE" env GREETING=hi "$B/sbatch" --parsable -o env-all.out env.sh)"
ID2="$(as "$ALICE" env GREETING=hi "$B/sbatch" --parsable -o env-none.out --export=NONE env.sh)"
ID3="$(as "$ALICE" env GREETING=hi "$B/sbatch" --parsable -o env-list.out --export=ONLY=1 env.sh)"
for id in "$ID1" "$ID2" "$ID3"; do as "$ALICE" "$B/sssjob" wait --quiet "$id"; done
check "--export default (ALL) carries the environment" test "$(cat "$A/env-all.out" 2>/dev/null)" = "greeting=hi only=unset"
check "--export=NONE carries none of it" test "$(cat "$A/env-none.out" 2>/dev/null)" = "greeting=unset only=unset"
check "--export=ONLY=1 carries that variable only" test "$(cat "$A/env-list.out" 2>/dev/null)" = "greeting=unset only=1"

# 10. -D, --mem, separate -e, %x and %u, and the script's arguments.
mkdir -p "$A/run" && chown "$ALICE" "$A/run"
script mem.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --job-name=memjob
#SBATCH --chdir=run
#SBATCH --mem=100M
#SBATCH --output=out-%x-%u.txt
#SBATCH --error=err-%x.txt
echo "pwd=$(pwd) submit=$SLURM_SUBMIT_DIR args=$#:$1:$2"
echo oops >&2
SCRIPT
ID="$(as "$ALICE" "$B/sbatch" --parsable mem.sh one 'two words')"
as "$ALICE" "$B/sssjob" wait --quiet "$ID"
check "-D: the job ran in run/, its output there, named by %x and %u" \
  test "$(cat "$A/run/out-memjob-$ALICE.txt" 2>/dev/null)" = "pwd=$A/run submit=$A args=2:one:two words"
check "-e: standard error apart, in err-%x.txt" test "$(cat "$A/run/err-memjob.txt" 2>/dev/null)" = "oops"
check "--mem=100M is the job's memory limit (qstat -f)" \
  grep -q "Resource_List.mem = 102400kb" <<<"$(as "$ALICE" "$B/qstat" -f -x "$ID")"

# sbatch -W waits and returns the job's exit status; stderr joins the output unless -e.
as "$ALICE" "$B/sbatch" -W -o waited.out --wrap='echo out; echo err >&2; exit 4' >/dev/null; status=$?
check "sbatch -W exits with the job's exit status (4)" test "$status" -eq 4
check "... and without -e standard error is joined to the output" test "$(cat "$A/waited.out" 2>/dev/null | sort | tr '\n' ' ')" = "err out "

# squeue and scancel on running and pending jobs, sbatch's and qsub's alike.
script long.sh <<'SCRIPT'
#!/bin/sh
#SBATCH --job-name=long
#SBATCH -o long.out
trap 'echo got-usr1; exit 0' USR1
echo started
sleep 60 &
wait
SCRIPT
LONG="$(as "$ALICE" "$B/sbatch" --parsable long.sh)"
HELD="$(as "$ALICE" "$B/sbatch" --parsable --hold -J held -p short --wrap='true')"
printf '#!/bin/sh\n#PBS -N pbsjob\nsleep 60\n' >"$A/pbs.sh" && chown "$ALICE" "$A/pbs.sh"
PBS="$(as "$ALICE" "$B/qsub" pbs.sh)"; PBS="${PBS%%.*}"
BIGARRAY="$(as "$ALICE" "$B/sbatch" --parsable -a 1-3 -o /dev/null --wrap='sleep 60')"
wait_until 30 '[ "$(as "$ALICE" "$B/squeue" -h -t R -j "$LONG,$PBS" | wc -l)" -eq 2 ]'
out="$(as "$ALICE" "$B/squeue")"
check "squeue: Slurm's default header" test "$(head -1 <<<"$out" | tr -s ' ' | sed 's/^ //')" = "JOBID PARTITION NAME USER ST TIME NODES NODELIST(REASON)"
check "squeue: the running sbatch job, R on one node" grep -qE "^ +$LONG +batch +long +sssl-ali +R +[0-9]+:[0-9]{2} +1 node[123]$" <<<"$out"
check "squeue: the qsub'd job beside it" grep -qE "^ +$PBS +batch +pbsjob +sssl-ali +R " <<<"$out"
check "squeue: the held job, PD (JobHeldUser)" grep -qE "^ +$HELD +short +held +sssl-ali +PD +0:00 +1 \(JobHeldUser\)$" <<<"$out"
check "squeue: array elements as ID_INDEX" test "$(grep -cE "^ +${BIGARRAY}_[123] " <<<"$out")" -eq 3
check "squeue -t PD lists the pending jobs only" test "$(as "$ALICE" "$B/squeue" -h -t PD -o %i | grep -c "^$HELD$")" -eq 1 -a -z "$(as "$ALICE" "$B/squeue" -h -t PD -o %i | grep -x "$LONG")"
check "squeue -u alice -o: fields as asked" test "$(as "$ALICE" "$B/squeue" -h -u "$ALICE" -j "$LONG" -o '%i|%j|%u|%T|%P|%D|%C|%l|%A|%a')" = "$LONG|long|$ALICE|RUNNING|batch|1|1|1:00:00|$LONG|(null)"
check "squeue --me -p short: the held job" test "$(as "$ALICE" "$B/squeue" --me -h -p short -o %i)" = "$HELD"
check "squeue -o with widths: %.10i right-justified, %5j padded" test "$(as "$ALICE" "$B/squeue" -h -j "$LONG" -o '%.10i|%5j|')" = "$(printf '%10s' "$LONG")|long |"
check "squeue as bob shows none of alice's jobs" test -z "$(as "$BOB" "$B/squeue" -h)"
LONGNODE="$(as "$ALICE" "$B/squeue" -h -j "$LONG" -o %N)"
check "squeue -n NAME, -w NODE, -A ACCOUNT: the jobs so named, on that node, of that account" \
  test "$(as "$ALICE" "$B/squeue" -h -n held,nosuch -o %i)" = "$HELD" \
  -a -n "$(as "$ALICE" "$B/squeue" -h -w "$LONGNODE" -o %i | grep -x "$LONG")" \
  -a -z "$(as "$ALICE" "$B/squeue" -h -w "$LONGNODE" -o %i | grep -x "$HELD")" \
  -a -z "$(as "$ALICE" "$B/squeue" -h -A nosuch)"
out="$(as "$ALICE" "$B/squeue" -l -j "$LONG")"
check "squeue -l: the time, then Slurm's long header and STATE" \
  test "$(wc -l <<<"$out")" -eq 3 -a -n "$(head -1 <<<"$out" | grep -E '^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}$')" \
  -a "$(sed -n 2p <<<"$out" | tr -s ' ' | sed 's/^ //')" = "JOBID PARTITION NAME USER STATE TIME TIME_LIMI NODES NODELIST(REASON)" \
  -a -n "$(tail -1 <<<"$out" | grep -E " RUNNING ")"
check "squeue --start: pending jobs only, with START_TIME" \
  test "$(as "$ALICE" "$B/squeue" --start | head -1 | tr -s ' ' | sed 's/^ //')" = "JOBID PARTITION NAME USER ST START_TIME NODES NODELIST(REASON)" \
  -a -n "$(as "$ALICE" "$B/squeue" --start -h -o %i | grep -x "$HELD")" -a -z "$(as "$ALICE" "$B/squeue" --start -h -o %i | grep -x "$LONG")"
check "squeue -O JobID:12,Name:.6,State: fields padded as asked" \
  test "$(as "$ALICE" "$B/squeue" -h -j "$HELD" -O JobID:12,Name:.6,State)" = "$(printf '%-12s%6s%s' "$HELD" held PENDING)"
err="$(as "$ALICE" "$B/squeue" -O JobID,Bogus 2>&1)"; status=$?
check "squeue -O with an unknown field: exit 2, naming it" test "$status" -eq 2 -a -n "$(grep 'field Bogus is not supported' <<<"$err")"
check "sinfo: with jobs running, some nodes are mix or alloc" test -n "$(as "$ALICE" "$B/sinfo" -h -p batch | grep -E ' (mix|alloc) ')"

# scontrol update: a pending job's fields, checked as sbatch's options; a running job's are fixed.
UPD="$(as "$ALICE" "$B/sbatch" --parsable --hold -J upd -p short --wrap='true')"
as "$ALICE" "$B/scontrol" update JobId="$UPD" TimeLimit=0:30 JobName=renamed qos=debug Requeue=0; status=$?
check "scontrol update JobId TimeLimit JobName QOS Requeue: exit 0, each changed" \
  test "$status" -eq 0 -a "$(as "$ALICE" "$B/squeue" -h -j "$UPD" -o '%j %l %q')" = "renamed 0:30 debug" \
  -a -n "$(as "$ALICE" "$B/scontrol" show job "$UPD" | grep 'Requeue=0')"
err="$(as "$ALICE" "$B/scontrol" update JobId="$UPD" TimeLimit=5 2>&1)"; status=$?
check "scontrol update TimeLimit over the partition's: exit 2, saying so" \
  test "$status" -eq 2 -a "$err" = "scontrol: error: job $UPD: --time=00:05:00: queue short allows at most 00:01:00"
as "$ALICE" "$B/scontrol" update JobId="$UPD" QOS= Account=proj; status=$?
check "scontrol update QOS= (empty): the default QOS again" \
  test "$status" -eq 0 -a "$(as "$ALICE" "$B/squeue" -h -j "$UPD" -o '%q %a')" = "normal proj"
err="$(as "$ALICE" "$B/scontrol" update JobId="$UPD" NumNodes=2 2>&1)"; status=$?
check "scontrol update NumNodes: exit 2, naming the key" test "$status" -eq 2 -a -n "$(grep 'NumNodes cannot be updated here' <<<"$err")"
wait_until 10 'grep -q started "$A/long.out" 2>/dev/null'
err="$(as "$ALICE" "$B/scontrol" update JobId="$LONG" JobName=x 2>&1)"; status=$?
check "scontrol update of a running job's name: exit 1, no longer pending" test "$status" -eq 1 -a -n "$(grep 'no longer pending' <<<"$err")"
as "$ALICE" "$B/scontrol" update JobId="$LONG" TimeLimit=50; status=$?
check "scontrol update of a running job's TimeLimit downward by its owner: exit 0, squeue shows it" \
  test "$status" -eq 0 -a "$(as "$ALICE" "$B/squeue" -h -j "$LONG" -o %l)" = "50:00"
err="$(as "$ALICE" "$B/scontrol" update JobId="$LONG" TimeLimit=55 2>&1)"; status=$?
check "... upward by its owner: exit 1, only an administrator; by root: exit 0" \
  test "$status" -eq 1 -a -n "$(grep 'only an administrator may raise' <<<"$err")" \
  -a "$(as "$ALICE" "$B/squeue" -h -j "$LONG" -o %l)" = "50:00" -a "$("$B/scontrol" update JobId="$LONG" TimeLimit=55; echo $?)" = 0 \
  -a "$(as "$ALICE" "$B/squeue" -h -j "$LONG" -o %l)" = "55:00"
err="$(as "$BOB" "$B/scontrol" update JobId="$UPD" TimeLimit=0:20 2>&1)"; status=$?
check "scontrol update of another's job: exit 1, Invalid job id" test "$status" -eq 1 -a -n "$(grep 'Invalid job id' <<<"$err")"
as "$ALICE" "$B/scancel" "$UPD"

wait_until 10 'grep -q started "$A/long.out" 2>/dev/null'
as "$ALICE" "$B/scancel" -s USR1 "$LONG"; status=$?
check "scancel -s USR1: exit 0" test "$status" -eq 0
wait_until 30 'grep -q got-usr1 "$A/long.out" 2>/dev/null'
check "... the script's trap got the signal" grep -q got-usr1 "$A/long.out"
as "$ALICE" "$B/scancel" "${BIGARRAY}_2"; status=$?
wait_until 20 '[ "$(as "$ALICE" "$B/squeue" -h -j "$BIGARRAY" | wc -l)" -eq 2 ]'
check "scancel ID_INDEX cancels that element only" test "$status" -eq 0 -a "$(as "$ALICE" "$B/squeue" -h -j "$BIGARRAY" -o %i | tr '\n' ' ')" = "${BIGARRAY}_1 ${BIGARRAY}_3 "
as "$ALICE" "$B/scancel" "$BIGARRAY"
wait_until 20 'finished "$BIGARRAY"'
check "scancel ID cancels the whole array" finished "$BIGARRAY"
check "squeue -t CA shows the cancelled elements" test "$(as "$ALICE" "$B/squeue" -h -t CA -j "$BIGARRAY" -o %t | sort -u)" = "CA"
as "$ALICE" "$B/scancel" "$PBS"; status=$?
wait_until 20 'finished "$PBS"'
check "scancel cancels the qsub'd job" test "$status" -eq 0 -a "$(as "$ALICE" "$B/qstat" -x "$PBS" | awk -v id="$PBS" '$1 ~ "^"id {print $5}')" = C
as "$ALICE" "$B/scancel" -n held; status=$?
wait_until 20 'finished "$HELD"'
held_gone() { [ "$status" -eq 0 ] && finished "$HELD"; }
check "scancel -n NAME cancels the held job" held_gone
as "$BOB" "$B/scancel" "$HELLO" 2>"$WORK/bob.err"; status=$?
check "bob's scancel of alice's job: exit 1, Invalid job id" test "$status" -eq 1 -a -n "$(grep 'Invalid job id specified' "$WORK/bob.err")"
as "$ALICE" "$B/scancel" "$HELLO" 2>"$WORK/done.err"; status=$?
check "scancel of a completed job: exit 1, already completed" test "$status" -eq 1 -a -n "$(grep 'already completing or completed' "$WORK/done.err")"
check "squeue -t CD,F shows the finished jobs' states" test "$(as "$ALICE" "$B/squeue" -h -t CD,F -j "$HELLO,$FAILING" -o '%i %t' | tr '\n' ' ')" = "$HELLO CD $FAILING F "

# --no-requeue: scontrol requeue refuses the running job, and scontrol show job says Requeue=0.
NORQ="$(as "$ALICE" "$B/sbatch" --parsable --no-requeue -o /dev/null --wrap='sleep 30')"
wait_until 30 '[ "$(as "$ALICE" "$B/squeue" -h -j "$NORQ" -o %t)" = R ]' || true
err="$(as "$ALICE" "$B/scontrol" requeue "$NORQ" 2>&1)"; status=$?
check "sbatch --no-requeue: scontrol requeue of it running is refused (exit 1), saying why" \
  test "$status" -eq 1 -a -n "$(grep 'not rerunnable' <<<"$err")"
check "... scontrol show job says Requeue=0, and it still runs" test -n "$(as "$ALICE" "$B/scontrol" show job "$NORQ" | grep -w 'Requeue=0')" \
  -a "$(as "$ALICE" "$B/squeue" -h -j "$NORQ" -o %t)" = R
as "$ALICE" "$B/scancel" "$NORQ"

# A quality of service: its priority, its limits, and where it shows.
Q1="$(as "$ALICE" "$B/sbatch" --parsable --qos=debug -o q1.out --wrap='echo "qos=$SLURM_JOB_QOS"; sleep 30')"
Q2="$(as "$ALICE" "$B/sbatch" --parsable -q debug --wrap='true')"
wait_until 20 '[ "$(as "$ALICE" "$B/squeue" -h -j "$Q1" -o %t)" = R ]'
wait_until 20 '[ "$(as "$ALICE" "$B/squeue" -h -j "$Q2" -o %r)" = QOSMaxJobsPerUserLimit ]'
check "sbatch --qos=debug (max-jobs-per-user 1): the first runs, the second waits as QOSMaxJobsPerUserLimit" \
  test "$(as "$ALICE" "$B/squeue" -h -j "$Q1,$Q2" -o '%i %q %t %r' | sort | tr '\n' ';')" = "$Q1 debug R None;$Q2 debug PD QOSMaxJobsPerUserLimit;"
wait_until 20 '[ -s "$A/q1.out" ]'
check "... the job sees SLURM_JOB_QOS=debug; scontrol shows QOS=debug; a job naming none has the default" \
  test "$(cat "$A/q1.out")" = qos=debug -a -n "$(as "$ALICE" "$B/scontrol" show job "$Q1" | grep -E '^   Priority=[0-9]+ QOS=debug$')" \
  -a "$(as "$ALICE" "$B/squeue" -h -t all -j "$NORQ" -o %q)" = normal
check "sssjob queues lists the QOS with their limits" \
  test -n "$(as "$ALICE" "$B/sssjob" queues | grep -E '^debug +00:10:00 +none +1 +100 +'"$ALICE"'$')"
as "$ALICE" "$B/scancel" "$Q1"
wait_until 20 'finished "$Q2"'
check "... the second runs once the first has ended; sacct shows its QOS" \
  test "$(as "$ALICE" "$B/sacct" -n -X -j "$Q2" -o State,QOS | tr -s ' ' | sed 's/^ //; s/ $//')" = "COMPLETED debug"

# A time limit: TIMEOUT.
TO="$(as "$ALICE" "$B/sbatch" --parsable -t 0:02 -o /dev/null --wrap='sleep 30')"
wait_until 40 'finished "$TO"'
check "-t 0:02: the job ends at its limit, TO in squeue" test "$(as "$ALICE" "$B/squeue" -h -t all -j "$TO" -o %T)" = TIMEOUT

# Refusals: by name, exit 2, nothing stored.
before="$(as "$ALICE" "$B/squeue" -h -t all | wc -l)"
err="$(as "$ALICE" "$B/sbatch" --licenses=matlab hello.sh 2>&1)"; status=$?
check "sbatch --licenses: exit 2, unrecognized option --licenses" test "$status" -eq 2 -a "$err" = "sbatch: unrecognized option --licenses"
printf '#!/bin/sh\n#SBATCH -J ok\n#SBATCH --licenses=matlab\necho\n' >"$A/excl.sh" && chown "$ALICE" "$A/excl.sh"
err="$(as "$ALICE" "$B/sbatch" excl.sh 2>&1)"; status=$?
check "#SBATCH --licenses=matlab: exit 2, naming the line" test "$status" -eq 2 -a "$err" = "sbatch: excl.sh:3: #SBATCH --licenses: unrecognized option"
printf '#!/bin/sh\n#SBATCH --qos=high\necho\n' >"$A/qos.sh" && chown "$ALICE" "$A/qos.sh"
err="$(as "$ALICE" "$B/sbatch" qos.sh 2>&1)"; status=$?
check "#SBATCH --qos=high (not configured): exit 2, naming the QOS there are" \
  test "$status" -eq 2 -a "$err" = "sbatch: --qos=high: unknown QOS (QOS: normal, debug)"
err="$(as "$BOB" "$B/sbatch" -q debug --wrap=true 2>&1)"; status=$?
check "sbatch -q debug by bob (debug admits alice only): exit 1, saying so" \
  test "$status" -eq 1 -a "$err" = "sbatch: --qos=debug: the QOS does not admit user $BOB"
err="$(as "$ALICE" "$B/sbatch" -q debug -t 20 --wrap=true 2>&1)"; status=$?
check "sbatch -q debug -t 20 (debug allows 10 minutes): exit 2, saying so" \
  test "$status" -eq 2 -a "$err" = "sbatch: --time=00:20:00: QOS debug allows at most 00:10:00"
err="$(as "$ALICE" "$B/sbatch" --array=1-10%0 hello.sh 2>&1)"; status=$?
check "--array=1-10%0: exit 2, the limit after % must be at least 1" test "$status" -eq 2 -a -n "$(grep 'at least 1' <<<"$err")"
err="$(as "$ALICE" "$B/sbatch" -p short -N 2 hello.sh 2>&1)"; status=$?
check "-p short -N 2 (short allows one node): exit 2" test "$status" -eq 2
check "nothing was stored by the refusals" test "$(as "$ALICE" "$B/squeue" -h -t all | wc -l)" -eq "$before"
"$B/squeue" --bogus >/dev/null 2>&1; status=$?
check "squeue --bogus: exit 2" test "$status" -eq 2
"$B/squeue" -o '%Z' >/dev/null 2>&1; status=$?
check "squeue -o %Z: exit 2" test "$status" -eq 2
for face in sbatch squeue scancel scontrol sacct sinfo; do
  check "$face --help prints its usage" grep -q "^usage: $face" <<<"$("$B/$face" --help)"
done

"$B/sss" stop >/dev/null 2>&1
summary "slurm faces"
