"""What the console's browser tests share (tests/test_console_*browser.py): the console built
from web/, headless Chromium (Debian chromium + chromium-driver, driven by Selenium), signing in
through the login page, waiting as a user would, screenshots in var/screenshots/
(LOUPAN_SCREENSHOTS moves them; never committed), and a small PNG reader to check colours.

A module's `site` is a dict with at least `url` (the system's), `pid` (the project to show after
sign-in) and `name_of` (project id -> name)."""
import os
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = Path(os.environ.get("LOUPAN_SCREENSHOTS") or ROOT / "var" / "screenshots")
STAFF_PASSWORD = "Console-Desk-2026"  # the accounts the browser tests make
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



@pytest.fixture(scope="module")
def built_console():
    """The Vue console built from web/ (scripts/build_console.sh: skipped when web/dist matches
    its sources; scripts/test.sh has run it already)."""
    result = subprocess.run(["bash", str(ROOT / "scripts" / "build_console.sh")], capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, f"the console did not build:\n{result.stdout}\n{result.stderr}"
    assert (ROOT / "web" / "dist" / "index.html").is_file()


@pytest.fixture(scope="module")
def browser(built_console):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    assert not missing, f"{missing} missing: apt-get install chromium chromium-driver (scripts/test.sh does it)"
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never look for a browser online
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--force-color-profile=srgb", "--hide-scrollbars", "--window-size=1600,1000",
                "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def account(director, name, role, project_ids):
    """A new account of the director's agency, named `name` (its login name is the one the
    answer gives)."""
    return director.ok(director.post("/api/accounts", {"username": name, "password": STAFF_PASSWORD,
                                                       "full_name": name, "role": role,
                                                       "project_ids": project_ids}), 201)



def wait(driver, condition, what):
    try:
        return WebDriverWait(driver, WAIT, poll_frequency=0.2,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                             ).until(lambda d: condition(d))
    except WebDriverException as exc:
        page = driver.find_element(By.TAG_NAME, "body").text[:600]
        raise AssertionError(f"timed out waiting for {what}: {exc.msg}; the page shows: {page!r}") from None


def shot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert driver.save_screenshot(str(path))
    return path


def sign_in(driver, site, username, password, project=None, page="board"):
    """Through the Vue console's login page; then the project `project` (default: site's) and
    the page `page` from the navigation (None: stay on the landing page, 今日工作 for whoever
    has follow-ups to do)."""
    driver.get(site["url"] + "/console/#/login")
    driver.execute_script("sessionStorage.clear()")  # whoever signed in before
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.ID, "login-button"), "the login form")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-button").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#nav a"), "the navigation after login")
    switch_project(driver, project or site["name_of"](site["pid"]))
    if page:
        driver.find_element(By.CSS_SELECTOR, f'#nav a[data-page="{page}"]').click()
        wait(driver, lambda d: d.current_url.endswith(f"#/{page}"), f"the page {page}")


def switch_project(driver, name):
    """Pick a project in the header's switcher (an Element Plus select) as a user would."""
    box = driver.find_element(By.CSS_SELECTOR, ".project-switcher")
    if name in box.text:
        return
    box.click()
    option = wait(driver, lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, ".el-select-dropdown__item")
                                     if o.is_displayed() and o.text.strip() == name], f"the option {name}")[0]
    option.click()
    wait(driver, lambda d: name in d.find_element(By.CSS_SELECTOR, ".project-switcher").text, f"{name} chosen")


def nav(driver):
    return [a.get_attribute("data-page") for a in driver.find_elements(By.CSS_SELECTOR, "#nav a")]


def rgb(css):
    return tuple(int(float(v)) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def no_console_errors(driver):
    """Nothing refused by the CSP, no script error (the browser's log since the last call)."""
    bad = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"
           and "/api/" not in e["message"]]  # an API's 4xx is logged by the browser; the page handles it
    assert bad == [], bad




def project_names(director):
    """id -> name of the projects the director sees (for a site's `name_of`)."""
    return {p["id"]: p["name"] for p in director.ok(director.get("/api/projects"))}.__getitem__
