"""Charts drawn on the server as SVG: a tile map of the provinces and bar charts.

No script, no inline style (the CSP forbids both): colours are SVG attributes. Each
chart names itself (<title>, <desc>, aria-labelledby) and the page puts a table of the
same numbers beside it. Colours are steps of viridis, readable with any colour vision;
what a colour says is also said in words (labels, the tile's accessible name), and hub
provinces carry a star as well, not a colour.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# viridis, light to dark; the text colour on each keeps 4.5:1 contrast.
STEPS = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]
TEXT_ON = {"#fde725": "#000", "#7ad151": "#000", "#22a884": "#000"}
EMPTY = "#eef1f4"
BAR = "#2a788e"
INK = "#212529"

# (column, row) of each province's tile, west to east and north to south, so the grid
# reads like the archipelago: Sumatra, Java and Nusa Tenggara, Kalimantan, Sulawesi,
# Maluku, Papua.
TILES: dict[str, tuple[int, int]] = {
    "11": (0, 0), "12": (1, 1), "14": (2, 1), "21": (3, 0), "13": (1, 2), "15": (2, 2),
    "19": (3, 2), "17": (1, 3), "16": (2, 3), "18": (2, 4), "31": (4, 4), "36": (3, 5),
    "32": (4, 5), "33": (5, 5), "34": (5, 6), "35": (6, 5), "51": (7, 5), "52": (8, 5),
    "53": (9, 5), "61": (4, 1), "62": (5, 1), "65": (6, 0), "64": (6, 1), "63": (6, 2),
    "76": (7, 2), "75": (8, 1), "71": (9, 1), "72": (8, 2), "73": (7, 3), "74": (8, 3),
    "82": (10, 1), "81": (10, 2), "96": (11, 1), "92": (12, 1), "94": (12, 2), "91": (13, 1),
    "95": (13, 2), "93": (13, 3),
}  # fmt: skip
# The short names Indonesians use on maps and in reports.
SHORT_NAMES = {
    "11": "Aceh", "12": "Sumut", "13": "Sumbar", "14": "Riau", "15": "Jambi", "16": "Sumsel",
    "17": "Bengkulu", "18": "Lampung", "19": "Babel", "21": "Kepri", "31": "DKI", "32": "Jabar",
    "33": "Jateng", "34": "DIY", "35": "Jatim", "36": "Banten", "51": "Bali", "52": "NTB",
    "53": "NTT", "61": "Kalbar", "62": "Kalteng", "63": "Kalsel", "64": "Kaltim",
    "65": "Kaltara", "71": "Sulut", "72": "Sulteng", "73": "Sulsel", "74": "Sultra",
    "75": "Gorontalo", "76": "Sulbar", "81": "Maluku", "82": "Malut", "91": "Papua",
    "92": "Pabar", "93": "Papsel", "94": "Papteng", "95": "Papeg", "96": "PBD",
}  # fmt: skip
TILE, GAP = 70, 6


def escape(text: Any) -> str:
    """django.utils.html.conditional_escape, the same text, without the lazy-string checks
    that made it the dashboards' most called function (a thousand times a page)."""
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return html.escape(str(text))


def short_name(code: str, name: str) -> str:
    return SHORT_NAMES.get(code, name[:9])


def fmt(value: int) -> str:
    return number_format(value, force_grouping=True)


def formatter() -> Callable[[int], str]:
    """fmt for the many numbers of one page: the language's separator read once, not for
    each number (Django looks the format up per call, a dashboard writes a thousand)."""
    separator = get_format("THOUSAND_SEPARATOR")
    if get_format("NUMBER_GROUPING") != 3:
        return fmt

    def grouped(value: int) -> str:
        if type(value) is not int:  # a float or a Decimal: Django's own rules
            return fmt(value)
        return f"{value:,}".replace(",", separator)

    return grouped


