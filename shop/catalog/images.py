"""Product pictures drawn locally as SVG: an illustration of the kind of thing the product
is (a jar, a teapot, a pan, a folded cloth…) on a soft studio backdrop, in the shop's
palette and the category's colours.

Nothing is downloaded. Colours, proportions and patterns come from a hash of the slug, so
two jars differ while the same product always gets the same bytes (seeding twice rewrites
nothing). SVG rather than a raster: one small file that stays sharp at every width and
pixel density, and no imaging library to install.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from math import cos, sin, tau
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 600, 450
TABLE_Y = 340  # where objects stand
PAPER, INK = "#faf7f2", "#2b2622"
GREEN, CLAY, HONEY, SAGE, STEEL = "#2f5341", "#a2462a", "#e0a93b", "#7fa38a", "#8c99a3"
ACCENTS = (GREEN, CLAY, HONEY, "#40627f", "#6b3d4c", SAGE)


# ---------- stable randomness ----------


class Dice:
    """A stream of numbers fixed by the slug: the same product always draws the same."""

    def __init__(self, slug: str) -> None:
        self.slug, self.rolls = slug, 0

    def unit(self) -> float:
        self.rolls += 1
        digest = hashlib.sha256(f"{self.slug}:{self.rolls}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32

    def between(self, low: float, high: float) -> float:
        return low + (high - low) * self.unit()

    def pick(self, choices):
        return choices[int(self.unit() * len(choices))]

    def chance(self, probability: float) -> bool:
        return self.unit() < probability


# ---------- colours and SVG text ----------


def mix(a: str, b: str, t: float) -> str:
    """The colour t of the way from a to b."""
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def num(value: float) -> str:
    # One decimal keeps files small and bytes stable across platforms.
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def el(tag: str, content: str = "", **attrs) -> str:
    parts = []
    for key, value in attrs.items():
        if isinstance(value, float):
            value = num(value)
        parts.append(f"{key.rstrip('_').replace('_', '-')}={quoteattr(str(value))}")
    head = f"<{tag} {' '.join(parts)}" if parts else f"<{tag}"
    return f"{head}>{content}</{tag}>" if content else f"{head}/>"


def path(*commands) -> str:
    return " ".join(num(c) if isinstance(c, float | int) else c for c in commands)


@dataclass
class Canvas:
    """The picture being drawn: reusable definitions and the shapes in painting order."""

    dice: Dice
    light: str
    dark: str
    defs: list[str]
    shapes: list[str]
    contents: str | None = None  # the colour of what is inside, when the name tells
    glass: bool = False  # the name says it is made of glass
    ids: int = 0

    def add(self, *shapes: str) -> None:
        self.shapes.extend(shapes)

    def define(self, tag: str, content: str, **attrs) -> str:
        self.ids += 1
        ident = f"d{self.ids}"
        self.defs.append(el(tag, content, id=ident, **attrs))
        return f"url(#{ident})"

    def rounded(self, colour: str) -> str:
        """A left-to-right shade that makes a flat shape look round (a jar, a pot)."""
        stops = [(0, mix(colour, INK, 0.28)), (0.3, colour), (0.42, mix(colour, "#ffffff", 0.28))]
        stops += [(0.62, colour), (1, mix(colour, INK, 0.38))]
        content = "".join(el("stop", offset=o, stop_color=c) for o, c in stops)
        return self.define("linearGradient", content, x1=0, y1=0, x2=1, y2=0)

    def stripes(self, colour: str, ground: str, width: float, angle: float = 0) -> str:
        period = width * 2.6
        content = el("rect", width=period, height=period, fill=ground) + el(
            "rect", width=width, height=period, fill=colour
        )
        return self.define(
            "pattern",
            content,
            width=period,
            height=period,
            patternUnits="userSpaceOnUse",
            patternTransform=f"rotate({num(angle)})",
        )

    def checks(self, colour: str, ground: str, size: float) -> str:
        content = el("rect", width=size * 2, height=size * 2, fill=ground)
        content += el("rect", width=size, height=size * 2, fill=colour, fill_opacity=0.55)
        content += el("rect", width=size * 2, height=size, fill=colour, fill_opacity=0.55)
        return self.define(
            "pattern", content, width=size * 2, height=size * 2, patternUnits="userSpaceOnUse"
        )

    def dots(self, colour: str, ground: str, gap: float) -> str:
        content = el("rect", width=gap, height=gap, fill=ground)
        content += el("circle", cx=gap / 2, cy=gap / 2, r=gap / 7, fill=colour)
        return self.define("pattern", content, width=gap, height=gap, patternUnits="userSpaceOnUse")

    def fabric(self, colour: str, ground: str) -> str:
        """One of the textile patterns, chosen per product."""
        style = self.dice.pick(("stripes", "checks", "dots", "band"))
        if style == "stripes":
            return self.stripes(colour, ground, self.dice.between(6, 14))
        if style == "checks":
            return self.checks(colour, ground, self.dice.between(10, 18))
        if style == "dots":
            return self.dots(colour, ground, self.dice.between(14, 22))
        return self.stripes(colour, ground, self.dice.between(3, 5), angle=90)


# ---------- the objects ----------
# Drawing code reads best one shape a line, so the formatter leaves this part alone.
# fmt: off


def shadow(c: Canvas, width: float, y: float = TABLE_Y) -> None:
    c.add(el("ellipse", cx=300, cy=y, rx=width * 0.62, ry=13, fill=INK, fill_opacity=0.18))


def label(c: Canvas, x: float, y: float, w: float, h: float) -> None:
    """A paper label with two lines of pretend print."""
    ink = c.dice.pick((INK, GREEN, CLAY))
    c.add(el("rect", x=x, y=y, width=w, height=h, rx=min(w, h) * 0.12, fill=PAPER))
    c.add(el("rect", x=x + w * 0.2, y=y + h * 0.3, width=w * 0.6, height=h * 0.13, fill=ink))
    c.add(el("rect", x=x + w * 0.3, y=y + h * 0.58, width=w * 0.4, height=h * 0.08, fill=ink,
             fill_opacity=0.5))


def draw_jar(c: Canvas) -> None:
    d = c.dice
    w, h = d.between(130, 190), d.between(150, 215)
    x, top = 300 - w / 2, TABLE_Y - h
    contents = mix(c.contents or d.pick((c.dark, c.light, CLAY, HONEY)), INK, d.between(0, 0.2))
    shadow(c, w)
    c.add(el("rect", x=x, y=top, width=w, height=h, rx=w * 0.16, fill=c.rounded(contents)))
    c.add(el("rect", x=x + w * 0.14, y=top + 18, width=9, height=h - 44, rx=4.5, fill="#ffffff",
             fill_opacity=0.35))
    lid_h = d.between(26, 40)
    if d.chance(0.5):  # a cloth cover tied with string, as preserves often wear
        cloth = c.fabric(d.pick(ACCENTS), PAPER)
        c.add(el("path", d=path("M", x - 14, top + 8, "Q", 300, top - lid_h - 10, x + w + 14,
                                top + 8, "L", x + w + 4, top + 26, "L", x - 4, top + 26, "Z"),
                 fill=cloth))
        c.add(el("rect", x=x - 2, y=top + 12, width=w + 4, height=5, fill=CLAY))
    else:
        lid = d.pick((HONEY, GREEN, INK, CLAY, "#b8a070"))
        c.add(el("rect", x=x + 6, y=top - lid_h + 6, width=w - 12, height=lid_h, rx=6,
                 fill=c.rounded(lid)))
    label(c, x + w * 0.12, top + h * d.between(0.38, 0.5), w * 0.76, h * 0.3)


def draw_bottle(c: Canvas) -> None:
    d = c.dice
    w, h = d.between(88, 118), d.between(220, 270)
    x, top = 300 - w / 2, TABLE_Y - h
    neck_w, shoulder = w * d.between(0.26, 0.36), top + h * d.between(0.3, 0.42)
    liquid = d.pick((HONEY, "#6b7d2a", CLAY, "#7a4a1e"))
    shadow(c, w)
    body = path("M", 300 - neck_w / 2, top + 26, "L", 300 - neck_w / 2, shoulder - 40,
                "Q", x, shoulder - 20, x, shoulder + 10, "L", x, TABLE_Y - 10, "Q", x, TABLE_Y,
                x + 10, TABLE_Y, "L", x + w - 10, TABLE_Y, "Q", x + w, TABLE_Y, x + w,
                TABLE_Y - 10, "L", x + w, shoulder + 10, "Q", x + w, shoulder - 20,
                300 + neck_w / 2, shoulder - 40, "L", 300 + neck_w / 2, top + 26, "Z")
    c.add(el("path", d=body, fill=c.rounded(liquid)))
    c.add(el("rect", x=300 - neck_w / 2 - 3, y=top, width=neck_w + 6, height=30, rx=5,
             fill=c.rounded(d.pick((INK, CLAY, GREEN, "#b8a070")))))
    c.add(el("rect", x=x + w * 0.16, y=shoulder, width=8, height=TABLE_Y - shoulder - 24, rx=4,
             fill="#ffffff", fill_opacity=0.3))
    label(c, x + 8, shoulder + (TABLE_Y - shoulder) * 0.25, w - 16, (TABLE_Y - shoulder) * 0.45)


def draw_bag(c: Canvas) -> None:
    """A paper bag with a crimped top, as flour, rice and loose tea come in."""
    d = c.dice
    w, h = d.between(150, 200), d.between(190, 240)
    x, top = 300 - w / 2, TABLE_Y - h
    paper = d.pick(("#d9bf93", "#cfb08a", "#e6d3b1", mix(c.light, PAPER, 0.4)))
    shadow(c, w)
    c.add(el("path", d=path("M", x + 8, top + 24, "L", x, TABLE_Y, "L", x + w, TABLE_Y, "L",
                            x + w - 8, top + 24, "Z"), fill=c.rounded(paper)))
    teeth = 9
    crimp = ["M", x + 8, top + 24]
    for i in range(teeth + 1):
        crimp += ["L", x + 8 + (w - 16) * i / teeth, top + (0 if i % 2 else 12)]
    crimp += ["L", x + w - 8, top + 24, "Z"]
    c.add(el("path", d=path(*crimp), fill=mix(paper, INK, 0.12)))
    band = d.pick(ACCENTS + (c.dark,))
    band_y = top + h * d.between(0.3, 0.42)
    c.add(el("rect", x=x + 3, y=band_y, width=w - 6, height=h * 0.36, fill=band))
    if d.chance(0.5):
        c.add(el("circle", cx=300, cy=band_y + h * 0.18, r=h * 0.12, fill=PAPER))
        c.add(el("circle", cx=300, cy=band_y + h * 0.18, r=h * 0.06, fill=mix(band, PAPER, 0.3)))
    else:
        label(c, x + w * 0.18, band_y + h * 0.06, w * 0.64, h * 0.24)


def draw_tin(c: Canvas) -> None:
    d = c.dice
    w, h = d.between(130, 180), d.between(150, 210)
    x, top = 300 - w / 2, TABLE_Y - h
    colour = d.pick(ACCENTS + (c.dark, PAPER))
    shadow(c, w)
    c.add(el("rect", x=x, y=top, width=w, height=h, rx=8, fill=c.rounded(colour)))
    c.add(el("rect", x=x - 4, y=top - 6, width=w + 8, height=30, rx=6,
             fill=c.rounded(mix(colour, INK, 0.2))))
    c.add(el("ellipse", cx=300, cy=top - 6, rx=w / 2 + 4, ry=9, fill=mix(colour, "#ffffff", 0.2)))
    band = mix(colour, PAPER, 0.75) if colour != PAPER else GREEN
    c.add(el("rect", x=x, y=top + h * 0.45, width=w, height=h * 0.3, fill=band))
    c.add(el("circle", cx=300, cy=top + h * 0.6, r=h * 0.1, fill=d.pick((CLAY, GREEN, HONEY, INK))))


def draw_teapot(c: Canvas) -> None:
    d = c.dice
    r = d.between(86, 108)
    cy = TABLE_Y - r * 0.92
    glass = c.glass or d.chance(0.3)
    body = "#e9eef0" if glass else d.pick(ACCENTS + (c.dark,))
    shadow(c, r * 2)
    c.add(el("path", d=path("M", 300 + r * 0.75, cy + 10, "C", 300 + r * 1.2, cy - 10,
                            300 + r * 1.25, cy - 40, 300 + r * 1.55, cy - 62),
             stroke=body if not glass else "#c9d3d7", stroke_width=18, fill="none",
             stroke_linecap="round"))
    c.add(el("path", d=path("M", 300 - r * 0.8, cy - 40, "C", 300 - r * 1.5, cy - 50,
                            300 - r * 1.5, cy + 40, 300 - r * 0.8, cy + 30),
             stroke=mix(body, INK, 0.2), stroke_width=14, fill="none"))
    c.add(el("circle", cx=300, cy=cy, r=r, fill=c.rounded(body),
             fill_opacity=0.75 if glass else 1))
    if glass:  # tea showing through the glass, and the steel basket
        c.add(el("path", d=path("M", 300 - r * 0.97, cy + 20, "A", r, r, 0, 0, 0, 300 + r * 0.97,
                                cy + 20, "Z"), fill=d.pick((HONEY, CLAY, "#8f6b4f")),
                 fill_opacity=0.7))
        c.add(el("rect", x=300 - r * 0.3, y=cy - r * 0.9, width=r * 0.6, height=r * 1.1, rx=10,
                 fill=STEEL, fill_opacity=0.6))
    else:
        c.add(el("rect", x=300 - r, y=cy - 6, width=r * 2, height=12, fill=PAPER, fill_opacity=0.5))
    c.add(el("ellipse", cx=300, cy=cy - r * 0.96, rx=r * 0.45, ry=10, fill=mix(body, INK, 0.25)))
    c.add(el("circle", cx=300, cy=cy - r - 12, r=10, fill=mix(body, INK, 0.35)))


def draw_mug(c: Canvas) -> None:
    d = c.dice
    w, h = d.between(120, 160), d.between(130, 170)
    x, top = 300 - w / 2 - 15, TABLE_Y - h
    glaze = d.pick(ACCENTS + (PAPER, c.light))
    shadow(c, w + 30)
    c.add(el("path", d=path("M", x + w - 6, top + h * 0.25, "C", x + w + 60, top + h * 0.2,
                            x + w + 60, top + h * 0.8, x + w - 6, top + h * 0.72),
             stroke=mix(glaze, INK, 0.15), stroke_width=16, fill="none"))
    c.add(el("rect", x=x, y=top, width=w, height=h, rx=14, fill=c.rounded(glaze)))
    c.add(el("ellipse", cx=x + w / 2, cy=top + 4, rx=w / 2 - 2, ry=9, fill=mix(glaze, INK, 0.4)))
    if d.chance(0.6):
        stripe = c.stripes(mix(glaze, INK, 0.3), glaze, d.between(4, 8), angle=90)
        c.add(el("rect", x=x, y=top + h * 0.55, width=w, height=h * 0.2, fill=stripe))
    c.add(el("rect", x=x, y=TABLE_Y - 16, width=w, height=16, rx=8, fill="#c9a87a",
             fill_opacity=0.7))


def draw_dripper(c: Canvas) -> None:
    draw_mug(c)
    d = c.dice
    top = TABLE_Y - 170 - d.between(70, 90)
    cone = d.pick((PAPER, "#ffffff", HONEY, SAGE, c.light))
    c.add(el("path", d=path("M", 205, top, "L", 375, top, "L", 320, top + 85, "L", 250, top + 85,
                            "Z"), fill=c.rounded(cone)))
    c.add(el("rect", x=230, y=top + 82, width=110, height=10, rx=5, fill=mix(cone, INK, 0.3)))


def draw_glasses(c: Canvas) -> None:
    d = c.dice
    count, w, h = d.pick((2, 3)), d.between(78, 92), d.between(110, 150)
    tint = d.pick(("#cfe3d6", "#d8e6ea", "#e4ecd2"))
    shadow(c, count * w * 1.15)
    for i in range(count):
        x = 300 + (i - (count - 1) / 2) * w * 1.12 - w / 2
        y = TABLE_Y - h - (10 if i % 2 else 0)
        c.add(el("path", d=path("M", x, y, "L", x + w, y, "L", x + w * 0.9, y + h, "L",
                                x + w * 0.1, y + h, "Z"), fill=tint, fill_opacity=0.8,
                 stroke=mix(tint, INK, 0.3), stroke_width=2))
        c.add(el("rect", x=x + 10, y=y + 8, width=6, height=h - 20, fill="#ffffff",
                 fill_opacity=0.6))


def pan_body(c: Canvas, colour: str, rx: float, depth: float, cx: float = 300) -> float:
    """A pan seen from above at an angle; returns the rim's height on the picture."""
    rim_y = TABLE_Y - depth
    c.add(el("path", d=path("M", cx - rx, rim_y, "L", cx - rx * 0.9, TABLE_Y, "A", rx * 0.9,
                            rx * 0.3, 0, 0, 0, cx + rx * 0.9, TABLE_Y, "L", cx + rx, rim_y, "Z"),
             fill=c.rounded(colour)))
    c.add(el("ellipse", cx=cx, cy=rim_y, rx=rx, ry=rx * 0.34, fill=mix(colour, "#ffffff", 0.15)))
    c.add(el("ellipse", cx=cx, cy=rim_y + 3, rx=rx - 9, ry=rx * 0.34 - 8,
             fill=mix(colour, INK, 0.45)))
    return rim_y


