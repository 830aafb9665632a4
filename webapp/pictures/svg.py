"""Small helpers shared by the pictures: escaped text, numbers, colours."""

from __future__ import annotations

from markupsafe import escape

# Colour-blind-safe categorical palette (Okabe and Ito), darkened where needed for contrast on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F7A00", "#56B4E9", "#5A5A5A", "#E69F00"]


def text(value) -> str:
    return str(escape(str(value)))


def number(value) -> float | None:
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def colours(keys: list[str]) -> dict[str, str]:
    """One palette colour per distinct key, in order of first appearance."""
    out: dict[str, str] = {}
    for key in keys:
        if key not in out:
            out[key] = PALETTE[len(out) % len(PALETTE)]
    return out


def fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
