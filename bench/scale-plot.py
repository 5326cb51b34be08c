#!/usr/bin/env python3
"""Draws bench/scale.sh's results as an SVG (no third-party modules): time against members, both axes logarithmic,
one line per measured cost (boot, launch, PMI-1 and PMIx fences, ring test loop, repair after 1 and 10 crashes).
Values that are not numbers (n/a, not-whole, failed) are left out of their line.

  scale-plot.py RESULTS.tsv OUT.svg
"""
import csv
import math
import sys

SERIES = [  # column, label, factor to milliseconds, colour
    ("boot_ms", "boot until whole", 1, "#1f77b4"),
    ("launch_ms", "mpiexec -n N /bin/true", 1, "#ff7f0e"),
    ("pmi1_fence_us", "PMI-1 fence", 0.001, "#2ca02c"),
    ("pmix_fence_us", "PMIx fence", 0.001, "#d62728"),
    ("ringtest_loop_ms", "mpdringtest loop", 1, "#9467bd"),
    ("repair1_ms", "repair after 1 crash", 1, "#8c564b"),
    ("repair10_ms", "repair after 10 crashes", 1, "#e377c2"),
]
WIDTH, HEIGHT = 760, 480
LEFT, RIGHT, TOP, BOTTOM = 70, 220, 40, 50


def number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 and math.isfinite(value) else None


def main(results, out):
    with open(results) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    lines = []
    for column, label, factor, colour in SERIES:
        points = [(int(r["members"]), number(r.get(column, "")) ) for r in rows]
        points = [(n, v * factor) for n, v in points if v is not None]
        if points:
            lines.append((label, colour, points))
    xs = [int(r["members"]) for r in rows] or [1]
    ys = [v for _, _, points in lines for _, v in points] or [1]
    x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if y1 == y0:
        y1 += 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(n):
        return LEFT + (math.log10(n) - x0) / (x1 - x0) * plot_w

    def py(ms):
        return TOP + plot_h - (math.log10(ms) - y0) / (y1 - y0) * plot_h

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT}" y="20" font-size="14">The ring on one machine: time against members (log-log)</text>']
    for n in sorted(set(xs)):
        svg.append(f'<line x1="{px(n):.1f}" y1="{TOP}" x2="{px(n):.1f}" y2="{TOP + plot_h}" stroke="#ddd"/>')
        svg.append(f'<text x="{px(n):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{n}</text>')
    for e in range(y0, y1 + 1):
        y = TOP + plot_h - (e - y0) / (y1 - y0) * plot_h
        label = f"{10 ** e:g} ms" if e < 3 else f"{10 ** (e - 3):g} s"
        svg.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    svg.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>')
    svg.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" text-anchor="middle">members (mpds in the ring)</text>')
    for i, (label, colour, points) in enumerate(lines):
        path = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in points)
        svg.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for n, v in points:
            svg.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>')
        ly = TOP + 10 + i * 20
        svg.append(f'<line x1="{LEFT + plot_w + 12}" y1="{ly}" x2="{LEFT + plot_w + 32}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        svg.append(f'<text x="{LEFT + plot_w + 38}" y="{ly + 4}">{label}</text>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scale-plot.py RESULTS.tsv OUT.svg")
    main(sys.argv[1], sys.argv[2])