def draw_pan(c: Canvas) -> None:
    d = c.dice
    rx, depth = d.between(120, 150), d.between(22, 46)
    metal = d.pick((INK, "#3a3f44", "#4a4f55", "#b8733f"))
    shadow(c, rx * 2.4)
    rim_y = TABLE_Y - depth
    c.add(el("path", d=path("M", 300 + rx * 0.8, rim_y - 6, "L", 300 + rx + 130, rim_y - 52),
             stroke=mix(metal, "#ffffff", 0.1), stroke_width=20, stroke_linecap="round"))
    pan_body(c, metal, rx, depth)
    if d.chance(0.5):  # the ridges of a griddle, or the sheen of seasoned steel
        for i in range(-3, 4):
            c.add(el("line", x1=300 + i * rx * 0.2 - 20, y1=rim_y - rx * 0.2,
                     x2=300 + i * rx * 0.2 + 20, y2=rim_y + rx * 0.24,
                     stroke=mix(metal, "#ffffff", 0.2), stroke_width=5))


def draw_pot(c: Canvas) -> None:
    d = c.dice
    w, h = d.between(190, 250), d.between(110, 190)
    x, top = 300 - w / 2, TABLE_Y - h
    colour = d.pick((CLAY, GREEN, HONEY, "#40627f", STEEL, INK))
    shadow(c, w + 40)
    for side in (x - 26, x + w + 2):
        c.add(el("rect", x=side, y=top + 22, width=24, height=18, rx=8, fill=mix(colour, INK, 0.3)))
    c.add(el("rect", x=x, y=top, width=w, height=h, rx=18, fill=c.rounded(colour)))
    c.add(el("ellipse", cx=300, cy=top, rx=w / 2 + 6, ry=w * 0.1,
             fill=mix(colour, "#ffffff", 0.15)))
    c.add(el("ellipse", cx=300, cy=top - 14, rx=w * 0.16, ry=10, fill=mix(colour, INK, 0.35)))
    c.add(el("rect", x=300 - 14, y=top - 30, width=28, height=18, rx=6,
             fill=d.pick((STEEL, INK, HONEY))))


