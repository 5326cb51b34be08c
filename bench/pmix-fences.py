#!/usr/bin/env python3
"""Reads the PMIx fence lines that bench/pmix.sh's mpds log at debug (PmixExchange: "job J: pmix fence N done here
US us after this host's ranks entered it") and prints, per fence number, the median over jobs of the longest and the
shortest wait among the job's hosts. Each wait is measured on one host's clock: the longest is the whole fence as
its first host saw it (the other hosts' ranks still starting, then the tree), the shortest is the host whose ranks
came in last: what the tree itself took, up to the root and back down.

  pmix-fences.py LOG...   (each log's lines after its first line number given as LOG:LINE)
"""
import collections
import re
import statistics
import sys

LINE = re.compile(r"job (\S+): pmix fence (\d+) done here (\d+) us after")
waits = collections.defaultdict(list)
for spec in sys.argv[1:]:
    path, _, start = spec.rpartition(":")
    with open(path) as f:
        for number, text in enumerate(f, 1):
            m = LINE.search(text) if number > int(start) else None
            if m:
                waits[(m.group(1), int(m.group(2)))].append(int(m.group(3)) / 1000)
by_fence = collections.defaultdict(list)
for (job, fence), ms in waits.items():
    by_fence[fence].append((max(ms), min(ms), len(ms), job))
for fence in sorted(by_fence):
    rows = by_fence[fence]
    print(f"  fence {fence} of each job: longest wait of a host {statistics.median(r[0] for r in rows):.1f} ms, "
          f"shortest {statistics.median(r[1] for r in rows):.1f} ms (medians over {len(rows)} jobs, "
          f"{statistics.median(r[2] for r in rows):.0f} hosts each)")
