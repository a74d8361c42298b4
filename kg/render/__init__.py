"""Interactive views: the projections become self-contained HTML pages and an index.

Input: an :class:`~kg.analyze.Analysis` and the figures of ``stats.json``. Output: one
HTML page per projection plus ``index.html``, in a folder.

The data and options follow pyvis's model (vis-network's node, edge and option dicts);
the page itself is our own template, which inlines the vis-network script and stylesheet
shipped inside the pyvis package, so it loads nothing from the network (its
Content-Security-Policy forbids it). Text from documents reaches the page only as JSON
data, escaped by the template, and is put into the page with ``textContent``: it can never
run as script.

Large graphs stay usable: node positions are always computed here (:mod:`kg.layout`), and
above :data:`PHYSICS_LIMIT` nodes physics is off, so the first picture needs no
simulation; above :data:`MAX_NODES` nodes (or :data:`MAX_EDGES` edges) a page keeps the
most central nodes, or for the discussion the largest whole threads (and the strongest
edges), and says what it left out. Rendering never changes the analysis it draws.

- :mod:`kg.render.trimming`: what a page keeps of a large graph (pure functions)
- :mod:`kg.render.data`: a projection as the JSON its page draws
- this module: the pages (``kg/templates/view.html``) and the index
"""

from __future__ import annotations

import functools
import html
import importlib.util
import multiprocessing
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from kg.analyze import COUNTED, Analysis
from kg.collector import collection_paused
from kg.files import write_text
from kg.layout import KeptLayouts
from kg.render.data import PHYSICS_LIMIT, View, view_data, views_of
from kg.render.trimming import MAX_EDGES, MAX_NODES, trim, trim_components, trim_edges
from kg.workers import fork_pool

# --- pages ----------------------------------------------------------------------------------


@functools.cache
def _assets() -> tuple[str, str]:
    """The vis-network script and stylesheet bundled with pyvis (offline copies), read
    from its package folder without importing pyvis (which imports IPython: about 0.2
    CPU-s)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pyvis is not installed", name="pyvis")
    lib = Path(next(iter(spec.submodule_search_locations))).joinpath("templates", "lib", "vis-9.1.2")
    return lib.joinpath("vis-network.min.js").read_text(encoding="utf-8"), lib.joinpath("vis-network.css").read_text(encoding="utf-8")


@functools.cache
def _template() -> Any:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)
    source = resources.files("kg.templates").joinpath("view.html").read_text(encoding="utf-8")
    return env.from_string(source)


def _safe_script(js: str) -> Any:
    from markupsafe import Markup

    # The bundled library is trusted code; it must not close its own script element.
    return Markup(js.replace("</script", "<\\/script"))


def render_view(view: View, analysis: Analysis, layouts: KeptLayouts | None = None) -> str:
    """The HTML of one view (``layouts``: see :func:`~kg.render.data.view_data`)."""
    data, options, notes = view_data(view, analysis, layouts)
    vis_js, vis_css = _assets()
    return _template().render(title=view.title, description=view.description, data=data, options=options,
                              notes=notes, vis_js=_safe_script(vis_js), vis_css=vis_css)


def render_index(views: list[View], stats: dict[str, Any]) -> str:
    """The HTML of the index page: the views, headline figures and most cited."""
    e = html.escape
    items = "".join(
        f'<li><a href="{e(v.name)}.html">{e(v.title)}</a> — {v.graph.number_of_nodes():,} nodes, '
        f"{v.graph.number_of_edges():,} edges<br><small>{e(v.description)}</small></li>"
        for v in views
    )
    counts = stats.get("counts", {})
    figures = "".join(f"<tr><th>{e(str(k))}</th><td>{e(str(counts[k]))}</td></tr>"
                      for k in COUNTED
                      if k in counts)
    cited = "".join(f"<li>{e(str(p['name']))} ({e(str(p['citations']))})</li>"
                    for p in stats.get("most_cited", {}).get("people", [])[:5])
    concepts = "".join(f"<li>{e(str(c['name']))}</li>" for c in stats.get("central_concepts", [])[:5])
    skipped = stats.get("skipped", [])
    skipped_html = (f"<p>{len(skipped)} file(s) skipped:</p><ul>" + "".join(f"<li>{e(str(s))}</li>" for s in skipped[:50])
                    + "</ul>") if skipped else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>kg views</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;color:#222}}
th{{text-align:left;padding-right:1em;font-weight:normal;color:#555}}li{{margin-bottom:.6em}}</style></head>
<body><h1>Knowledge graph of {e(str(stats.get('documents', 0)))} documents</h1>
<h2>Views</h2><ul>{items}</ul>
<h2>Headline figures</h2><table>{figures}</table>
<h2>Most cited people</h2><ol>{cited}</ol>
<h2>Most central concepts</h2><ol>{concepts}</ol>
{skipped_html}
<p><small>Generated by kg. The report is <code>report.md</code> beside this folder, the figures <code>stats.json</code>.</small></p>
</body></html>
"""


def prepare() -> None:
    """Read the assets and template, and import what drawing needs (done once, also when
    called again)."""
    import scipy.sparse.csgraph
    import scipy.spatial  # noqa: F401

    _assets()
    _template()


#: Views with more nodes than this in all are drawn in parallel processes (layout is the cost).
PARALLEL_NODES = 3000
_SHARED: dict[str, Any] = {}


def _write_view(i: int) -> Path:
    view, analysis, folder = _SHARED["views"][i], _SHARED["analysis"], _SHARED["folder"]
    path = folder / f"{view.name}.html"
    write_text(path, render_view(view, analysis, _SHARED["layouts"]))
    return path


def write_views(analysis: Analysis, stats: dict[str, Any], folder: Path, meanwhile: Callable[[], object] | None = None,
                layouts: KeptLayouts | None = None) -> list[Path]:
    """Write every view and the index into ``folder``; returns the files written.

    Large views are laid out and written by forked worker processes, one view each, which
    read the analysis they inherit (nothing is pickled but the view's index); this
    process calls ``meanwhile`` (other work of the build: the report) while they draw,
    or first when the views are drawn here. The garbage collector is paused meanwhile
    (:func:`~kg.collector.collection_paused`), in the workers too.

    Args:
        layouts: node positions kept between runs, read and kept in by the views.
    """
    views = views_of(analysis)
    _SHARED.update(views=views, analysis=analysis, folder=folder, layouts=layouts)
    try:
        with collection_paused():
            nodes = sum(v.graph.number_of_nodes() for v in views)
            workers = min(len(views), os.cpu_count() or 1)
            if nodes > PARALLEL_NODES and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
                order = sorted(range(len(views)), key=lambda i: -views[i].graph.number_of_nodes())  # big first
                prepare()  # once here, not in each worker
                with fork_pool(workers) as pool:
                    drawn = pool.map(_write_view, order)
                    if meanwhile is not None:
                        meanwhile()
                    done = dict(zip(order, drawn))
                written = [done[i] for i in range(len(views))]
            else:
                if meanwhile is not None:
                    meanwhile()
                written = [_write_view(i) for i in range(len(views))]
    finally:
        _SHARED.clear()
    index = folder / "index.html"
    write_text(index, render_index(views, stats))
    written.append(index)
    return written


__all__ = ["MAX_EDGES", "MAX_NODES", "PHYSICS_LIMIT", "View", "prepare", "render_index", "render_view", "trim", "trim_components", "trim_edges",
           "view_data", "views_of", "write_views"]