def draw_dish(c: Canvas) -> None:
    """A low baking or serving dish, its rim crimped."""
    d = c.dice
    rx, depth = d.between(150, 190), d.between(28, 50)
    colour = d.pick((PAPER, CLAY, GREEN, STEEL, "#40627f", HONEY))
    shadow(c, rx * 2)
    rim_y = pan_body(c, colour, rx, depth)
    if d.chance(0.5):
        c.add(el("ellipse", cx=300, cy=rim_y - 4, rx=rx * 0.7, ry=rx * 0.2,
                 fill=mix(c.light, INK, 0.1), fill_opacity=0.9))
    c.add(el("ellipse", cx=300, cy=rim_y, rx=rx, ry=rx * 0.34, fill="none",
             stroke=mix(colour, INK, 0.2), stroke_width=5, stroke_dasharray="9 5"))


def draw_butter_dish(c: Canvas) -> None:
    d = c.dice
    colour = d.pick((PAPER, SAGE, "#9bb3c9", HONEY))
    shadow(c, 300)
    c.add(el("ellipse", cx=300, cy=TABLE_Y - 8, rx=165, ry=34, fill=mix(colour, INK, 0.15)))
    c.add(el("path", d=path("M", 170, TABLE_Y - 16, "C", 170, TABLE_Y - 150, 430, TABLE_Y - 150,
                            430, TABLE_Y - 16, "Z"), fill=c.rounded(colour)))
    c.add(el("circle", cx=300, cy=TABLE_Y - 128, r=14, fill=mix(colour, INK, 0.3)))


