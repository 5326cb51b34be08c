#!/usr/bin/env bash
# Section 3 of bench/qm.sh (trivial jobs end to end, 8 clients, CPU and exchanges per job by component) run by this
# checkout's benchmark against another checkout's embedded default, as that checkout ships it (its own placement and
# job path), with an HTTP port added to every component so that exchanges per job come from /metrics; events per
# job are counted in the event manager's log at the end. For before/after comparisons of the job's path:
#   git worktree add /tmp/old COMMIT && (cd /tmp/old && bin/sss build) && bench/qm-other.sh /tmp/old . 500 4
# Usage: bench/qm-other.sh OTHER_CHECKOUT THIS_CHECKOUT JOBS_PER_CLIENT ROUNDS   (JOBS_PER_CLIENT/5 jobs per client)
set -euo pipefail
OLD="$1" NEW="$2" JOBS="$3" ROUNDS="$4"
ROOT="$OLD"
source "$OLD/bin/lib/common.sh"
sss_find_java
WORK="$(mktemp -d /tmp/sss-before.XXXXXX)"; chmod 755 "$WORK"
source "$OLD/tests/lib.sh"
dir="$WORK/old"; mkdir -p "$dir/etc" "$dir/var/keys"; chmod 700 "$dir/var/keys"
declare -A HTTP
for c in service-directory event-manager process-manager node-state-manager queue-manager scheduler web; do HTTP[$c]=$(free_port); done
sed -e "s/port=\"7700\"/port=\"$(free_port)\"/" -e 's/port="7701"/port="0"/' -e 's/dashboard-port="7780"/dashboard-port="0"/' \
    -e "s/:7710/:$(free_port)/g" -e 's/127\.0\.0\.\([2-5]\):/127.0.0.17\1:/g' \
    "$OLD/etc/sss.xml" >"$dir/etc/sss.xml"
for c in "${!HTTP[@]}"; do
  sed -i "s/\(<$c host=\"127.0.0.1\" port=\"[0-9]*\"\)/\1 http-port=\"${HTTP[$c]}\"/" "$dir/etc/sss.xml"
done
sed -i 's/<process-manager /<process-manager allow-root="true" /' "$dir/etc/sss.xml"
export SSS_VAR="$dir/var" SSS_CONFIG="$dir/etc/sss.xml"
trap '"$OLD/bin/sss" stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT
"$OLD/bin/sss" keygen "$SSS_VAR/keys/suite.key" "$SSS_VAR/keys/admin.key" "$SSS_VAR/keys/viewer.key" >/dev/null
"$OLD/bin/sss" start >"$dir/start.log" || { cat "$dir/start.log"; exit 1; }
follow=()
for file in "$SSS_VAR"/run/*.pid; do follow+=(--cpu "$(basename "$file" .pid)=$(cat "$file")"); done
for c in "${!HTTP[@]}"; do follow+=(--metrics "$c=http://127.0.0.1:${HTTP[$c]}/metrics"); done
echo "old checkout $(cd "$OLD" && git rev-parse --short HEAD), benchmark from $(cd "$NEW" && git rev-parse --short HEAD)"
before=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$SSS_VAR/event-manager.db" 2>/dev/null || echo 0)
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$NEW/bench/target/classes:$NEW/bench/target/lib/*" org.sss.bench.JobThroughput \
  --socket "$SSS_VAR/run/queue-manager.sock" --workdir "$WORK" --clients 8 --jobs $((JOBS / 5)) --run --rounds "$ROUNDS" "${follow[@]}"
python3 - "$SSS_VAR/event-manager.db" "$((JOBS / 5 * 8 * ROUNDS))" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); jobs = int(sys.argv[2])
tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
t = 'events' if 'events' in tables else tables[0]
cols = [r[1] for r in db.execute(f"pragma table_info({t})")]
rows = db.execute(f"select msg, count(*) from {t} group by msg order by 2 desc").fetchall()
total = sum(n for _, n in rows)
print(f"events logged: {total} for {jobs} jobs = {total/jobs:.2f} per job: " + ", ".join(f"{m} {n/jobs:.2f}" for m, n in rows))
PY
