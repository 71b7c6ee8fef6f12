"""/api/docs is Swagger UI on the gateway's own OpenAPI document (issue 17), served by the
gateway (gateway/docs_page: Swagger UI's files from swagger-ui-bundle-v2, the npm package
swagger-ui-dist vendored), nothing from outside: the page and its files are served with their
types and a CSP of this origin only, other names are 404, and in Chromium the page draws every
topic and the operations of the document with no script error, no CSP refusal and no request
to another origin."""
from urllib.parse import urlsplit

import requests
from selenium.webdriver.common.by import By

from tests.browser import browser, built_console, no_console_errors, shot, wait  # noqa: F401 (fixtures)


def test_the_docs_page_and_its_files_are_served_from_here(system):
    url = system.url()
    page = requests.get(url + "/api/docs", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "http:" not in page.text and "https:" not in page.text and "<script>" not in page.text
    for name, kind in (("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css"),
                       ("docs.js", "text/javascript"), ("favicon-32x32.png", "image/png")):
        answer = requests.get(f"{url}/api/docs/{name}", timeout=10)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(kind), name
    assert "validatorUrl: null" in requests.get(url + "/api/docs/docs.js", timeout=10).text
    for bad in ("index.j2", "oauth2-redirect.html", "..%2fservice.py", "nothing.js"):
        answer = requests.get(f"{url}/api/docs/{bad}", timeout=10)
        assert answer.status_code == 404 and answer.json()["error"] == "NO_ROUTE", bad


def test_swagger_ui_draws_the_document_in_chromium_with_nothing_from_outside(system, browser):
    url = system.url()
    browser.get(url + "/api/docs")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock-tag")) > 10, "the document's topics")
    tags = {e.get_attribute("data-tag") for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-tag")}
    assert {"core", "crm_customers", "finance_money"} <= tags
    browser.find_element(By.CSS_SELECTOR, '.opblock-tag[data-tag="core"]').click()
    hold = wait(browser, lambda d: d.find_elements(By.ID, "operations-core-holdUnit"), "the hold operation")[0]
    assert "/api/units/{unit_id}/holds" in hold.text
    shot(browser, "api-docs.png")
    origins = browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)")
    here = urlsplit(url).netloc
    assert [o for o in origins if urlsplit(o).netloc not in ("", here)] == []
    no_console_errors(browser)
