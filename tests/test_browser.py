"""The views in real headless Chromium, with every request that is not a local file refused:
each view is drawn with all its nodes, search and filters change what is shown, a real
mouse click on a node or an edge shows its evidence, hostile text stays text, and a
5,000-node graph opens."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import networkx as nx
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
VIEWS = ["references", "posts", "concepts", "discussion", "people-concepts"]
HOSTILE = '</script><script>alert(1)</script><img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a>'
MITCH = "https://kg.example/person/mitch-lieberman"
IRVING = "https://kg.example/person/irving-wladawsky-berger"
MARTIN = "https://kg.example/person/martin-schneider"

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
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.dialogs = []

    def record(route):
        url = route.request.url
        page.requests.append(url)
        if url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    def dialog(d):
        page.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", record)
    page.console_errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("dialog", dialog)
    yield page
    context.close()


def open_view(page, path: Path, timeout: int = 60_000) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-drawn='true'][data-stable='true']", timeout=timeout)


def visible(page) -> tuple[int, int]:
    return int(page.get_attribute("body", "data-visible-nodes")), int(page.get_attribute("body", "data-visible-edges"))


def canvas_colours(page) -> int:
    return page.evaluate("""() => {
        const c = document.querySelector('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2] + ',' + d[i+3]);
        return seen.size;
    }""")


def node_point(page, iri: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    return tuple(page.evaluate("""(iri) => {
        const id = window.kg.id(iri), net = window.kg.network;
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        const r = document.getElementById('graph').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", iri))


def set_weight(page, value: float) -> None:
    page.evaluate("(v) => { const w = document.getElementById('weight'); w.value = String(v); "
                  "w.dispatchEvent(new Event('input')); }", value)


@pytest.mark.parametrize("name", VIEWS)
def test_each_view_is_drawn_offline_with_all_its_nodes(page, seeds_build, name):
    out, _ = seeds_build
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))["projections"][name]
    open_view(page, out / "views" / f"{name}.html")
    assert int(page.get_attribute("body", "data-nodes")) == stats["nodes"]
    assert int(page.get_attribute("body", "data-edges")) == stats["edges"]
    assert visible(page) == (stats["nodes"], stats["edges"])
    if stats["nodes"]:
        assert canvas_colours(page) > 3  # something is drawn on the canvas
        assert not page.is_visible("#loading")
    else:
        assert "Nothing to draw" in page.inner_text("#loading")
    assert page.requests and all(url.startswith("file:") for url in page.requests), page.requests
    assert page.errors == []


def test_index_links_to_every_view(page, seeds_build):
    out, _ = seeds_build
    page.goto((out / "views" / "index.html").resolve().as_uri())
    links = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    assert set(links) >= {f"{name}.html" for name in VIEWS}
    assert all(url.startswith("file:") for url in page.requests)


def test_search_shows_the_match_and_its_neighbours(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "references.html")
    total = visible(page)
    page.fill("#search", "schneider")
    # Martin Schneider, who cites Umberto Miletti and is cited by Mitch Lieberman
    assert visible(page) == (3, 2)
    assert page.inner_text("#results") == "Martin Schneider"
    page.fill("#search", "nobody of that name")
    assert visible(page) == (0, 0) and "No node" in page.inner_text("#results")
    page.fill("#search", "")
    assert visible(page) == total


def test_type_community_and_weight_filters_change_what_is_shown(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "references.html")
    data = page.evaluate("window.kg.data")
    nodes, edges = visible(page)
    organisations = sum(1 for n in data["nodes"] if n["kind"] == "organisation")
    page.uncheck("#kinds input[value='organisation']")
    with_orgs = sum(1 for e in data["edges"] if "organisation" in (data["nodes"][e["from"]]["kind"], data["nodes"][e["to"]]["kind"]))
    assert organisations == 5 and with_orgs == 5  # CEB, Wikipedia, ISRS, Buffer cited; CRM Outsiders cites
    assert visible(page) == (nodes - organisations, edges - with_orgs)
    page.check("#kinds input[value='organisation']")
    assert visible(page) == (nodes, edges)

    first = data["communities"][0]
    page.select_option("#community", str(first["id"]))
    assert visible(page)[0] == first["size"] < nodes
    page.select_option("#community", "")

    set_weight(page, 2)  # Mitch -> CEB (4), Irving (2), Wikipedia (2); Dave Marsay -> ISRS (2)
    assert visible(page) == (6, 4)
    set_weight(page, 1)
    assert visible(page) == (nodes, edges)


