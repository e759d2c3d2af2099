"""No template carries inline script or style, which the Content-Security-Policy would block."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class InlineCodeFinder(HTMLParser):
    """Collects each inline script, style, style attribute, event handler and javascript: URL."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style" or (tag == "script" and "src" not in names):
            self.found.append(f"<{tag}> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"a javascript: URL on <{tag}> at line {self.getpos()[0]}")


def inline_code(template: Path) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(template.read_text())
    return finder.found


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_the_template_has_no_inline_code(template):
    assert inline_code(template) == []


def test_the_finder_finds_inline_code(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<style>p{}</style><script>x()</script><a onclick="x()" style="">')
    assert len(inline_code(page)) == 4
