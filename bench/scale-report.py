#!/usr/bin/env python3
"""Writes the results section of docs/SCALE.md from one bench/scale.sh output directory: the table of results.tsv,
the node state manager and scheduler rows (sched-N.tsv), the model (model.txt), and copies the plot to docs/scale.svg.
It replaces what lies between the "RESULTS" and "END RESULTS" comments, so a new run replaces the old figures.

  scale-report.py OUT_DIR COMMAND [NOTE]   (COMMAND: how the run was made; NOTE: anything about the machine's state)
"""
import csv
import glob
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "SCALE.md")


def cell(value, unit_factor=1.0, digits=0):
    try:
        v = float(value) * unit_factor
    except (TypeError, ValueError):
        return value or "n/a"
    return f"{v:,.{digits}f}"


def main(out, command, note):
    with open(os.path.join(out, "results.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    with open(os.path.join(out, "machine.txt")) as f:
        machine = f.read().strip()
    lines = [f"Measured by `{command}`: {machine}.", ""]
    if note:
        lines += [note, ""]
    lines += ["| members | tree depth (k) | boot | launch `-n N /bin/true` | PMI-1 fence | PMIx fence | ring test loop "
              "| repair 1 crash (job told) | repair 10 crashes (job told) | JVM CPU: boot / launch / repair 1 "
              "| fds, threads per member |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    def floor(r):
        value = r.get("launch_floor_ms") or "n/a"
        return "" if value == "n/a" else f"; floor {cell(value)} ms"

    for r in rows:
        n = int(r["members"])
        per = lambda key: (f"{int(r[key]) // n}" if r.get(key, "n/a").isdigit() else "n/a")
        lines.append(
            f"| {n:,} | {r['depth']} ({r['fanout']}) | {cell(r['boot_ms'], 0.001, 1)} s | {cell(r['launch_ms'])} ms "
            f"({r['launch_hosts']} hosts{floor(r)}) | {cell(r['pmi1_fence_us'], 0.001, 1)} ms | {cell(r['pmix_fence_us'], 0.001, 1)} ms "
            f"| {cell(r['ringtest_loop_ms'], 1, 1)} ms | {cell(r['repair1_ms'])} ms ({cell(r['repair1_told_ms'])}) "
            f"| {cell(r['repair10_ms'])} ms ({cell(r['repair10_told_ms'])}) "
            f"| {cell(r['boot_cpu_ms'], 0.001, 1)} s / {cell(r['launch_cpu_ms'])} ms / {cell(r['repair1_cpu_ms'])} ms "
            f"| {per('fds')}, {per('threads')} |")
    lines = [re.sub(r"\((n/a) hosts\)", "", re.sub(r"\b(n/a|failed|not-whole|no) (ms|s)\b", r"\1", line)) for line in lines]
    lines += ["", "![time against members](scale.svg)", ""]
    sched = sorted(glob.glob(os.path.join(out, "sched-*.tsv")))
    if sched:
        lines += ["The node state manager and the scheduler over the ring (`bench/scale-sched.sh`):", "",
                  "| nodes | NSM lists all up after `sss start` | full scheduling pass | crash → NSM has it down "
                  "| → scheduler's view | → a pass without it ends | → `sssjob status` counts it out |",
                  "|---|---|---|---|---|---|---|"]
        for path in sched:
            with open(path) as f:
                for s in csv.DictReader(f, delimiter="\t"):
                    lines.append(f"| {int(s['members']):,} | {cell(s['nsm_up_ms'])} ms | {cell(s['pass_full_ms'], 1, 1)} ms "
                                 f"| {cell(s['death_nsm_ms'])} ms | {cell(s['death_sched_ms'])} ms "
                                 f"| {cell(s['death_pass_ms'])} ms | {cell(s['death_status_ms'])} ms |")
        lines.append("")
    model = os.path.join(out, "model.txt")
    if os.path.exists(model):
        with open(model) as f:
            lines += ["`bench/scale-model.py` on these figures:", "", "```", f.read().rstrip(), "```", ""]
    with open(DOC) as f:
        doc = f.read()
    section = "\n".join(lines)
    doc, count = re.subn(r"(<!-- RESULTS:[^\n]*-->\n## Results\n\n).*?(<!-- END RESULTS -->)",
                         lambda m: m.group(1) + section + "\n" + m.group(2), doc, flags=re.S)
    if count != 1:
        sys.exit("scale-report.py: docs/SCALE.md has no RESULTS ... END RESULTS section")
    with open(DOC, "w") as f:
        f.write(doc)
    if os.path.exists(os.path.join(out, "scale.svg")):
        shutil.copy(os.path.join(out, "scale.svg"), os.path.join(ROOT, "docs", "scale.svg"))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: scale-report.py OUT_DIR COMMAND [NOTE]")
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else "")