def draw_plate(c: Canvas) -> None:
    """A plate or platter from above, its glaze speckled."""
    d = c.dice
    rx = d.between(140, 180)
    ry = rx * d.between(0.55, 0.75)
    cy = TABLE_Y - ry * 0.6
    glaze = d.pick((PAPER, "#e8e2d6", SAGE, "#9bb3c9", HONEY, c.light))
    shadow(c, rx * 2, cy + ry * 0.7)
    c.add(el("ellipse", cx=300, cy=cy + 6, rx=rx, ry=ry, fill=mix(glaze, INK, 0.25)))
    c.add(el("ellipse", cx=300, cy=cy, rx=rx, ry=ry, fill=glaze))
    c.add(el("ellipse", cx=300, cy=cy + 4, rx=rx * 0.68, ry=ry * 0.66,
             fill=mix(glaze, INK, 0.08)))
    rim = d.pick((None, CLAY, GREEN, "#40627f", "#b8a070"))
    if rim:
        c.add(el("ellipse", cx=300, cy=cy, rx=rx - 6, ry=ry - 5, fill="none", stroke=rim,
                 stroke_width=3))
    for _ in range(24):
        angle, dist = d.unit(), d.unit() ** 0.5
        c.add(el("circle", cx=300 + cos(angle * tau) * rx * 0.9 * dist,
                 cy=cy + sin(angle * tau) * ry * 0.9 * dist, r=d.between(1.2, 2.6),
                 fill=INK, fill_opacity=0.35))


