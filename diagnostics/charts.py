"""Geometry of the server-rendered SVG charts, shared by the pages and the PDF.

Python computes coordinates; the templates under templates/diagnostics/charts/
write the markup, so the page and the report show the very same drawing.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

WIDTH = 640
HEIGHT = 460
CX = WIDTH / 2
CY = HEIGHT / 2
RADIUS = 150
LABEL_RADIUS = RADIUS + 20
RINGS = (25, 50, 75, 100)


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: tuple[float | None, ...]
    color: str = "#0b4f5c"
    dash: str = ""  # SVG stroke-dasharray; empty for a solid line
    filled: bool = False  # the main series is filled and dotted


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
    """Coordinates for a radar of len(labels) axes.

    A missing value (an axis without a score) has no vertex: the outline joins
    the axes on either side, rather than claiming a score of 0.
    """
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
        points = [_point(i, count, v) for i, v in enumerate(s.values) if v is not None]
        polygons.append(
            {
                "key": s.key,
                "label": s.label,
                "color": s.color,
                "dash": s.dash,
                "filled": s.filled,
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


BOX_LABEL_WIDTH = 210
BOX_PLOT_WIDTH = 420
BOX_ROW = 38


def _x(value: float) -> float:
    return round(BOX_LABEL_WIDTH + BOX_PLOT_WIDTH * max(0.0, min(100.0, value)) / 100, 1)


def boxplot(rows: list[tuple[str, object, float | None]]) -> dict:
    """Horizontal box plots on a 0–100 scale: (label, distribution, previous median) per row."""
    drawn = []
    for i, (label, dist, previous) in enumerate(rows):
        y = 24 + i * BOX_ROW
        row = {
            "y": y,
            "mid": y + 11,
            "lines": _wrap(label, 30),
            "count": dist.count,
            "previous": None,
        }
        if dist.count:
            row.update(
                min=_x(dist.minimum),
                q1=_x(dist.q1),
                median=_x(dist.median),
                q3=_x(dist.q3),
                max=_x(dist.maximum),
                box_width=round(_x(dist.q3) - _x(dist.q1), 1),
            )
        if previous is not None:
            row["previous"] = _x(previous)
        drawn.append(row)
    ticks = [{"value": v, "x": _x(v)} for v in (0, 25, 50, 75, 100)]
    height = 24 + len(rows) * BOX_ROW + 10
    return {
        "width": BOX_LABEL_WIDTH + BOX_PLOT_WIDTH + 20,
        "height": height,
        "rows": drawn,
        "ticks": ticks,
        "top": 14,
        "bottom": height - 8,
    }


# --- the importance × performance matrix (results page and report) ----------------------

QUADRANTS = {
    "reinforce": gettext_lazy("À renforcer en priorité"),
    "maintain": gettext_lazy("À maintenir"),
    "watch": gettext_lazy("À surveiller"),
    "secondary": gettext_lazy("Secondaire"),
}
QUADRANT_HINTS = {
    "reinforce": gettext_lazy("axe important, performance faible"),
    "maintain": gettext_lazy("axe important, performance forte"),
    "watch": gettext_lazy("axe secondaire, performance forte"),
    "secondary": gettext_lazy("axe secondaire, performance faible"),
}


@dataclass
class Quadrant:
    code: str
    label: str
    axes: list  # the results' AxisView of the axes in this quadrant

    @property
    def hint(self) -> str:
        """What the quadrant holds, for a reader who cannot see the table's headers."""
        return QUADRANT_HINTS[self.code]


@dataclass
class MatrixRow:
    label: str
    quadrants: list[Quadrant]
