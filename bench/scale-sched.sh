# bench/scale.sh's node state manager and scheduler part (sourced by it; uses its WORK, ROOT, OUT, MPD_CONF_FILE and
# bin/lib/members.sh's ring): the suite (service directory, event manager, process, queue and node state managers,
# scheduler at log level debug) over the running ring of N members, with the N members configured as nodes
# scale-1..scale-N, one slot each. Measures:
#   nsm_up_ms        from `bin/sss start` returning until sssadmin lists every node up
#   pass_full_ms     the scheduler's periodic pass (median of 5, its debug log: read N node states, plan, explain)
#                    while one job waits that needs all N nodes (one is drained)
#   death_nsm_ms     from crashing a member (as a host crashes) until the node state manager logs the node down
#   death_sched_ms   ... until the scheduler's node view has it down (its debug log: the next pass avoids it)
#   death_pass_ms    ... until the end of the first pass after that (the plan no longer counts the node)
#   death_status_ms  ... until `sssjob status` of the waiting job says one node fewer is usable (the reasons are
#                    sent at most once a second; polled with sssjob, itself a JVM start)
# Writes sched-N.tsv beside results.tsv.

sched_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# log_ms FILE PATTERN: the time (epoch ms) of the first line of FILE matching PATTERN (an ERE), or nothing
log_ms() {
  grep -m 1 -E "$2" "$1" 2>/dev/null | awk '{print $1}' | python3 -c '
import sys, datetime
for line in sys.stdin:
    print(int(datetime.datetime.fromisoformat(line.strip()).timestamp() * 1000))'
}

sched_measure() {
  local n="$1" dir="$WORK/suite" t0 nodes victim job log_dir
  local nsm_up="n/a" pass="n/a" d_nsm="n/a" d_sched="n/a" d_pass="n/a" d_status="n/a"
  echo; echo "== node state manager and scheduler over the ring of $n members"
  rm -rf "$dir"; mkdir -p "$dir/etc"
  export SSS_VAR="$dir/var" SSS_CONFIG="$dir/etc/sss.xml"
  log_dir="$SSS_VAR/log"
  nodes="$(for k in $(seq "$n"); do printf '<node name="scale-%d" slots="1"/>' "$k"; done)"
  local extra="  <ring secret=\"$MPD_CONF_FILE\"><mpd address=\"$(cat "$WORK/ring/console")\"/></ring>
  <process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>
  <node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.5\"/>
  <queue-manager host=\"127.0.0.1\" port=\"0\"><queue name=\"batch\" default=\"true\"/></queue-manager>
  <scheduler host=\"127.0.0.1\" port=\"0\" interval=\"1\" log-level=\"debug\"/>
  <nodes>$nodes</nodes>"
  sed -e "s/port=\"7700\"/port=\"$(sched_free_port)\"/" -e 's/port="7701"/port="0"/' "$ROOT/etc/minimal.xml" \
    | python3 -c 'import sys; print(sys.stdin.read().replace("</sss>", sys.argv[1] + "\n</sss>"))' "$extra" >"$SSS_CONFIG"
  "$ROOT/bin/sss" keygen "$SSS_VAR/keys/suite.key" "$SSS_VAR/keys/admin.key" >/dev/null
  SSS_JVM_OPTIONS="" "$ROOT/bin/sss" start >"$dir/start.out" 2>&1 || { cat "$dir/start.out"; return 1; }
  t0="$(now_ms)"
  if wait_until 180 '[ "$("$ROOT/bin/sssadmin" nodes 2>/dev/null | grep -cE "^scale-[0-9]+ +up ")" -eq "$n" ]'; then
    nsm_up=$(( $(now_ms) - t0 ))
  fi
  echo "  node state manager: all $n nodes up $nsm_up ms after bin/sss start"
  "$ROOT/bin/sssadmin" drain scale-2 --reason "bench: one node out" >/dev/null
  printf '#!/bin/sh\n#PBS -l nodes=%d\n#PBS -l walltime=00:01:00\ntrue\n' "$n" >"$dir/wide.sh"
  job="$(cd "$dir" && "$ROOT/bin/sssjob" submit "$dir/wide.sh")"
  wait_until 60 '"$ROOT/bin/sssjob" status "$job" | grep -q "$((n - 1)) usable"' \
    || echo "  the job needing $n nodes does not say $((n - 1)) usable: $("$ROOT/bin/sssjob" status "$job" | tail -n 2)"
  local passes_before
  passes_before="$(grep -c "full pass took" "$log_dir/scheduler.log")"
  wait_until 30 '[ "$(grep -c "full pass took" "$log_dir/scheduler.log")" -ge $((passes_before + 5)) ]'
  pass="$(grep "full pass took" "$log_dir/scheduler.log" | tail -n 5 | awk '{for (i = 1; i < NF; i++) if ($i == "took") print $(i + 1) / 1000}' | xargs python3 -c 'import sys, statistics; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.1f}" if v else "n/a")')"
  echo "  scheduler: a full pass over $n nodes with the wide job waiting: median $pass ms ($(grep "full pass took" "$log_dir/scheduler.log" | tail -n 1 | cut -d' ' -f3-))"

  victim="scale-$((n / 2))"
  local nsm_lines sched_lines
  nsm_lines="$(wc -l <"$log_dir/node-state-manager.log")"; sched_lines="$(wc -l <"$log_dir/scheduler.log")"
  tail -n +$((nsm_lines + 1)) -f "$log_dir/node-state-manager.log" >"$dir/nsm-after.log" 2>/dev/null &
  local tail_nsm=$!
  tail -n +$((sched_lines + 1)) -f "$log_dir/scheduler.log" >"$dir/sched-after.log" 2>/dev/null &
  local tail_sched=$!
  t0="$(now_ms)"
  members_ask 30 "crash $victim" >/dev/null
  wait_until 60 '"$ROOT/bin/sssjob" status "$job" | grep -q "$((n - 2)) usable"' && d_status=$(( $(now_ms) - t0 ))
  kill "$tail_nsm" "$tail_sched" 2>/dev/null
  local at
  at="$(log_ms "$dir/nsm-after.log" "node $victim down")"; [ -n "$at" ] && d_nsm=$((at - t0))
  at="$(log_ms "$dir/sched-after.log" "node $victim is down")"
  if [ -n "$at" ]; then
    d_sched=$((at - t0))
    local pass_at
    pass_at="$(grep -A 100000 -E "node $victim is down" "$dir/sched-after.log" | grep -m 1 "pass took" | awk '{print $1}' \
      | python3 -c 'import sys, datetime; [print(int(datetime.datetime.fromisoformat(l.strip()).timestamp() * 1000)) for l in sys.stdin]')"
    [ -n "$pass_at" ] && d_pass=$((pass_at - t0))
  fi
  echo "  crash of $victim: node state manager has it down after $d_nsm ms, the scheduler's view after $d_sched ms,"
  echo "    a pass without it ends after $d_pass ms; sssjob status counts one node fewer after $d_status ms"
  "$ROOT/bin/qdel" "$job" >/dev/null 2>&1 || true
  "$ROOT/bin/sss" stop >/dev/null 2>&1 || true
  cp -r "$log_dir" "$OUT/suite-logs-$n" 2>/dev/null || true
  printf 'members\tnsm_up_ms\tpass_full_ms\tdeath_nsm_ms\tdeath_sched_ms\tdeath_pass_ms\tdeath_status_ms\n%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$n" "$nsm_up" "$pass" "$d_nsm" "$d_sched" "$d_pass" "$d_status" >"$OUT/sched-$n.tsv"
  unset SSS_VAR SSS_CONFIG
}
