"""The README's "which engine" lines are the /state/ page's verdicts, word for word: this
fails while they differ; `uv run python -m tools.readme_verdict` writes them again."""

import pytest

from shop.engine_choice import README_END, README_START, readme_block, verdicts
from tools.readme_verdict import README, rewritten


def test_the_readme_says_what_the_page_says():
    readme = README.read_text()
    assert readme.count(README_START) == 1 and readme.count(README_END) == 1
    assert readme_block() in readme, (
        "README.md's which-engine lines differ from shop/engine_choice.py's verdicts: "
        "run `uv run python -m tools.readme_verdict`"
    )


def test_every_verdict_line_is_in_the_readme():
    readme = README.read_text()
    for verdict in verdicts():
        assert (
            f"| `{verdict.backend}` | {verdict.choose} | {verdict.avoid} | {verdict.cost} |"
            in readme
        )


def test_the_rewrite_touches_only_what_lies_between_the_markers():
    text = f"# Title\n\nbefore\n{README_START}\nold lines\n{README_END}\nafter\n"
    assert rewritten(text, "NEW") == "# Title\n\nbefore\nNEW\nafter\n"
    block = readme_block()
    assert rewritten(rewritten(text, block), block) == rewritten(text, block)  # idempotent


@pytest.mark.parametrize("text", ["no markers at all", f"only the end {README_END}"])
def test_a_readme_without_its_markers_is_refused(text):
    with pytest.raises(ValueError, match="markers"):
        rewritten(text, readme_block())
