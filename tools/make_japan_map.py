"""Make generator/pages/japan_map.json, the simplified prefecture shapes of the case maps.

Source: npm @svg-maps/japan 2.0.0 by Victor Cazanave, based on MapSVG's map of Japan (mapsvg.com),
licence CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Changes made here: every outline
simplified (Douglas-Peucker, tolerance TOLERANCE in the map's units) and rounded to 0.1 units; shapes
keyed by the prefecture's slug (generator/model/prefectures.py). The source draws Okinawa small at its
lower left; here it is enlarged OKINAWA_SCALE times into an inset at the upper left (INSET, where the
pages draw a frame and its name), as Japanese maps usually place it, and the empty lower part is cut off.

The site does not need this script or npm to build: its output is committed. To make it again:

    cd /tmp && npm install --no-save @svg-maps/japan@2.0.0
    python3 tools/make_japan_map.py /tmp/node_modules/@svg-maps/japan/index.js
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TOLERANCE = 0.5
OKINAWA_FROM = (0.0, 421.0)
"""The upper left corner of Okinawa in the source (it spans x 0–126, y 421–516)."""
OKINAWA_SCALE = 1.6
OKINAWA_TO = (8.0, 8.0)
INSET = (2, 2, 214, 166)
"""x, y, width, height of the Okinawa inset."""
HEIGHT = 390
"""The map's height once Okinawa has moved (Kagoshima's southern islands end at y 383)."""
OUT = Path(__file__).resolve().parent.parent / "generator" / "pages" / "japan_map.json"


def rings(d: str) -> list[list[tuple[float, float]]]:
    """The closed outlines of a path that uses only relative ``m`` (with implicit ``l``) and ``z``."""
    tokens = re.findall(r"[mMzZlL]|-?\d*\.?\d+(?:e-?\d+)?", d)
    out, ring, cur, start, first = [], None, (0.0, 0.0), (0.0, 0.0), False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "m":
            first, i = True, i + 1
            continue
        if t == "z":
            out.append(ring)
            ring, cur, i = None, start, i + 1
            continue
        if t in "MLZl":
            raise SystemExit(f"unexpected path command {t!r}: the source changed, adapt this script")
        cur = (cur[0] + float(tokens[i]), cur[1] + float(tokens[i + 1]))
        i += 2
        if first:
            start, ring, first = cur, [cur], False
        else:
            ring.append(cur)
    if ring:
        out.append(ring)
    return out


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on one ring (first and last point kept)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = 0.0, None
        for k in range(a + 1, b):
            px, py = points[k]
            if norm > 1e-6:  # a closed ring's ends are the same point (up to rounding): distance to it
                dist = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            else:
                dist = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if dist > best:
                best, index = dist, k
        if index is not None and best > tol:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def number(v: float) -> str:
    text = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def path_data(outlines: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in outlines:
        pts = [(round(x * 10), round(y * 10)) for x, y in ring]
        dedup = [pts[0]] + [p for q, p in zip(pts, pts[1:], strict=False) if p != q]
        if len(dedup) < 3:
            continue
        d = f"M{number(dedup[0][0] / 10)} {number(dedup[0][1] / 10)}l"
        steps = []
        for (ax, ay), (bx, by) in zip(dedup, dedup[1:], strict=False):
            steps.append(f"{number((bx - ax) / 10)} {number((by - ay) / 10)}")
        parts.append(d + " ".join(steps) + "z")
    return "".join(parts)


def main(source: str) -> None:
    text = Path(source).read_text(encoding="utf-8")
    data = json.loads(text[text.index("{") :].rstrip().rstrip(";"))
    paths = {}
    for loc in data["locations"]:
        outlines = rings(loc["path"])
        if loc["id"] == "okinawa":
            (fx, fy), (tx, ty), k = OKINAWA_FROM, OKINAWA_TO, OKINAWA_SCALE
            outlines = [[(tx + (x - fx) * k, ty + (y - fy) * k) for x, y in r] for r in outlines]
        outlines = [simplify(r, TOLERANCE) for r in outlines]
        paths[loc["id"]] = path_data(outlines)
    assert len(paths) == 47, len(paths)
    out = {
        "source": "@svg-maps/japan 2.0.0（Victor Cazanave、MapSVG の地図をもとにしたもの）",
        "license": "CC BY 4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
        "changes": "形を簡略にし、沖縄県を拡大して左上の枠に移しました。",
        "viewBox": f"0 0 {data['viewBox'].split()[2]} {HEIGHT}",
        "inset": INSET,
        "paths": dict(sorted(paths.items())),
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size:,} bytes, {sum(p.count(' ') for p in paths.values()):,} points")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "node_modules/@svg-maps/japan/index.js")