def draw_bowl(c: Canvas) -> None:
    d = c.dice
    rx, depth = d.between(140, 175), d.between(80, 120)
    glaze = d.pick((PAPER, SAGE, "#9bb3c9", CLAY, HONEY, "#6f7f8c"))
    rim_y = TABLE_Y - depth
    shadow(c, rx * 1.6)
    c.add(el("path", d=path("M", 300 - rx, rim_y, "C", 300 - rx, TABLE_Y + 10, 300 + rx,
                            TABLE_Y + 10, 300 + rx, rim_y, "Z"), fill=c.rounded(glaze)))
    c.add(el("ellipse", cx=300, cy=rim_y, rx=rx, ry=rx * 0.26, fill=mix(glaze, "#ffffff", 0.2)))
    c.add(el("ellipse", cx=300, cy=rim_y + 4, rx=rx - 12, ry=rx * 0.26 - 8,
             fill=mix(glaze, INK, 0.2)))
    if d.chance(0.5):
        c.add(el("rect", x=300 - rx * 0.92, y=rim_y + depth * 0.25, width=rx * 1.84, height=8,
                 fill=mix(glaze, INK, 0.35)))


def draw_mortar(c: Canvas) -> None:
    draw_bowl(c)
    c.add(el("path", d=path("M", 320, TABLE_Y - 95, "L", 410, TABLE_Y - 230), stroke="#9a9590",
             stroke_width=30, stroke_linecap="round"))


def draw_salt_pig(c: Canvas) -> None:
    d = c.dice
    glaze = d.pick((PAPER, SAGE, HONEY, "#9bb3c9", CLAY))
    shadow(c, 200)
    c.add(el("path", d=path("M", 210, TABLE_Y, "C", 190, TABLE_Y - 200, 410, TABLE_Y - 220, 390,
                            TABLE_Y, "Z"), fill=c.rounded(glaze)))
    c.add(el("ellipse", cx=300, cy=TABLE_Y - 90, rx=62, ry=48, fill=mix(glaze, INK, 0.55)))


def cloth_layer(c: Canvas, y: float, w: float, h: float, fill: str, edge: str) -> None:
    """One folded cloth in a stack, seen slightly from above."""
    skew = 40
    c.add(el("path", d=path("M", 300 - w / 2 + skew, y, "L", 300 + w / 2 + skew, y, "L",
                            300 + w / 2 - skew, y + h, "L", 300 - w / 2 - skew, y + h, "Z"),
             fill=fill, stroke=mix(edge, INK, 0.1), stroke_width=2))
    c.add(el("path", d=path("M", 300 - w / 2 - skew, y + h, "L", 300 + w / 2 - skew, y + h, "L",
                            300 + w / 2 - skew, y + h + 20, "L", 300 - w / 2 - skew, y + h + 20,
                            "Z"), fill=edge))


def draw_cloth(c: Canvas) -> None:
    """Folded linen: a stack of one to three, in a pattern of the product's own."""
    d = c.dice
    w, h, layers = d.between(230, 280), d.between(100, 130), d.pick((1, 2, 3))
    ground = d.pick((PAPER, "#e8e0d0", c.light, mix(c.light, PAPER, 0.5)))
    colour = d.pick(ACCENTS + (c.dark,))
    fill = c.fabric(colour, ground)
    shadow(c, w + 60)
    for i in range(layers):  # the bottom one first, each next one a little higher
        cloth_layer(c, TABLE_Y - 20 - h - i * 26, w, h, fill, mix(colour, ground, 0.4))


