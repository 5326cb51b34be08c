#!/usr/bin/env python3
"""Fits bench/scale.sh's costs against N and extrapolates them (docs/SCALE.md's model), with no third-party modules.

Each cost gets the terms its mechanism predicts, fitted by least squares over the measured sizes:
  launch, PMI-1 and PMIx fences   a + b*depth(N, k) + c*N   (a k-ary tree of depth log_k N; on one machine every
                                                             member's work also queues for the same 2 cores: c*N)
  ring test loop, repair          a + b*N                   (a message visits the N members in turn)
  boot                            a + b*N + c*N^2           (shows whether booting is still quadratic)
and the local exponent between consecutive sizes (d log t / d log N: 1 is linear, 2 quadratic).
For 10,000 hosts the one-machine term c*N is each host's own share (c per member, done in parallel on its own
cores), so the tree costs extrapolate as a + b*depth(10000, k) + c; the ring costs stay a + b*N.

  scale-model.py RESULTS.tsv [HOSTS (default 10000)]
"""
import csv
import math
import sys

TREE = [("launch_ms", "launch (ms)", 1), ("pmi1_fence_us", "PMI-1 fence (ms)", 0.001),
        ("pmix_fence_us", "PMIx fence (ms)", 0.001)]
RING = [("ringtest_loop_ms", "ring test loop (ms)", 1), ("repair1_ms", "repair after 1 crash (ms)", 1),
        ("repair10_ms", "repair after 10 crashes (ms)", 1)]


def depth(n, k):
    d, level, covered = 0, 1, 1
    while covered < n:
        level *= k
        covered += level
        d += 1
    return d


def number(text):
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) and v > 0 else None


def solve(rows, ys):
    """Least squares for ys ~ rows @ x (normal equations, Gaussian elimination); None when singular."""
    m = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(m)] + [sum(r[i] * y for r, y in zip(rows, ys))] for i in range(m)]
    for col in range(m):
        pivot = max(range(col, m), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(m):
            if r != col:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col])]
    return [a[i][m] / a[i][i] for i in range(m)]


def fit_nonnegative(columns, ys):
    """The least-squares fit over the subset of columns (the constant always kept) whose coefficients are all
    non-negative with the smallest residual: a term that comes out negative is not what the data show."""
    m = len(columns[0])
    best = None
    for mask in range(1 << (m - 1)):
        keep = [0] + [i + 1 for i in range(m - 1) if mask >> i & 1]
        if len(keep) > len(ys):
            continue
        x = solve([[row[i] for i in keep] for row in columns], ys)
        if x is None or any(v < 0 for v in x[1:]):
            continue
        full = [0.0] * m
        for i, v in zip(keep, x):
            full[i] = v
        residual = sum((sum(c * v for c, v in zip(row, full)) - y) ** 2 for row, y in zip(columns, ys))
        if best is None or residual < best[0] - 1e-9:
            best = (residual, full)
    return best[1] if best else None


def exponents(points):
    return ", ".join(f"{n0}->{n1}: {math.log(t1 / t0) / math.log(n1 / n0):.2f}"
                     for (n0, t0), (n1, t1) in zip(points, points[1:]))


def main(path, hosts):
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    k = int(rows[0]["fanout"]) if rows else 4
    print(f"fan-out {k}; extrapolated to {hosts} hosts (launch tree depth {depth(hosts, k)})")
    for column, label, factor in TREE + RING + [("boot_ms", "boot (ms)", 1)]:
        points = [(int(r["members"]), number(r.get(column)) ) for r in rows]
        points = [(n, v * factor) for n, v in points if v is not None]
        if len(points) < 2:
            print(f"{label}: too few sizes measured")
            continue
        line = f"{label}: measured " + ", ".join(f"{n}: {t:.1f}" for n, t in points)
        line += f"; local exponents {exponents(points)}"
        if column in [c for c, _, _ in TREE]:
            if len(points) < 3:
                print(line)
                continue
            fit = fit_nonnegative([[1, depth(n, k), n] for n, _ in points], [t for _, t in points])
            if fit:
                a, b, c = fit
                line += f"\n    fit {a:.1f} + {b:.2f}*depth + {c:.4f}*N"
                if b > 0:
                    line += (f"; {hosts} hosts (c*N becomes one host's share): "
                             f"{max(0.0, a + b * depth(hosts, k) + c):.0f} ms")
                else:
                    line += ("; all of it is the members' work queued on this machine's cores (no depth term "
                             "shows): the tree's latency on real hosts comes from the network model")
        elif column == "boot_ms" and len(points) >= 3:
            fit = fit_nonnegative([[1, n, n * n] for n, _ in points], [t for _, t in points])
            if fit:
                a, b, c = fit
                line += (f"\n    fit {a:.0f} + {b:.2f}*N + {c:.5f}*N^2; with this machine's cost per member, at {hosts}: "
                         f"{a + b * hosts + c * hosts * hosts:.0f} ms")
        elif column != "boot_ms":
            fit = fit_nonnegative([[1, n] for n, _ in points], [t for _, t in points])
            if fit:
                a, b = fit
                line += f"\n    fit {a:.1f} + {b:.3f}*N; with this machine's cost per member, at {hosts}: {a + b * hosts:.0f} ms"
        print(line)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: scale-model.py RESULTS.tsv [HOSTS]")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 10000)
