# bin/sss demo: the whole suite on this machine for one job, then gone. Sourced by bin/sss (common.sh loaded).
# A ring of four mpds (node1..node4 on 127.0.0.2-5), the directory, event manager, process manager, node state
# manager, queue manager and scheduler from a configuration written under $SSS_VAR/demo, one PBS job that runs an MPI
# program over the four nodes (Debian's mpicc builds it; without mpicc, ranks that print the same line), its
# progress and output, then everything stopped. Exit status: the job's, or 1 when the suite could not be started.

demo_say() {
  echo "demo: $*"
}

cmd_demo() {
  [ $# -eq 0 ] || SSS_DIE_STATUS=2 sss_die "demo takes no arguments"
  sss_find_java
  sss_ensure_built
  local demo="$SSS_VAR/demo" i status=0
  rm -rf "$demo"
  mkdir -p "$demo/etc" "$demo/var/keys" "$demo/var/log" "$demo/var/run" "$demo/work"
  chmod 700 "$demo/var/keys"
  DEMO_DIR="$demo"
  DEMO_MPDS=()
  trap demo_cleanup EXIT

  (umask 077 && echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$demo/var/keys/mpd.conf")
  demo_say "starting a ring of four mpds: node1..node4 on 127.0.0.2-127.0.0.5"
  "$SSS_HOME/bin/mpd" --host node1 --listen 127.0.0.2:0 --secret "$demo/var/keys/mpd.conf" \
    --console-file "$demo/var/run/console" --grace 2 >"$demo/var/log/mpd-node1.log" 2>&1 &
  DEMO_MPDS+=($!)
  for _ in $(seq 300); do [ -s "$demo/var/run/console" ] && break; sleep 0.1; done
  [ -s "$demo/var/run/console" ] || { demo_say "the first mpd did not start:"; cat "$demo/var/log/mpd-node1.log" >&2; return 1; }
  local console
  console="$(cat "$demo/var/run/console")"
  for i in 2 3 4; do
    "$SSS_HOME/bin/mpd" --host "node$i" --listen "127.0.0.$((i + 1)):0" --join "$console" \
      --secret "$demo/var/keys/mpd.conf" --grace 2 >"$demo/var/log/mpd-node$i.log" 2>&1 &
    DEMO_MPDS+=($!)
  done
  for _ in $(seq 300); do
    [ "$(MPD_CONF_FILE="$demo/var/keys/mpd.conf" "$SSS_HOME/bin/mpdtrace" --mpd "$console" 2>/dev/null | wc -l)" -eq 4 ] && break
    sleep 0.1
  done

  local port root_ok=false
  port="$(demo_free_port)"
  [ "$(id -u)" -eq 0 ] && root_ok=true
  local ring="mpds=\"$console\" mpd-secret=\"../var/keys/mpd.conf\""
  cat >"$demo/etc/sss.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by bin/sss demo: the whole suite on this machine, over a ring of four mpds. -->
<sss cluster="demo" var="../var">
  <security digest="hmac-sha256" client-key="suite">
    <key name="suite" file="../var/keys/suite.key" role="component"/>
    <key name="admin" file="../var/keys/admin.key" role="admin"/>
  </security>
  <service-directory host="127.0.0.1" port="$port"/>
  <event-manager host="127.0.0.1" port="0"/>
  <process-manager host="127.0.0.1" port="0" $ring kill-grace="2" allow-root="$root_ok"/>
  <node-state-manager host="127.0.0.1" port="0" $ring poll-interval="0.5"/>
  <queue-manager host="127.0.0.1" port="0"><queue name="batch" default="true" max-walltime="3600"/></queue-manager>
  <scheduler host="127.0.0.1" port="0" interval="1"/>
  <nodes>
    <node name="node1" slots="2"/><node name="node2" slots="2"/><node name="node3" slots="2"/><node name="node4" slots="2"/>
  </nodes>
</sss>
XML
  generate_key "$demo/var/keys/suite.key" >/dev/null
  generate_key "$demo/var/keys/admin.key" >/dev/null
  demo_say "starting the suite (configuration: $demo/etc/sss.xml)"
  SSS_VAR="$demo/var" SSS_CONFIG="$demo/etc/sss.xml" "$SSS_HOME/bin/sss" start | sed 's/^/  /' || return 1

  local program="./hello"
  if command -v mpicc >/dev/null 2>&1; then
    mpicc -O2 -o "$demo/work/hello" "$SSS_HOME/testkit/src/test/c/hello.c"
    demo_say "built an MPI program with mpicc: $SSS_HOME/testkit/src/test/c/hello.c"
  else
    program="sh -c 'echo \"hello from rank \$PMI_RANK of \$PMI_SIZE on \$(hostname) mpd=\$MPD_HOST\"'"
    demo_say "mpicc is missing (apt-get install mpich): the ranks print the same line without MPI"
  fi
  cat >"$demo/work/demo.sh" <<SCRIPT
#!/bin/sh
#PBS -N demo
#PBS -l nodes=4:ppn=1
#PBS -l walltime=00:05:00
#PBS -j oe
echo "job \$PBS_JOBID on \$(sort -u "\$PBS_NODEFILE" | tr '\n' ' ')"
$SSS_HOME/bin/mpiexec -n \$PBS_NP $program
SCRIPT
  local id
  id="$(cd "$demo/work" && SSS_QM_SOCKET="$demo/var/run/queue-manager.sock" "$SSS_HOME/bin/qsub" demo.sh)" || return 1
  demo_say "submitted $demo/work/demo.sh as job $id:"
  sed 's/^/  | /' "$demo/work/demo.sh"
  SSS_QM_SOCKET="$demo/var/run/queue-manager.sock" "$SSS_HOME/bin/sssjob" wait "${id%%.*}" || status=$?
  demo_say "its output ($demo/work/demo.o${id%%.*}):"
  sed 's/^/  /' "$demo/work/demo.o${id%%.*}" 2>/dev/null || true
  demo_say "stopping the suite and the ring"
  return "$status"
}

demo_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

demo_cleanup() {
  [ -n "${DEMO_DIR:-}" ] || return 0
  SSS_VAR="$DEMO_DIR/var" SSS_CONFIG="$DEMO_DIR/etc/sss.xml" "$SSS_HOME/bin/sss" stop >/dev/null 2>&1 || true
  local pid
  for pid in "${DEMO_MPDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
  for pid in "${DEMO_MPDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null; done
  return 0
}
