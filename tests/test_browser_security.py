"""Stored and reflected payloads in a real browser: headless Debian Chromium, a real `datasette serve`.

Every payload in the hostile database (see test_security.py) would set ``window.__xss`` or open
a dialog if it ran. Each page is loaded, every element is hovered, focused and sent the events
a payload listens for, and then ``window.__xss`` must still be undefined and no dialog seen.
"""
import sqlite3
import urllib.parse
import urllib.request

import pytest
from datasette.utils import tilde_encode

from test_browser import open_page
from test_security import PAYLOADS, JS_URL, build_hostile_db, route_paths

pytestmark = pytest.mark.browser

PROVOKE = """() => {
  for (const el of document.querySelectorAll('body *')) {
    for (const type of ['mouseover', 'mouseenter', 'click', 'focus', 'load', 'error']) {
      if (type === 'click' && (el.tagName === 'A' || el.tagName === 'BUTTON' || el.tagName === 'SUMMARY'
                               || el.tagName === 'OPTION' || el.tagName === 'SELECT')) continue;
      el.dispatchEvent(new Event(type, {bubbles: false}));
    }
    if (el.focus) el.focus();
  }
  return {
    xss: typeof window.__xss === 'undefined' ? null : String(window.__xss),
    javascriptLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || e.getAttribute('formaction'))
      .filter(v => /^\\s*(javascript|vbscript|data):/i.test(v || '')),
    handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.startsWith('on') && !(e.tagName === 'SELECT' && a.value === 'this.form.submit()'))
      .map(a => e.tagName + ' ' + a.name)),
    injected: document.querySelectorAll('iframe, img, object, embed, [autofocus], [srcdoc]').length,
  };
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """``datasette serve`` on the hostile database."""
    from benchmarks.serve_load import Server

    path = build_hostile_db(tmp_path_factory.mktemp("browser-hostile"))
    with Server(path, metadata=None) as running:
        yield running.base, path


@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, page = open_page(p, height=1200)
        # Nothing a payload names may be fetched (a CSS url() to example.invalid, for one).
        page.requests = []
        page.on("request", lambda r: page.requests.append(r.url))
        yield page
        browser.close()


def hostile_urls(path):
    db = sqlite3.connect(str(path))
    slugs = [r[0] for r in db.execute("select slug from frames")]
    ids = [r[0] for r in db.execute("select id from documents")]
    outlets = [r[0] for r in db.execute("select distinct outlet from documents")]
    db.close()
    paths = set()
    for slug in slugs:
        for document_id in ids:
            values = {"database": "hostile", "slug": slug, "document_id": tilde_encode(document_id)}
            paths.update(p for p, _, _ in route_paths(values, formats=("",)))
    urls = []
    for path in sorted(paths):
        urls += [path, path + "?labels=es", path + "?" + urllib.parse.urlencode([("outlet", o) for o in outlets])]
    # payloads reflected from the URL: 400 and 404 pages, and 200 pages that keep unknown parameters
    for p in PAYLOADS + [JS_URL]:
        quoted = urllib.parse.quote(p, safe="")
        urls += [f"/hostile/-/framing?outlet={quoted}", f"/hostile/-/framing?frame={quoted}",
                 f"/hostile/-/framing?zzz={quoted}", f"/hostile/-/framing/frames/{quoted}",
                 f"/hostile/-/framing/documents/{quoted}", f"/hostile/-/framing/documents/h-0?labels={quoted}"]
    return urls + ["/", "/hostile", "/hostile/documents"]


def test_no_payload_runs_in_the_browser(hostile_server, browser_page):
    base, path = hostile_server
    page = browser_page
    urls = hostile_urls(path)
    assert len(urls) > 60
    statuses = {}
    for url in urls:
        response = page.goto(base + url)
        statuses[url] = response.status
        assert response.status in (200, 400, 404), (url, response.status)
        page.wait_for_load_state("load")
        found = page.evaluate(PROVOKE)
        page.wait_for_timeout(20)  # let a handler queued by the events run before looking again
        assert page.evaluate("typeof window.__xss") == "undefined", (url, found)
        assert found["xss"] is None and found["javascriptLinks"] == [] and found["handlers"] == [], (url, found)
        assert found["injected"] == 0, (url, found)
    assert page.dialogs == []
    assert not [r for r in page.requests if not r.startswith(base)], "a payload made the page fetch from elsewhere"
    assert sum(1 for s in statuses.values() if s == 200) > 40
    assert {400, 404} <= set(statuses.values())


def test_payloads_show_as_text(hostile_server, browser_page):
    """The payloads are on the pages, as text a reader can see (so the test above tested them)."""
    base, _ = hostile_server
    page = browser_page
    page.goto(base + "/hostile/-/framing/documents/h-1?labels=es")
    assert page.locator("h1").inner_text() == "Title " + PAYLOADS[2]
    assert PAYLOADS[1] in page.locator(".framing-document-text").inner_text()
    original = page.locator(".framing-meta code").first.inner_text()
    assert original == JS_URL  # shown, not linked
    page.goto(base + "/hostile/-/framing?labels=es")
    assert ("Etiqueta " + PAYLOADS[2]) in page.locator("table.framing-prevalence").inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined" and page.dialogs == []
