"""The dashboard in a real browser: headless Debian Chromium driven by Playwright.

No browser is downloaded: Playwright launches /usr/bin/chromium (``executable_path``).
`.ci/run` installs the Debian package; with CI=true a missing browser fails the run.
"""
import os
import pathlib
import re
import shutil

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = pathlib.Path(__file__).parent / "screenshots"


def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; in CI the browser tests must run (apt-get install chromium)")
    pytest.skip("chromium is not installed here; CI installs it and runs these tests")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from benchmarks.serve_load import Server
    from conftest import build_two_sides_db

    path = build_two_sides_db(tmp_path_factory.mktemp("browser") / "framing.db")
    with Server(path, metadata=None) as running:
        yield running.base


def open_page(playwright, height=1600):
    """Headless Debian Chromium, offline; the page records every dialog a script opens."""
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    )
    page = browser.new_page(viewport={"width": 1280, "height": height})
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return browser, page


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, page = open_page(p)
        yield page
        browser.close()


def test_dashboard_filter_drilldown_and_screenshot(server, page):
    page.goto(server + "/framing/-/framing")
    assert page.locator("h1").inner_text().startswith("How US and MX frame the story")
    row = page.locator('tr[data-frame="sovereignty"]')
    assert "3/4" in row.inner_text().replace(" ", "") or "(3/4)" in row.inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    # change a filter: official statements only
    page.select_option('form.framing-filters select[name="kind"]', "official")
    page.click('form.framing-filters button[type="submit"]')
    page.wait_for_url(re.compile(r"kind=official"))
    assert "kind=official" in page.url
    sov = page.locator('tr[data-frame="sovereignty"]')
    link = sov.locator("td").nth(2).locator("a").first  # MX documents carrying the frame
    shown = int(link.inner_text())
    assert shown == 1
    # every other link on the page keeps the filter
    frame_href = page.locator('tr[data-frame="sovereignty"] td').first.locator("a").get_attribute("href")
    assert "kind=official" in frame_href

    link.click()
    page.wait_for_load_state()
    assert "/framing/document_frames" in page.url
    count_text = page.locator("h3").first.inner_text()
    assert re.match(rf"^{shown} rows?\b", count_text), count_text
    page.screenshot(path=str(SCREENSHOTS / "drilldown.png"))


def test_hostile_document_runs_no_script(server, page):
    page.goto(server + "/framing/-/framing/documents/mx-4")
    assert "<script>alert('title')</script>" in page.locator("h1").inner_text()
    page.goto(server + "/framing/-/framing?language=es")
    page.goto(server + "/framing/-/framing/frames/sovereignty")
    assert page.dialogs == []
