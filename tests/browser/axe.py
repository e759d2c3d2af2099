"""axe-core, vendored from npm, run in the page: WCAG 2.1 A and AA violations, one line each."""

from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA. The page's context needs JavaScript
    on and its CSP bypassed, for the test's script only (the policy has its own test)."""
    page.evaluate(AXE_SOURCE)
    found = page.evaluate(
        "options => axe.run(document, options).then(r => r.violations.map(v => "
        "v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
        {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return list(found)
