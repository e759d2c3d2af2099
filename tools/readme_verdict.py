"""Rewrite the README's "which engine" lines, between their two markers, from the verdicts
/state/ shows (shop/engine_choice.py): `uv run python -m tools.readme_verdict`. Run it after
changing a verdict or a fact, or after a new benchmark; tests/test_readme_verdict.py fails
while the README and the page differ."""

import sys
from pathlib import Path

from shop.engine_choice import README_END, README_START, readme_block

README = Path(__file__).resolve().parents[1] / "README.md"


def rewritten(text: str, block: str) -> str:
    """`text` with everything from the start marker to the end marker replaced by `block`."""
    start = text.find(README_START)
    end = text.find(README_END, start)
    if start < 0 or end < 0:
        raise ValueError(f"the README has no {README_START!r} … {README_END!r} markers")
    return text[:start] + block + text[end + len(README_END) :]


def main() -> int:
    text = README.read_text()
    try:
        new = rewritten(text, readme_block())
    except ValueError as error:
        print(f"{README.name}: {error}", file=sys.stderr)
        return 1
    if new == text:
        print(f"{README.name}: the which-engine lines are already the page's")
        return 0
    README.write_text(new)
    print(f"{README.name}: the which-engine lines rewritten from shop/engine_choice.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
