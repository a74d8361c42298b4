"""The views in real headless Chromium, with no network: each is drawn, with its nodes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.requests = []
    page.errors = []

    def record(route):
        url = route.request.url
        page.requests.append(url)
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", record)
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    yield page
    context.close()


def open_view(page, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-drawn='true']", timeout=60_000)


def canvas_colours(page) -> int:
    return page.evaluate("""() => {
        const c = document.querySelector('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2] + ',' + d[i+3]);
        return seen.size;
    }""")


@pytest.mark.parametrize("name", ["references", "posts", "concepts", "discussion", "people-concepts"])
def test_each_view_is_drawn_offline_with_all_its_nodes(page, seeds_build, name):
    out, _ = seeds_build
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    open_view(page, out / "views" / f"{name}.html")
    assert int(page.get_attribute("body", "data-nodes")) == stats["projections"][name]["nodes"]
    assert int(page.get_attribute("body", "data-edges")) == stats["projections"][name]["edges"]
    if stats["projections"][name]["nodes"]:
        assert canvas_colours(page) > 3  # something is drawn on the canvas
    assert all(url.startswith("file:") for url in page.requests), page.requests
    assert page.errors == []


def test_index_links_to_every_view(page, seeds_build):
    out, _ = seeds_build
    page.goto((out / "views" / "index.html").resolve().as_uri())
    links = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    assert set(links) >= {"references.html", "concepts.html"}
    assert all(url.startswith("file:") for url in page.requests)


def test_search_filters_and_click_shows_evidence(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "references.html")
    total = int(page.get_attribute("body", "data-visible-nodes"))
    page.fill("#search", "Schneider")
    shown = int(page.get_attribute("body", "data-visible-nodes"))
    assert 0 < shown < total
    page.fill("#search", "")
    assert int(page.get_attribute("body", "data-visible-nodes")) == total
    node = "https://kg.example/person/martin-schneider"
    page.evaluate(f"window.kg.showNode({json.dumps(node)})")
    details = page.inner_text("#details")
    assert "Martin Schneider" in details and "What is ITs role" in details