def draw_cushion(c: Canvas) -> None:
    d = c.dice
    s = d.between(200, 240)
    ground = d.pick((PAPER, c.light, "#e8e0d0"))
    fill = c.fabric(d.pick(ACCENTS), ground)
    x, top = 300 - s / 2, TABLE_Y - s
    shadow(c, s)
    puffy = path("M", x, top, "Q", 300, top + 18, x + s, top, "Q", x + s - 18, top + s / 2, x + s,
                 top + s, "Q", 300, top + s - 18, x, top + s, "Q", x + 18, top + s / 2, x, top,
                 "Z")
    c.add(el("path", d=puffy, fill=fill, stroke=mix(ground, INK, 0.3), stroke_width=3))
    c.add(el("rect", x=x + 28, y=top + 28, width=s - 56, height=s - 56, rx=10, fill="none",
             stroke=INK, stroke_opacity=0.35, stroke_width=2, stroke_dasharray="6 6"))


def draw_apron(c: Canvas) -> None:
    d = c.dice
    colour = d.pick(ACCENTS + (c.dark, "#b8a070"))
    fill = c.stripes(mix(colour, INK, 0.15), colour, d.between(2, 4), angle=90)
    shadow(c, 240)
    c.add(el("path", d=path("M", 250, 100, "L", 200, 60, "M", 350, 100, "L", 400, 60),
             stroke=mix(colour, INK, 0.3), stroke_width=8, fill="none"))
    c.add(el("path", d=path("M", 250, 95, "L", 350, 95, "L", 355, 170, "Q", 420, 180, 415, 200,
                            "L", 400, TABLE_Y, "L", 200, TABLE_Y, "L", 185, 200, "Q", 180, 180,
                            245, 170, "Z"), fill=fill))
    c.add(el("rect", x=245, y=225, width=110, height=70, rx=6, fill=mix(colour, INK, 0.2)))


def draw_gloves(c: Canvas) -> None:
    d = c.dice
    colour = d.pick(ACCENTS)
    fill = c.fabric(mix(colour, INK, 0.2), mix(colour, PAPER, 0.3))
    shadow(c, 320)
    for dx, flip in ((-85, 1), (85, -1)):
        cx = 300 + dx
        mitt = path("M", cx - 50, TABLE_Y - 10, "L", cx - 55, TABLE_Y - 170, "Q", cx - 50,
                    TABLE_Y - 240, cx + 5, TABLE_Y - 235, "Q", cx + 55, TABLE_Y - 228, cx + 50,
                    TABLE_Y - 160, "L", cx + 50, TABLE_Y - 10, "Z")
        thumb = path("M", cx + 50 * flip, TABLE_Y - 120, "Q", cx + 95 * flip, TABLE_Y - 150,
                     cx + 80 * flip, TABLE_Y - 185, "Q", cx + 60 * flip, TABLE_Y - 170,
                     cx + 48 * flip, TABLE_Y - 160, "Z")
        c.add(el("path", d=thumb, fill=fill, stroke=INK, stroke_opacity=0.25, stroke_width=2))
        c.add(el("path", d=mitt, fill=fill, stroke=INK, stroke_opacity=0.25, stroke_width=2))
        c.add(el("rect", x=cx - 52, y=TABLE_Y - 40, width=104, height=30, rx=6,
                 fill=mix(colour, INK, 0.3)))


def draw_basket(c: Canvas) -> None:
    """A coiled rattan proving basket."""
    d = c.dice
    rx, depth = d.between(150, 180), d.between(70, 95)
    cane = d.pick(("#c9a46a", "#b8904f", "#d6b57e"))
    rim_y = TABLE_Y - depth
    shadow(c, rx * 2)
    c.add(el("path", d=path("M", 300 - rx, rim_y, "L", 300 - rx * 0.85, TABLE_Y, "L",
                            300 + rx * 0.85, TABLE_Y, "L", 300 + rx, rim_y, "Z"),
             fill=c.rounded(cane)))
    for i in range(1, 6):
        y, inset = rim_y + depth * i / 6, 1 - 0.15 * i / 6
        c.add(el("line", x1=300 - rx * inset, y1=y, x2=300 + rx * inset, y2=y,
                 stroke=mix(cane, INK, 0.3), stroke_width=2))
    c.add(el("ellipse", cx=300, cy=rim_y, rx=rx, ry=rx * 0.3, fill=mix(cane, "#ffffff", 0.2)))
    for i in range(5):
        c.add(el("ellipse", cx=300, cy=rim_y + 4, rx=(rx - 10) * (1 - i * 0.18),
                 ry=(rx * 0.3 - 6) * (1 - i * 0.18), fill="none", stroke=mix(cane, INK, 0.35),
                 stroke_width=3))


def draw_board(c: Canvas) -> None:
    d = c.dice
    w, h = d.between(300, 360), d.between(130, 170)
    wood = d.pick(("#b8865a", "#a8744a", "#c99a6a"))
    top = TABLE_Y - h - 24
    shadow(c, w)
    face = path("M", 300 - w / 2 + 50, top, "L", 300 + w / 2 + 50, top, "L", 300 + w / 2 - 50,
                top + h, "L", 300 - w / 2 - 50, top + h, "Z")
    c.add(el("path", d=path("M", 300 - w / 2 - 50, top + h, "L", 300 + w / 2 - 50, top + h, "L",
                            300 + w / 2 - 50, top + h + 24, "L", 300 - w / 2 - 50, top + h + 24,
                            "Z"), fill=mix(wood, INK, 0.3)))
    c.add(el("path", d=face, fill=c.checks(mix(wood, INK, 0.25), wood, d.between(18, 26))))


