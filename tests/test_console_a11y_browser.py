"""The console's automated accessibility pass (issue 17): axe-core (web/node_modules, pinned in
web/package.json) injected into each main page of the console in real Chromium, against the
whole system: the login page, then every page of the navigation of each role (a page seen by
an earlier role is not visited again). No violation of impact serious or critical of the WCAG
2 A/AA rules axe runs (form labels, names of buttons and links, keyboard focus order and
targets, ARIA use, colour contrast of text). The shared harness is tests/browser.py."""
import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.api import DIRECTOR, make_project
from tests.browser import (STAFF_PASSWORD, account, browser, built_console, nav,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)

AXE = Path(__file__).resolve().parents[1] / "web" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SEVERE = ("serious", "critical")
RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
  .then((r) => done(JSON.stringify(r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                            summary: (n.failureSummary || "").slice(0, 300)}))})))))
  .catch((e) => done(JSON.stringify({error: String(e)})));
"""
ROLES = ("director", "manager", "advisor", "assistant", "finance", "hr")


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, unit_ids = make_project(director, "无障碍花园", units=8)
    pid = project["id"]
    people = {role: account(director, f"a11y_{role}", role, [pid])["username"] for role in ROLES[1:]}
    people["director"] = director.username
    return {"pid": pid, "url": system.url(), "director": director, "people": people,
            "name_of": project_names(director)}


@pytest.fixture(scope="module")
def visited():
    return set()


def axe_violations(driver):
    """axe's serious and critical violations on the page as it is now."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(90)
    answer = json.loads(driver.execute_async_script(RUN, TAGS))
    assert not isinstance(answer, dict), answer
    return [v for v in answer if v["impact"] in SEVERE]


def settled(driver):
    """The page drew its data: no loading mask, skeleton or busy table left, no transition
    running (a fading element's colours are not its own). Vue puts its *-enter-active class on
    an element a frame before the CSS transition starts, so an element that has it counts as
    moving although getAnimations() does not list it yet."""
    return not [e for e in driver.find_elements(By.CSS_SELECTOR, ".el-loading-mask, .el-skeleton")
                if e.is_displayed()] and driver.execute_script(
        "return !document.querySelector('[aria-busy=\"true\"], [class*=\"-enter-active\"],"
        " [class*=\"-leave-active\"]')"
        " && document.getAnimations().filter((a) => a.playState === 'running'"
        " && a.effect && a.effect.getTiming().iterations !== Infinity).length === 0")


def report(found):
    lines = []
    for page, violations in found.items():
        for v in violations:
            lines.append(f"{page}: {v['id']} ({v['impact']}) {v['help']}")
            lines += [f"    {n['target']}: {n['html']}\n      {n['summary']}" for n in v["nodes"]]
    return "\n".join(lines)


def test_the_login_page_passes_axe(browser, site):
    browser.get(site["url"] + "/console/#/login")
    wait(browser, lambda d: d.find_elements(By.ID, "login-button"), "the login form")
    found = axe_violations(browser)
    assert found == [], report({"login": found})


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_passes_axe(browser, site, visited, role):
    password = DIRECTOR[1] if role == "director" else STAFF_PASSWORD
    sign_in(browser, site, site["people"][role], password, page=None)
    pages = [p for p in nav(browser) if p not in visited]
    found = {}
    for page in pages:
        browser.find_element(By.CSS_SELECTOR, f'#nav a[data-page="{page}"]').click()
        wait(browser, lambda d: d.current_url.endswith(f"#/{page}"), f"the page {page}")
        wait(browser, settled, f"the page {page} with its data")
        violations = axe_violations(browser)
        if violations:
            found[page] = violations
            shot(browser, f"a11y-{page}.png")
        visited.add(page)
        if page == "wall":  # the wall is full screen, without the navigation: back to the shell
            browser.back()
            wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#nav a"), "the navigation again")
    assert found == {}, report(found)
