#!/usr/bin/env python3
"""Times launchers side by side: runs each command of a set ROUNDS times, interleaved (one of each per round, so
a change in the shared machine's load falls on all of them alike), and prints per command the median, minimum and
maximum wall time and the median CPU time (user + system) the job cost.

A job's CPU is what its command and every process it waited for used (wait4's rusage: mpirun's and Hydra's ranks
are their descendants), plus, for commands marked as served by daemons, what those daemons and their children
used meanwhile: the mpds (JVMs) spawn and reap the ranks, so their CPU includes the ranks' (/proc/PID/stat utime,
stime, cutime, cstime), and their long-running children (the sss-pmix helpers) are read the same way. Daemon CPU
is sampled between runs, when no rank is alive, in clock ticks (10 ms each; summed over a run's processes).

  launch-cpu.py --rounds N [--warmup W] [--daemons PID,PID,...] -- NAME=COMMAND ...

A NAME starting with '@' is served by the daemons (the '@' is dropped). Output goes to /dev/null; a command that
exits non-zero stops the benchmark.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def stat_ticks(pid):
    """utime + stime + cutime + cstime of a process, in clock ticks (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(fields[i]) for i in (11, 12, 13, 14))


def children(pid):
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids.extend(int(k) for k in f.read().split())
    except OSError:
        pass
    return kids


def daemon_ticks(pids):
    return sum(stat_ticks(p) + sum(stat_ticks(k) for k in children(p)) for p in pids)


def run_once(argv, daemons):
    before = daemon_ticks(daemons) if daemons else 0
    start = time.monotonic()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"launch-cpu.py: {' '.join(argv)} exited {child.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    if daemons:
        cpu += (daemon_ticks(daemons) - before) / TICK
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--daemons", default="")
    parser.add_argument("commands", nargs="+")
    args = parser.parse_args()
    daemons = [int(p) for p in args.daemons.split(",") if p]
    jobs = []
    for spec in args.commands:
        name, command = spec.split("=", 1)
        served = name.startswith("@")
        jobs.append((name.lstrip("@"), shlex.split(command), daemons if served else []))
    for _ in range(args.warmup):
        for _, argv, served in jobs:
            run_once(argv, served)
    results = {name: [] for name, _, _ in jobs}
    for _ in range(args.rounds):
        for name, argv, served in jobs:
            results[name].append(run_once(argv, served))
    print(f"  load before the summary: {open('/proc/loadavg').read().split()[:3]}")
    for name, argv, _ in jobs:
        walls = sorted(w for w, _ in results[name])
        cpus = [c for _, c in results[name]]
        print(f"  {name}: median {statistics.median(walls) * 1000:.0f} ms (min {walls[0] * 1000:.0f}, "
              f"max {walls[-1] * 1000:.0f}, {len(walls)} runs), CPU {statistics.median(cpus) * 1000:.0f} ms per job"
              f"  [{' '.join(argv)}]")


if __name__ == "__main__":
    main()