def draw_scale(c: Canvas) -> None:
    d = c.dice
    body = d.pick((PAPER, INK, SAGE, "#40627f"))
    shadow(c, 300)
    c.add(el("rect", x=150, y=TABLE_Y - 60, width=300, height=60, rx=14, fill=c.rounded(body)))
    c.add(el("ellipse", cx=300, cy=TABLE_Y - 60, rx=140, ry=26, fill=STEEL))
    c.add(el("rect", x=250, y=TABLE_Y - 44, width=100, height=30, rx=4, fill="#1d2a22"))
    c.add(el("text", "250", x=300, y=TABLE_Y - 22, text_anchor="middle", fill="#9fe0b0",
             font_family="monospace", font_size=20))


def draw_utensils(c: Canvas, kind: str) -> None:
    """Tools lying at an angle: knives, spoons, a whisk, a spatula, a pin, cutlery."""
    d = c.dice
    handle = d.pick(("#8a5a34", "#b8865a", INK, GREEN, CLAY))
    tilt = d.between(-28, -14)
    shadow(c, 380, TABLE_Y - 30)
    group = []
    if kind == "pin":
        group.append(el("rect", x=110, y=200, width=380, height=50, rx=25, fill=c.rounded(handle)))
    elif kind == "whisk":
        group.append(el("rect", x=330, y=215, width=150, height=22, rx=11, fill=handle))
        for k in range(5):
            group.append(el("ellipse", cx=230, cy=226, rx=110, ry=12 + k * 10, fill="none",
                            stroke=STEEL, stroke_width=3))
    else:
        tools = {"knife": 1, "spoons": 3, "spatula": 1, "slice": 1, "zester": 1, "cutlery": 3}
        for i in range(tools.get(kind, 1)):
            y = 226 + (i - 1) * 46 if tools.get(kind, 1) > 1 else 226
            group.append(tool(kind, i, y, handle))
    # Drawn around y=226, then laid down near the table's front edge.
    lay = f"translate(0 {TABLE_Y - 60 - 226}) rotate({num(tilt)} 300 226)"
    c.add(el("g", "".join(group), transform=lay))


def tool(kind: str, index: int, y: float, handle: str) -> str:
    steel = mix(STEEL, "#ffffff", 0.3)
    grip = el("rect", x=340, y=y - 11, width=150, height=22, rx=11, fill=handle)
    if kind == "knife":
        blade = path("M", 340, y - 22, "L", 120, y - 4, "Q", 110, y + 2, 125, y + 10, "L", 340,
                     y + 12, "Z")
        return el("path", d=blade, fill=steel) + grip
    if kind in ("spoons", "cutlery") and (kind == "spoons" or index == 0):
        return (el("ellipse", cx=170, cy=y, rx=55, ry=26, fill=handle)
                + el("rect", x=215, y=y - 7, width=270, height=14, rx=7, fill=handle))
    if kind == "cutlery" and index == 1:
        tines = "".join(el("rect", x=120, y=y - 16 + k * 10, width=70, height=5, fill=HONEY)
                        for k in range(4))
        return tines + el("rect", x=185, y=y - 16, width=300, height=34, rx=12, fill=HONEY)
    if kind == "cutlery":
        return el("rect", x=130, y=y - 12, width=360, height=22, rx=11, fill=HONEY)
    if kind == "zester":
        holes = "".join(el("circle", cx=140 + k * 18, cy=y, r=3, fill=INK) for k in range(11))
        return el("rect", x=120, y=y - 16, width=220, height=32, rx=6, fill=steel) + holes + grip
    head = handle if kind == "spatula" else steel
    slots = "".join(el("rect", x=150 + k * 28, y=y - 22, width=12, height=44, rx=6, fill=INK,
                       fill_opacity=0.5) for k in range(5)) if kind == "slice" else ""
    return (el("rect", x=110, y=y - 40, width=180, height=80, rx=16, fill=head) + slots
            + el("rect", x=280, y=y - 6, width=80, height=12, fill=steel) + grip)


# fmt: on


# ---------- which picture for which product ----------