def colour_for(value: int, highest: int) -> str:
    """A step of the palette: zero is grey, the rest in equal steps up to the highest."""
    if value <= 0 or highest <= 0:
        return EMPTY
    step = min(len(STEPS) - 1, (value * len(STEPS) - 1) // highest)
    return STEPS[step]


def text_colour(fill: str) -> str:
    return TEXT_ON.get(fill, "#fff") if fill != EMPTY else INK


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    value: int
    is_hub: bool
    href: str
    current: bool = False  # outlined: the viewer's own province


def legend_steps(highest: int) -> list[tuple[str, str]]:
    """(colour, "from\N{EN DASH}to") for each step that a value can fall in."""
    if highest <= 0:
        return [(EMPTY, "0")]
    steps = [(EMPTY, "0")]
    count = len(STEPS)
    for index, colour in enumerate(STEPS):
        low = (index * highest) // count + 1
        high = ((index + 1) * highest) // count
        if high >= low:
            steps.append((colour, fmt(low) if low == high else f"{fmt(low)}\N{EN DASH}{fmt(high)}"))
    return steps


def tile_map(
    tiles: Sequence[Tile], *, chart_id: str, title: str, desc: str, unit: str
) -> SafeString:
    """Indonesia's provinces as a grid of linked tiles, coloured by `value`."""
    highest = max((tile.value for tile in tiles), default=0)
    columns = 1 + max(col for col, _ in TILES.values())
    rows = 1 + max(row for _, row in TILES.values())
    width, height = columns * (TILE + GAP), rows * (TILE + GAP) + 40
    number = formatter()
    hub = _("JIPP hub")
    # f-strings, not format_html: 38 tiles of twenty values each, escaped where text.
    parts = []
    for tile in tiles:
        col, row = TILES.get(tile.code, (0, rows))
        x, y = col * (TILE + GAP), row * (TILE + GAP)
        fill = colour_for(tile.value, highest)
        ink = text_colour(fill)
        value = number(tile.value)
        label = f"{tile.name}: {value} {unit}"
        if tile.is_hub:
            label += f" ({hub})"
        star = (
            f'<text x="{x + TILE - 16}" y="{y + 15}" font-size="13" fill="{ink}" '
            'aria-hidden="true">★</text>'
            if tile.is_hub
            else ""
        )
        current = " map-tile-current" if tile.current else ""
        stroke, stroke_width = (INK, 3) if tile.current else ("#adb5bd", 1)
        middle = x + TILE / 2
        parts.append(
            f'<a href="{escape(tile.href)}" aria-label="{escape(label)}" '
            f'class="map-tile{current}">'
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{stroke_width}"/>'
            f'<text x="{middle}" y="{y + 27}" font-size="12" text-anchor="middle" fill="{ink}">'
            f"{escape(short_name(tile.code, tile.name))}</text>"
            f'<text x="{middle}" y="{y + 52}" font-size="17" font-weight="700" '
            f'text-anchor="middle" fill="{ink}">{escape(value)}</text>{star}</a>'
        )
    legend = [
        format_html(
            '<text x="0" y="{}" font-size="12" fill="{}">{}</text>',
            height - 14,
            INK,
            unit,
        )
    ]
    x = 8 * len(unit) + 16
    for colour, text in legend_steps(highest):
        legend.append(
            format_html(
                '<rect x="{}" y="{}" width="16" height="16" fill="{}" stroke="#adb5bd"/>'
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                x,
                height - 27,
                colour,
                x + 20,
                height - 14,
                INK,
                text,
            )
        )
        x += 28 + 8 * len(text)
    legend.append(
        format_html(
            '<text x="{}" y="{}" font-size="12" fill="{}">★ {}</text>',
            x + 8,
            height - 14,
            INK,
            _("JIPP hub"),
        )
    )
    # A map of links is not an image (an image's content is not reachable): no role, so
    # the links inside stay reachable; "group" on <svg> is refused by the Nu HTML checker.
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="chart chart-map" '
        'aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        width, height, chart_id, chart_id, chart_id, title, chart_id, desc,
        mark_safe("".join(parts)),  # noqa: S308 - escaped above
        mark_safe("".join(legend)),  # noqa: S308
    )  # fmt: skip


def bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    label_width: int = 170,
    colour: str = BAR,
    colour_of: Callable[[int], str] | None = None,
    suffix: str = "",
    highest: int | None = None,
) -> SafeString:
    """Horizontal bars, one per item, its value (and `suffix`, such as "%") written at the
    end of the bar. `highest` fixes the full length (100 for shares); else the largest value."""
    row_height, bar_area = 30, 360
    limit = max(26, label_width // 8)  # characters of a label that fit its width
    if highest is None:
        highest = max((value for _, value in items), default=0)
    height = max(1, len(items)) * row_height + 10
    width = label_width + bar_area + 60
    number = formatter()
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * row_height + 5
        length = 0 if highest <= 0 else round(bar_area * value / highest)
        shown = label if len(label) <= limit else label[: limit - 1] + "…"
        fill = colour_of(index) if colour_of else colour
        bars.append(
            f'<text x="{label_width - 8}" y="{y + 15}" font-size="13" text-anchor="end" '
            f'fill="{INK}">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1 if value else 0)}" '
            f'height="20" rx="3" fill="{escape(fill)}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 15}" font-size="13" '
            f'font-weight="600" fill="{INK}">{escape(number(value) + suffix)}</text>'
        )
    if not items:
        bars.append(
            format_html('<text x="0" y="20" font-size="13" fill="{}">\N{EN DASH}</text>', INK)
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="chart chart-bars" '
        'role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        width, height, chart_id, chart_id, chart_id, title, chart_id, desc,
        mark_safe("".join(bars)),  # noqa: S308 - escaped above
    )  # fmt: skip
