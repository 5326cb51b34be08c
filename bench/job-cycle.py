#!/usr/bin/env python3
"""bench/job-cycle.py VARDIR: where a node's time goes between two trivial jobs, from a suite's state kept by
`QM_BENCH_KEEP=1 bench/qm.sh` (VARDIR is a policy's var/ directory). For consecutive jobs A and B on one node: A's
group ends (the process manager's process-group-end), the queue manager records A's end (job-finished), B is
allocated the node (job-start), B's group ends. Then one job's way from its start to its end, step by step, from
the components' logs. Medians and 90th percentiles, in ms, from the events' and jobs' recorded times and the logs'
stamps (millisecond clocks of one machine)."""
import sqlite3, sys, re, statistics
var = sys.argv[1]
qm = sqlite3.connect(f"{var}/queue-manager.db")
em = sqlite3.connect(f"{var}/event-manager.db")
jobs = qm.execute("select id, allocated, started_ms, ended_ms, pgid from jobs where started_ms is not null and ended_ms is not null").fetchall()
pg_end, pg_start = {}, {}
for t, data in em.execute("select time_ms, xml from events where msg='process-group-end'"):
    m = re.search(r'pgid="([^"]+)"', data or "")
    if m: pg_end[m.group(1)] = t
fin = {}
for t, data in em.execute("select time_ms, xml from events where msg='job-finished'"):
    m = re.search(r'<job id="([^"]+)"', data or "") or re.search(r'id="([^"]+)"', data or "")
    if m: fin[m.group(1)] = t
bynode = {}
for id_, alloc, s, e, pgid in jobs:
    for node in alloc.split():
        bynode.setdefault(node, []).append((s, e, id_, pgid))
gaps = {"A pg end -> A finished (QM)": [], "A finished -> B allocated": [], "B allocated -> B pg end (launch+run)": [],
        "A pg end -> B allocated (node idle)": [], "cycle (B allocated - A allocated)": []}
for node, js in bynode.items():
    js.sort()
    for (sa, ea, ida, pa), (sb, eb, idb, pb) in zip(js, js[1:]):
        if pa in pg_end and ida in fin:
            gaps["A pg end -> A finished (QM)"].append(fin[ida] - pg_end[pa])
            gaps["A finished -> B allocated"].append(sb - fin[ida])
            gaps["A pg end -> B allocated (node idle)"].append(sb - pg_end[pa])
        if pb in pg_end:
            gaps["B allocated -> B pg end (launch+run)"].append(pg_end[pb] - sb)
        gaps["cycle (B allocated - A allocated)"].append(sb - sa)
for k, v in gaps.items():
    if v:
        v.sort()
        print(f"{k}: median {statistics.median(v):.1f} ms, p90 {v[int(len(v)*0.9)]:.1f} ms ({len(v)} pairs)")

# One job's way from its start to its end, from the components' logs (one line per event, millisecond stamps): the
# queue manager commits the start, the root mpd takes in the launch, the job's host makes its control group (after
# registering the job's PMIx namespace), removes it once the job has exited, the process manager records the end,
# the queue manager records the job complete.
import glob, datetime, os


def stamp(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


steps = {}


def note(job, step, ms):
    steps.setdefault(job, {}).setdefault(step, ms)


for id_, alloc, s, e, pgid in jobs:
    note(id_, "QM start committed", s)
logs = os.path.join(var, "log")
for path in glob.glob(os.path.join(logs, "mpd-*.log")):
    for line in open(path, errors="replace"):
        m = re.match(r"(\S+) INFO  mpd \S+: job (\d+)@\S+ (.*)", line)
        if not m:
            continue
        ms, job, rest = stamp(m.group(1)), m.group(2), m.group(3)
        if rest.startswith("(detached"):
            note(job, "root mpd takes the launch", ms)
        elif rest.startswith("control group") and " made" in rest:
            note(job, "control group made", ms)
        elif rest.startswith("control group") and " removed" in rest:
            note(job, "control group removed (job exited)", ms)
for name, pattern, step in (("process-manager", r"(\S+) INFO  process-manager: pg job-(\d+)-\d+ ended", "PM records the end"),
                            ("queue-manager", r"(\S+) INFO  queue-manager: job (\d+): completed", "QM records it complete")):
    path = os.path.join(logs, name + ".log")
    if os.path.exists(path):
        for line in open(path, errors="replace"):
            m = re.match(pattern, line)
            if m:
                note(m.group(2), step, stamp(m.group(1)))
order = ["QM start committed", "root mpd takes the launch", "control group made", "control group removed (job exited)",
         "PM records the end", "QM records it complete"]
print("one job's way (from the logs; a step a job lacks, e.g. no control group, is skipped):")
for a, b in zip(order, order[1:]):
    v = sorted(e[b] - e[a] for e in steps.values() if a in e and b in e)
    if v:
        print(f"  {a} -> {b}: median {statistics.median(v):.1f} ms, p90 {v[int(len(v)*0.9)]:.1f} ms ({len(v)} jobs)")