# The first rule with a word that begins a word of the product's name picks the drawing.
KIND_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("teapot",), "teapot"),
    (("dripper",), "dripper"),
    (("canister", "paprika", "earl grey"), "tin"),
    (("oil", "vinegar"), "bottle"),
    (("mug",), "mug"),
    (("tumbler", "glass"), "glasses"),
    (("butter dish",), "butter_dish"),
    (("salt pig",), "salt_pig"),
    (("mortar",), "mortar"),
    (("plate", "platter"), "plate"),
    (("bowl",), "bowl"),
    (("frying", "griddle", "crêpe", "butter warmer"), "pan"),
    (("casserole", "saucepan", "stockpot", "steamer"), "pot"),
    (("tin", "roasting dish"), "dish"),
    (("basket",), "basket"),
    (("board",), "board"),
    (("scale",), "scale"),
    (("knife",), "knife"),
    (("spoon",), "spoons"),
    (("whisk",), "whisk"),
    (("spatula",), "spatula"),
    (("fish slice",), "slice"),
    (("zester",), "zester"),
    (("rolling pin",), "pin"),
    (("cutlery",), "cutlery"),
    (("cushion",), "cushion"),
    (("apron",), "apron"),
    (("gloves",), "gloves"),
    (("towel", "napkin", "tablecloth", "throw", "runner", "linen"), "cloth"),
    (
        (
            "jam",
            "honey",
            "marmalade",
            "chutney",
            "curd",
            "preserve",
            "jar",
            "peppercorn",
            "vanilla",
        ),
        "jar",
    ),
    (
        (
            "tea",
            "coffee",
            "beans",
            "flour",
            "sugar",
            "cocoa",
            "rice",
            "lentil",
            "rigatoni",
            "salt",
            "flowers",
        ),
        "bag",
    ),
)
UTENSILS = ("knife", "spoons", "whisk", "spatula", "slice", "zester", "pin", "cutlery")
DRAWINGS: dict[str, Callable[[Canvas], None]] = {
    "jar": draw_jar,
    "bottle": draw_bottle,
    "bag": draw_bag,
    "tin": draw_tin,
    "teapot": draw_teapot,
    "dripper": draw_dripper,
    "mug": draw_mug,
    "glasses": draw_glasses,
    "pan": draw_pan,
    "pot": draw_pot,
    "dish": draw_dish,
    "butter_dish": draw_butter_dish,
    "plate": draw_plate,
    "bowl": draw_bowl,
    "mortar": draw_mortar,
    "salt_pig": draw_salt_pig,
    "cloth": draw_cloth,
    "cushion": draw_cushion,
    "apron": draw_apron,
    "gloves": draw_gloves,
    "basket": draw_basket,
    "board": draw_board,
    "scale": draw_scale,
} | {kind: (lambda c, k=kind: draw_utensils(c, k)) for kind in UTENSILS}
FALLBACK_KIND = "jar"
# Drawings sized for the smallest useful frame are enlarged to fill the picture.
ENLARGE = {
    "bottle": 1.05,
    "pan": 1.0,
    "board": 1.1,
    "apron": 0.95,
    "gloves": 1.05,
    "teapot": 1.3,
    "glasses": 1.4,
    "butter_dish": 1.2,
    "plate": 1.15,
    "mortar": 1.15,
    "cloth": 1.2,
    "scale": 1.2,
    "dripper": 1.15,
} | dict.fromkeys(UTENSILS, 1.1)
# What a jar holds, by a word of its name; other jars take the category's colours.
CONTENTS = {
    "raspberry": "#b0263a",
    "cherry": "#7a1730",
    "damson": "#4b2140",
    "marmalade": "#e08a1e",
    "honey": "#d99a22",
    "curd": "#f0c93a",
    "onion": "#6b3a1e",
    "apple": "#a5652a",
    "chickpea": "#d8b779",
    "peppercorn": "#3a2e28",
    "vanilla": "#3a2a1e",
}


def kind_of(name: str) -> str:
    lowered = name.lower()
    for words, kind in KIND_RULES:
        # At the start of a word: "tin" is a loaf tin, never "setting".
        if any(re.search(rf"\b{re.escape(word)}", lowered) for word in words):
            return kind
    return FALLBACK_KIND


def backdrop(c: Canvas) -> str:
    """A wall and a table in pale tints of the category, with a disc of colour behind."""
    wall = mix(c.dice.pick((c.light, HONEY, SAGE, c.light)), PAPER, c.dice.between(0.72, 0.86))
    table = mix(wall, c.dark, 0.16)
    disc_x, disc_r = c.dice.between(180, 420), c.dice.between(120, 190)
    disc = mix(c.dice.pick((c.light, c.dark, HONEY, CLAY, GREEN)), wall, 0.62)
    return (
        el("rect", width=WIDTH, height=HEIGHT, fill=wall)
        + el("circle", cx=disc_x, cy=c.dice.between(140, 230), r=disc_r, fill=disc)
        + el("rect", y=TABLE_Y - 40, width=WIDTH, height=HEIGHT - TABLE_Y + 40, fill=table)
        + el("rect", y=TABLE_Y - 40, width=WIDTH, height=3, fill=mix(table, INK, 0.12))
    )


def product_svg(*, name: str, slug: str, colours: tuple[str, str]) -> bytes:
    """The product's picture as SVG bytes: the same arguments always give the same bytes."""
    lowered = name.lower()
    contents = next((colour for word, colour in CONTENTS.items() if word in lowered), None)
    canvas = Canvas(
        Dice(slug), *colours, defs=[], shapes=[], contents=contents, glass="glass" in lowered
    )
    scene = backdrop(canvas)
    kind = kind_of(name)
    DRAWINGS[kind](canvas)
    scale = num(ENLARGE.get(kind, 1.25))
    # Enlarged about the middle of the table's edge, so everything still stands on it.
    placed = f"translate(300 {TABLE_Y}) scale({scale}) translate(-300 -{TABLE_Y})"
    title = escape(name)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label={quoteattr(name)}>'
        f"<title>{title}</title><defs>{''.join(canvas.defs)}</defs>"
        f'{scene}<g transform="{placed}">{"".join(canvas.shapes)}</g></svg>\n'
    ).encode()