def test_a_click_on_a_node_shows_its_names_documents_and_evidence(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "references.html")
    x, y = node_point(page, MITCH)
    page.mouse.click(x, y)
    page.wait_for_selector(f"body[data-selected='{MITCH}']")
    details = page.inner_text("#details")
    assert details.startswith("Mitch Lieberman") and "Also called: Mitch" in details
    assert "001_787f81ed9a464c78.txt" in details and "003_faa050c178f4e7de.txt" in details
    assert "Irving Wladawsky-Berger" in details and "Martin Schneider" in details  # connections
    x, y = node_point(page, MARTIN)
    page.mouse.click(x, y)
    page.wait_for_selector(f"body[data-selected='{MARTIN}']")
    details = page.inner_text("#details")
    assert details.startswith("Martin Schneider")
    assert "What is ITs role in the Social CRM Revolution" in details  # the sentence Mitch cites him in
    assert "001_787f81ed9a464c78.txt" in details


def test_a_click_on_an_edge_shows_the_citations_behind_it(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "references.html")
    (ax, ay), (bx, by) = node_point(page, MITCH), node_point(page, IRVING)
    page.mouse.click(ax + (bx - ax) * 0.55, ay + (by - ay) * 0.55)
    page.wait_for_selector("body[data-selected^='edge:']")
    details = page.inner_text("#details")
    assert details.startswith("Mitch Lieberman → Irving Wladawsky-Berger") and "2 citations" in details
    assert "IT in the age of the Cloud" in details


def test_the_ideas_view_connects_cloud_computing_with_the_role_of_it(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "concepts.html")
    page.fill("#search", "cloud computing")
    shown = page.evaluate("""() => window.kg.data.nodes.filter(n => !window.kg.network.body.data.nodes.get(n.id).hidden)
                                                     .map(n => n.name)""")
    assert {"cloud computing", "role of IT", "SaaS"} <= set(shown)
    page.click("#results button")
    details = page.inner_text("#details")
    assert details.startswith("cloud computing") and "Also called:" in details and "the cloud" in details


def test_colour_by_type_or_community(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "people-concepts.html")
    colours = "() => new Set(window.kg.network.body.data.nodes.get().map(n => n.color)).size"
    by_kind = page.evaluate(colours)
    legend = page.inner_text("#legend")
    page.select_option("#color-by", "community")
    assert page.evaluate(colours) > by_kind == 2
    assert page.inner_text("#legend") != legend and "1:" in page.inner_text("#legend")


def test_the_discussion_view_shows_a_reply_and_what_it_answers(page, seeds_build):
    out, _ = seeds_build
    open_view(page, out / "views" / "discussion.html")
    comment = "https://kg.example/post/001-787f81ed9a464c78/comment/6"
    x, y = node_point(page, comment)
    page.mouse.click(x, y)
    page.wait_for_selector(f"body[data-selected='{comment}']")
    details = page.inner_text("#details")
    assert details.startswith("Martin Schneider") and "The Socialization of IT" in details
    assert "Mitch – thanks for illuminating" in details


def hostile_analysis():
    from kg.analyze import Analysis

    g = nx.DiGraph()
    g.add_edge("a", "b", weight=1)
    a = Analysis(graphs={"references": g, "posts": nx.DiGraph(), "concepts": nx.Graph(), "discussion": nx.DiGraph(),
                         "people-concepts": nx.Graph()})
    a.labels = {"a": HOSTILE, "b": "Bob"}
    a.kinds = {"a": "person", "b": "person"}
    a.aliases = {"a": [HOSTILE]}
    a.facts = {"a": [("author", HOSTILE)]}
    a.documents_of = {"a": [HOSTILE]}
    a.node_evidence = {"a": [{"sentence": HOSTILE, "document": HOSTILE}]}
    a.edge_evidence = {"references": {("a", "b"): [{"sentence": HOSTILE, "document": HOSTILE, "kind": "cites"}]}}
    for name in a.graphs:
        a.measure(name)
    return a


def test_hostile_text_shows_literally_and_never_runs(page, tmp_path):
    from kg.render import write_views

    a = hostile_analysis()
    write_views(a, a.to_stats(documents=1, skipped=[HOSTILE]), tmp_path)
    for name in ("index", "references"):
        page.goto((tmp_path / f"{name}.html").resolve().as_uri())
    page.wait_for_selector("body[data-stable='true']")
    page.fill("#search", "<script>")
    assert page.inner_text("#results") == HOSTILE
    page.fill("#search", "")
    x, y = node_point(page, "a")
    page.mouse.click(x, y)
    page.wait_for_selector("body[data-selected='a']")
    details = page.inner_text("#details")
    assert details.count(HOSTILE) >= 4  # name, alias, fact, document, evidence: all as text
    assert page.evaluate("document.querySelectorAll('#details img, #details script, #details a, #results img').length") == 0
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.errors == []
    assert all(url.startswith("file:") for url in page.requests)


