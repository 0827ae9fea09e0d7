"""Geometry of the server-rendered SVG charts, shared by the pages and the PDF.

Python computes coordinates; the templates under templates/diagnostics/charts/
write the markup, so the page and the report show the very same drawing.
"""

import math
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 460
CX = WIDTH / 2
CY = HEIGHT / 2
RADIUS = 150
LABEL_RADIUS = RADIUS + 20
RINGS = (25, 50, 75, 100)


@dataclass(frozen=True)
class Series:
    key: str  # css modifier: office, peers, previous…
    label: str
    values: tuple[float | None, ...]


def _point(index: int, count: int, value: float, radius: float = RADIUS) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = radius * max(0.0, min(100.0, value)) / 100
    return round(CX + r * math.cos(angle), 1), round(CY + r * math.sin(angle), 1)


def _wrap(text: str, width: int = 14) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def radar(labels: list[str], series: list[Series]) -> dict:
    """Coordinates for a radar of len(labels) axes; a missing value sits at the centre."""
    count = max(len(labels), 1)
    rings = [
        {
            "value": ring,
            "points": " ".join(
                f"{x},{y}" for x, y in (_point(i, count, ring) for i in range(count))
            ),
            "label_y": round(CY - RADIUS * ring / 100, 1),
        }
        for ring in RINGS
    ]
    spokes = []
    for i, label in enumerate(labels):
        x, y = _point(i, count, 100)
        lx, ly = _point(i, count, 100, LABEL_RADIUS)
        anchor = "middle" if abs(lx - CX) < 10 else ("start" if lx > CX else "end")
        lines = _wrap(label)
        # Labels above the centre grow upwards, below it downwards, beside it around.
        if ly < CY - 10:
            first_dy = -(len(lines) - 1) * 1.1
        elif ly > CY + 10:
            first_dy = 0.8
        else:
            first_dy = 0.35 - (len(lines) - 1) * 0.55
        spokes.append(
            {
                "x": x,
                "y": y,
                "label_x": lx,
                "label_y": ly,
                "anchor": anchor,
                "lines": lines,
                "first_dy": first_dy,
            }
        )
    polygons = []
    for s in series:
        points = [_point(i, count, v or 0) for i, v in enumerate(s.values)]
        polygons.append(
            {
                "key": s.key,
                "label": s.label,
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dots": [{"x": x, "y": y} for x, y in points],
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "cx": CX,
        "cy": CY,
        "rings": rings,
        "spokes": spokes,
        "series": polygons,
    }
