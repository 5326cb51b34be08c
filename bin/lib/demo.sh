# bin/sss demo: the whole suite on this machine for one job, then gone. Sourced by bin/sss (common.sh and
# generate_key loaded). The embedded default (etc/sss.xml: a ring of four mpds, node1..node4 on 127.0.0.2-5, and every
# component) started from a copy under $SSS_VAR/demo, one PBS job that runs an MPI program over the four nodes
# (Debian's mpicc builds it; without mpicc, ranks that print the same line), its progress and output, then
# everything stopped. Exit status: the job's, or 1 when the suite could not be started.

demo_say() {
  echo "demo: $*"
}

cmd_demo() {
  [ $# -eq 0 ] || SSS_DIE_STATUS=2 sss_die "demo takes no arguments"
  sss_find_java
  sss_ensure_built
  local demo="$SSS_VAR/demo" status=0 root_ok=false
  rm -rf "$demo"
  mkdir -p "$demo/etc" "$demo/var/keys" "$demo/work"
  chmod 700 "$demo/var/keys"
  DEMO_DIR="$demo"
  trap demo_cleanup EXIT
  [ "$(id -u)" -eq 0 ] && root_ok=true
  # The embedded default (etc/sss.xml) as shipped, in a directory of its own: its fixed ports moved to free ones so
  # that a suite already running here is left alone, and jobs allowed to run as root when the demo runs as root.
  sed -e "s/port=\"7700\"/port=\"$(demo_free_port)\"/" -e 's/port="7701"/port="0"/' \
      -e "s/dashboard-port=\"7780\"/dashboard-port=\"$(demo_free_port)\"/" -e "s/:7710/:$(demo_free_port)/g" \
      -e "s/<process-manager /<process-manager allow-root=\"$root_ok\" /" -e 's/cluster="local"/cluster="demo"/' \
      "$SSS_HOME/etc/sss.xml" >"$demo/etc/sss.xml"
  generate_key "$demo/var/keys/suite.key" >/dev/null
  generate_key "$demo/var/keys/admin.key" >/dev/null
  generate_key "$demo/var/keys/viewer.key" >/dev/null
  demo_say "starting the suite and a ring of four mpds, node1..node4 on 127.0.0.2-127.0.0.5 (configuration: $demo/etc/sss.xml)"
  SSS_VAR="$demo/var" SSS_CONFIG="$demo/etc/sss.xml" "$SSS_HOME/bin/sss" start | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1

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
    port=$((20000 + RANDOM % 12000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

demo_cleanup() {
  [ -n "${DEMO_DIR:-}" ] || return 0
  SSS_VAR="$DEMO_DIR/var" SSS_CONFIG="$DEMO_DIR/etc/sss.xml" "$SSS_HOME/bin/sss" stop >/dev/null 2>&1 || true
  return 0
}