def big_analysis(n: int = 5000):
    """A synthetic reference graph: n nodes, about 2n edges, three kinds."""
    from kg.analyze import Analysis

    base = nx.barabasi_albert_graph(n, 2, seed=7)
    g = nx.DiGraph()
    g.add_edges_from(((u, v) if (u + v) % 2 else (v, u)) for u, v in base.edges)
    g = nx.relabel_nodes(g, {i: f"https://kg.example/person/n{i}" for i in g})
    for i, (u, v) in enumerate(g.edges):
        g[u][v]["weight"] = 1 + i % 3
    a = Analysis(graphs={"references": g, "posts": nx.DiGraph(), "concepts": nx.Graph(), "discussion": nx.DiGraph(),
                         "people-concepts": nx.Graph()})
    kinds = ("person", "organisation", "work")
    for i in range(n):
        node = f"https://kg.example/person/n{i}"
        a.labels[node] = f"Node {i}"
        a.kinds[node] = kinds[i % 3]
        a.documents_of[node] = [f"doc-{i % 97}.txt"]
        a.node_evidence[node] = [{"sentence": f"Node {i} is named here.", "document": f"doc-{i % 97}.txt"}]
    for name in a.graphs:
        a.measure(name)
    return a


def test_a_5000_node_graph_opens_and_is_usable(page, tmp_path):
    from kg.render import views_of, render_view

    a = big_analysis()
    view = views_of(a)[0]
    started = time.perf_counter()
    html = render_view(view, a)
    rendered = time.perf_counter() - started
    path = tmp_path / "references.html"
    path.write_text(html, encoding="utf-8")
    started = time.perf_counter()
    open_view(page, path, timeout=120_000)
    drawn = time.perf_counter() - started
    print(f"5,000 nodes: rendered in {rendered:.1f} s ({len(html.encode()):,} bytes), first drawn after {drawn:.1f} s")
    assert int(page.get_attribute("body", "data-nodes")) == 5000 and visible(page)[0] == 5000
    assert canvas_colours(page) > 3 and page.errors == []
    assert all(url.startswith("file:") for url in page.requests)
    started = time.perf_counter()
    page.fill("#search", "node 4242")
    assert visible(page)[0] == 1 + len(set(a.references.predecessors("https://kg.example/person/n4242"))
                                       | set(a.references.successors("https://kg.example/person/n4242")))
    print(f"search answered after {time.perf_counter() - started:.1f} s")  # (timings: printed, not asserted)
    page.click("#results button")  # focus on the node, then a real click on it
    x, y = node_point(page, "https://kg.example/person/n4242")
    page.mouse.click(x, y)
    page.wait_for_selector("body[data-selected='https://kg.example/person/n4242']")
    assert "Node 4242 is named here." in page.inner_text("#details")


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory):
    """``kg build`` of documents full of script, image and javascript: text."""
    from kg.config import Config
    from kg.pipeline import build

    from .test_hostile_text import write_hostile_corpus

    root = tmp_path_factory.mktemp("hostile-views")
    build([write_hostile_corpus(root / "corpus")], root / "out", Config())
    return root / "out"


@pytest.mark.parametrize(("view", "iri", "shown"), [
    ("concepts", "https://kg.example/concept/script-script-alert-1-script",
     ["</script><script>alert(1)</script>", "Mitch Lieberman wrote “</script><script>alert(1)</script>”"]),
    ("references", "https://kg.example/person/martin-schneider",
     ["Martin Schneider said, “<img src=x onerror=alert(2)> is the answer”."]),
])
def test_a_built_document_with_script_shows_it_as_text(page, hostile_pages, view, iri, shown):
    for name in ("index", view):
        page.goto((hostile_pages / "views" / f"{name}.html").resolve().as_uri())
    page.wait_for_selector("body[data-stable='true']")
    x, y = node_point(page, iri)
    page.mouse.click(x, y)
    page.wait_for_selector(f"body[data-selected='{iri}']")
    details = page.inner_text("#details")
    for text in shown:
        assert text in details
    assert page.evaluate("document.querySelectorAll('script').length") == 2  # the library and the view
    assert page.evaluate("document.querySelectorAll('#details *:not(h2):not(h3):not(p):not(ul):not(li):not(div)"
                         ":not(table):not(tr):not(th):not(td):not(button):not(span)').length") == 0
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.errors == [] and page.console_errors == []
    assert all(url.startswith("file:") for url in page.requests), page.requests
