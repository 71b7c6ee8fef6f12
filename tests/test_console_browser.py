"""The web console end to end in headless Chromium (Debian chromium + chromium-driver, driven
by Selenium), against the whole system: sign-in, the 销控 board and its colours (checked on a
screenshot), the board following a hold made elsewhere, walk-in registration with the
rotation's advisor, the daily report and its chart, and the role-aware navigation.
Screenshots are kept in var/screenshots/."""
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from loupan.testing import wait_until
from tests.api import DIRECTOR, make_project
from tests.conftest import staff

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
# the console's status colours (gateway/console/style.css)
AVAILABLE = (0x2E, 0x7D, 0x32)
HELD = (0xF9, 0xA8, 0x25)
WAIT = 20  # seconds: the board polls every 2 s; the rest is one or two API calls


# a PNG decoder small enough to keep here (8-bit RGB/RGBA, not interlaced: what Chromium writes) --
def png_pixels(data):
    """(width, height, channels, rows): rows are bytes of width*channels, filters undone."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        unfilter(kind, line, previous, channels)
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def unfilter(kind, line, up, bpp):
    if kind == 0:
        return
    if kind == 2:
        line[:] = bytes((a + b) & 0xFF for a, b in zip(line, up))
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + ((left + up[i]) >> 1)) & 0xFF
        elif kind == 4:
            upper_left = up[i - bpp] if i >= bpp else 0
            p = left + up[i] - upper_left
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upper_left)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up[i] if pb <= pc else upper_left)) & 0xFF
        else:
            raise ValueError(f"bad PNG filter {kind}")


def colour_counts(png, colours, tolerance=3):
    width, height, channels, rows = png_pixels(png)
    counts = dict.fromkeys(colours, 0)
    for row in rows:
        for x in range(0, width * channels, channels):
            pixel = row[x:x + 3]
            for colour in colours:
                if all(abs(pixel[i] - colour[i]) <= tolerance for i in range(3)):
                    counts[colour] += 1
    return width, height, counts


# fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    assert not missing, f"{missing} missing: apt-get install chromium chromium-driver (scripts/test.sh does it)"
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never look for a browser online
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--force-color-profile=srgb", "--hide-scrollbars", "--window-size=1280,900",
                "--lang=zh-CN"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def site(system, director):
    project, unit_ids = make_project(director, "控台花园", units=8)
    pid = project["id"]
    advisor = staff(system, director, "console_adv", "advisor", [pid])
    advisor_id = {a["username"]: a["id"] for a in director.ok(director.get("/api/accounts"))}["console_adv"]
    course = director.ok(director.post("/api/courses", {"title": "上岗考核", "kind": "pitch", "project_id": pid,
                                                        "is_certification": True}), 201)
    director.ok(director.post(f"/api/courses/{course['id']}/exams", {"account_id": advisor_id, "score": "95.00"}), 201)
    advisor.ok(advisor.post(f"/api/projects/{pid}/clock", {"kind": "in"}), 201)
    wait_until(lambda: advisor_id in [q["account_id"] for q in
                                      director.ok(director.get(f"/api/projects/{pid}/rotation"))["queue"]],
               timeout=30, what="the advisor on the rotation")
    staff(system, director, "console_dev", "developer_viewer", [pid])
    return {"pid": pid, "units": unit_ids, "advisor_id": advisor_id, "director": director, "url": system.url()}


def wait(driver, condition, what):
    try:
        return WebDriverWait(driver, WAIT, poll_frequency=0.2,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                             ).until(lambda d: condition(d))
    except WebDriverException as exc:
        page = driver.find_element(By.ID, "view").text[:500] if driver.find_elements(By.ID, "view") else ""
        raise AssertionError(f"timed out waiting for {what}: {exc.msg}; the page shows: {page!r}") from None


def sign_in(driver, site, username, password):
    driver.get(site["url"] + "/console/")
    driver.execute_script("sessionStorage.clear()")  # whoever signed in before
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.ID, "login-form"), "the login form")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-button").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#nav a"), "the navigation after login")
    select = driver.find_element(By.ID, "project")
    if select.get_attribute("value") != str(site["pid"]):
        driver.execute_script("const s = arguments[0]; s.value = arguments[1];"
                              "s.dispatchEvent(new Event('change'));", select, str(site["pid"]))


def nav(driver):
    return [a.get_attribute("data-page") for a in driver.find_elements(By.CSS_SELECTOR, "#nav a")]


def cell(driver, unit_id):
    found = driver.find_elements(By.CSS_SELECTOR, f'td.unit[data-unit-id="{unit_id}"]')
    return found[0] if found else None


def rgb(css):
    return tuple(int(float(v)) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def hold(site, unit_id, name, phone):
    director = site["director"]
    return director.ok(director.post(f"/api/units/{unit_id}/holds",
                                     {"customer_name": name, "customer_phone": phone}), 201)


# the pages are served ------------------------------------------------------------------------
def test_the_console_is_served_public_with_types_and_cache_headers(site):
    url = site["url"]
    index = requests.get(url + "/console/", timeout=10)
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in index.headers["Content-Security-Policy"]
    assert "楼盘" in index.text and "http" not in index.text.split("<body>")[0]  # nothing from outside
    script = requests.get(url + "/console/app.js", timeout=10)
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert script.headers["Cache-Control"] == "no-cache" and script.headers["ETag"]
    again = requests.get(url + "/console/app.js", headers={"If-None-Match": script.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    assert requests.get(url + "/console/style.css", timeout=10).headers["Content-Type"].startswith("text/css")
    for bad in ("/console/nothing.js", "/console/../routes/console.py", "/console/%2e%2e/service.py"):
        assert requests.get(url + bad, timeout=10).status_code == 404, bad
    moved = requests.get(url + "/console", allow_redirects=False, timeout=10)
    assert (moved.status_code, moved.headers["Location"].endswith("/console/")) == (301, True)
    document = requests.get(url + "/api/openapi.json", timeout=10).json()
    assert "/api/projects/{project_id}/board" in document["paths"]
    assert not [p for p in document["paths"] if p.startswith("/console")]
    assert requests.get(url + "/api/docs", timeout=10).status_code == 200


# the board -----------------------------------------------------------------------------------
def test_the_board_renders_its_colours_and_follows_a_hold_within_seconds(browser, site):
    units = site["units"]
    hold(site, units[0], "李女士", "13900139000")
    sign_in(browser, site, site["director"].username, DIRECTOR[1])
    assert nav(browser) == ["board", "visits", "customers", "report"]
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "td.unit")) == 8, "8 unit cells")
    assert cell(browser, units[0]).get_attribute("data-status") == "held"
    assert cell(browser, units[1]).get_attribute("data-status") == "available"
    totals = {t.get_attribute("data-status"): t.find_element(By.CSS_SELECTOR, ".count").get_attribute("data-count")
              for t in browser.find_elements(By.CSS_SELECTOR, "#board-totals .total")}
    assert totals == {"available": "7", "held": "1"}

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "board.png"
    assert browser.save_screenshot(str(path))
    width, height, counts = colour_counts(path.read_bytes(), (AVAILABLE, HELD))
    assert width == 1280 and height >= 600 and path.stat().st_size > 10_000
    cell_size = cell(browser, units[1]).size
    cell_area = cell_size["width"] * cell_size["height"]
    # seven available cells and one held one, plus the swatches of the totals
    assert counts[AVAILABLE] >= 7 * cell_area * 0.7, counts
    assert cell_area * 0.7 <= counts[HELD] <= 3 * cell_area, counts

    target = cell(browser, units[5])
    assert rgb(target.value_of_css_property("background-color")) == AVAILABLE
    hold(site, units[5], "王先生", "13900139001")  # made elsewhere: the board follows by itself
    wait(browser, lambda d: cell(d, units[5]).get_attribute("data-status") == "held", "the held cell")
    assert rgb(cell(browser, units[5]).value_of_css_property("background-color")) == HELD
    browser.save_screenshot(str(SCREENSHOTS / "board-after-hold.png"))


# walk-ins and the daily report ------------------------------------------------------------------
def test_a_walk_in_is_registered_and_shows_the_rotations_advisor(browser, site):
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="visits"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'#rotation-queue li[data-account-id="{site["advisor_id"]}"]'),
         "the advisor in the rotation queue")
    assert browser.find_element(By.ID, "rotation-queue").text.strip() == "console_adv"
    browser.find_element(By.ID, "visit-name").send_keys("赵女士")
    browser.find_element(By.ID, "visit-mobile").send_keys("13700137000")
    browser.find_element(By.ID, "visit-submit").click()
    assigned = wait(browser, lambda d: d.find_elements(By.ID, "assigned-advisor"), "the assigned advisor")[0]
    assert assigned.text == "console_adv" and assigned.get_attribute("data-account-id") == str(site["advisor_id"])
    assert "轮序" in browser.find_element(By.ID, "visit-result").text
    wait(browser, lambda d: "赵女士" in d.find_element(By.ID, "visits-today").text, "the visit in today's list")
    browser.save_screenshot(str(SCREENSHOTS / "visits.png"))


def report_visits(driver):
    figure = driver.find_elements(By.CSS_SELECTOR, '#report-totals [data-key="visits"] .value')
    return int(figure[0].get_attribute("data-value")) if figure and figure[0].get_attribute("data-value") else None


def test_the_daily_report_counts_the_new_visit_and_draws_bars(browser, site):
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="report"]').click()
    before = wait(browser, report_visits, "the report's visit count")
    assert before >= 1  # the walk-in registered in the browser
    director, pid = site["director"], site["pid"]
    director.ok(director.post(f"/api/projects/{pid}/visits", {"customer_name": "钱先生", "mobile": "13600136000"}), 201)
    clicked = []

    def counted(driver):  # refresh as a user would, at most every 3 s, until the new visit shows
        if report_visits(driver) == before + 1:
            return True
        if not clicked or time.monotonic() - clicked[-1] > 3:
            driver.find_element(By.ID, "report-refresh").click()
            clicked.append(time.monotonic())
        return False
    wait(browser, counted, f"the visit count to reach {before + 1}")
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart-totals rect.bar")
    heights = {b.get_attribute("data-category"): float(b.get_attribute("height")) for b in bars}
    assert len(bars) >= 5 and heights["来访"] > 0
    advisor_bars = browser.find_elements(By.CSS_SELECTOR, '#chart-advisors rect.bar[data-series="来访"]')
    assert sum(int(b.get_attribute("data-value")) for b in advisor_bars) == before + 1
    browser.save_screenshot(str(SCREENSHOTS / "report.png"))


# what each role sees -------------------------------------------------------------------------
def test_the_advisor_sees_their_customers_and_the_developer_no_customer_pages(browser, site):
    sign_in(browser, site, "console_adv", "password-123")
    assert nav(browser) == ["board", "visits", "customers", "report"]
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="customers"]').click()
    wait(browser, lambda d: "赵女士" in d.find_element(By.ID, "customer-list").text, "the walk-in among my customers")
    assert browser.find_elements(By.ID, "overdue-list")
    sign_in(browser, site, "console_dev", "password-123")
    assert nav(browser) == ["board", "report"]
    browser.get(site["url"] + "/console/#/customers")  # not in the menu, and not reachable by address
    wait(browser, lambda d: d.current_url.endswith("#/board"), "the board instead of the customer list")
    assert not browser.find_elements(By.ID, "customer-list")
