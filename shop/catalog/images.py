"""Product pictures drawn locally as SVG: a gradient in the category's colours, a soft shape
and the product's initials. Nothing is downloaded; the same product always gets the same
bytes, so seeding twice rewrites nothing."""

import hashlib
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 600, 450


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:2]) or name[:1].upper()


def product_svg(*, name: str, slug: str, colours: tuple[str, str]) -> bytes:
    light, dark = colours
    # A stable number per product places the shape, so items in one category differ.
    seed = int(hashlib.sha256(slug.encode()).hexdigest()[:8], 16)
    cx = 140 + seed % 320
    cy = 110 + (seed // 320) % 230
    radius = 150 + (seed // 7) % 90
    angle = (seed // 11) % 60 - 30
    label = escape(initials(name))
    title = escape(name)
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" \
width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}">
<title>{title}</title>
<defs>
<linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="{light}"/><stop offset="1" stop-color="{dark}"/>
</linearGradient>
</defs>
<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#g)"/>
<circle cx="{cx}" cy="{cy}" r="{radius}" fill="#ffffff" fill-opacity="0.12"/>
<rect x="{WIDTH // 2 - 110}" y="{HEIGHT // 2 - 110}" width="220" height="220" rx="36" \
fill="#ffffff" fill-opacity="0.16" transform="rotate({angle} {WIDTH // 2} {HEIGHT // 2})"/>
<text x="50%" y="50%" dy="0.35em" text-anchor="middle" fill="#ffffff" \
font-family="Georgia, 'Times New Roman', serif" font-size="120" letter-spacing="4">{label}</text>
</svg>
"""
    return svg.encode()
