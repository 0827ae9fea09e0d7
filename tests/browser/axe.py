"""axe-core in Chromium, shared by the browser tests: inject it, run it, keep what blocks;
and no page scrolls sideways."""

import json
import os
import weakref
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from diagnostics.management.demo_offices import DEMO_PASSWORD

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{AXE} is missing in CI: run `make install` (npm ci)")
    pytest.skip(
        "accessibility tests skipped: axe-core not installed (npm ci)", allow_module_level=True
    )

WIDTHS = (1366, 320)
BLOCKING = {"serious", "critical"}
# WCAG 1.4.10: at 320 px nothing but a table's own scroller may scroll sideways. Returns the
# page's widths and the widest elements when it does, "" otherwise.
SIDEWAYS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return "";
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""));
  return `${root.scrollWidth} > ${root.clientWidth} px (${wide.join(", ")})`;
}"""
# Resolves once the fonts are loaded and two frames have been drawn since.
SETTLED = """() => document.fonts.ready.then(() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(done))))"""
# axe leaves WCAG 2.2's target size (2.5.8, 24 × 24 px) off by default; the admin's pages run it.
TARGET_SIZE = {"target-size": {"enabled": True}}


def login(page: Page, url: str, username: str):
    page.goto(f"{url}/comptes/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


# The browser contexts whose every page gets axe as it loads.
_WITH_AXE: "weakref.WeakSet" = weakref.WeakSet()


def axe_on_every_page(page: Page) -> None:
    """axe-core evaluated in each page of the context as it loads (an init script), rather
    than its 550 kB sent to every page after: a quarter less time per page checked."""
    if page.context not in _WITH_AXE:
        page.context.add_init_script(path=str(AXE))
        _WITH_AXE.add(page.context)


def run(page: Page, rules: dict | None = None) -> list[dict]:
    """The serious and critical violations of the page as it stands."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], "rules": rules or {}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def violations(page: Page, url: str, rules: dict | None = None) -> list[str]:
    """The serious and critical axe violations of `url`, at each width, one line per node."""
    found = []
    # One load, then each width: a resize lays the page out again (media queries included)
    # without asking the server for it twice.
    axe_on_every_page(page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # The page's own answer to the new width first (a `resize` handler, such as the
        # admin's scrolling inline groups made focusable, runs before the next frames),
        # as a person who resized reads it.
        page.evaluate(SETTLED)
        wide = page.evaluate(SIDEWAYS)
        if wide:
            found.append(f"{url} @{width}px scrolls sideways: {wide}")
        for violation in run(page, rules):
            for node in violation["nodes"]:
                found.append(
                    f"{url} @{width}px {violation['id']} ({violation['impact']}): "
                    f"{json.dumps(node['target'])} {node['failureSummary'][:300]}"
                )
    return found


def check(page: Page, urls: list[str], rules: dict | None = None):
    page.set_default_timeout(15_000)
    found = [line for url in urls for line in violations(page, url, rules)]
    assert not found, "\n".join(found)
