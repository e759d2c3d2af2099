"""The README and docs/ stay true: every relative link and #anchor points at something."""

import re
from pathlib import Path

import pytest

from tools.servers import BASE_DIR

DOCUMENTS = [BASE_DIR / "README.md", *sorted((BASE_DIR / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`|\*\*|\[|\]\([^)]*\)", "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(document: Path) -> set[str]:
    found, seen, in_code = set(), {}, False
    for line in document.read_text().splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and (heading := re.match(r"#{1,6}\s+(.*)", line)):
            name = slug(heading[1])
            found.add(f"{name}-{seen[name]}" if name in seen else name)
            seen[name] = seen.get(name, 0) + 1
    return found


def links(document: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", document.read_text(), flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans are not links
    return [url for url in LINK.findall(text) if not re.match(r"[a-z]+:", url)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(BASE_DIR)))
def test_every_relative_link_resolves(document):
    broken = []
    for url in links(document):
        path, _, anchor = url.partition("#")
        target = (document.parent / path).resolve() if path else document
        if not target.exists():
            broken.append(f"{url}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{url}: no such heading")
    assert not broken, broken


def test_the_docs_are_not_read_by_the_shop():
    """docs/ is documentation only: no module of the shop names it."""
    readers = [
        path.relative_to(BASE_DIR)
        for folder in ("shop", "accounts", "cart")
        for path in (BASE_DIR / folder).rglob("*.py")
        if re.search(r"""["']docs["'/]""", path.read_text())  # a path, not a comment
    ]
    assert not readers
