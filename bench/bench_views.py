"""Benchmark: analysis, report and views on a synthetic graph the size of a real blog.

Writes the RDF model of kg.build (posts, comments, replies, citations with evidence,
post-to-post links, concept and person mentions in sentences) for a corpus the size of
``../shared/corpora/lemire-blog`` (1,822 posts, about 11,000 comments, 100,000+
mentions), loads it into a pyoxigraph store, then times ``analyze``, ``to_stats``,
``write_report`` and each view, and prints the numbers.

    .venv/bin/python bench/bench_views.py [--posts 1822] [--out /tmp/kg-bench]
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from pathlib import Path

import pyoxigraph as ox

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sioc": "http://rdfs.org/sioc/ns#", "sioct": "http://rdfs.org/sioc/types#", "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/", "skos": "http://www.w3.org/2004/02/skos/core#", "cito": "http://purl.org/spar/cito/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#", "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
    "schema": "https://schema.org/", "kg": "https://kg.example/ontology#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}
B = "https://kg.example/"
WORDS = ("data performance index memory cache vector query compression bitmap integer string parsing hashing "
         "random sorting branch simd instruction processor latency throughput research paper review science").split()


def u(prefix: str, local: str) -> str:
    return f"<{NS[prefix]}{local}>"


def lit(text: str, dt: str | None = None) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"' if dt is None else f'"{text}"^^{u("xsd", dt)}'


def synthesise(posts: int, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    quads: list[str] = []
    corpus = f"<{B}graph/corpus>"

    def add(g: str, s: str, p: str, o: str) -> None:
        quads.append(f"{s} {p} {o} {g} .\n")

    persons = [f"<{B}person/p{i}>" for i in range(3500)]
    orgs = [f"<{B}organisation/o{i}>" for i in range(300)]
    concepts = [f"<{B}concept/c{i}>" for i in range(2500)]
    works = [f"<{B}work/w{i}>" for i in range(800)]
    for i, p in enumerate(persons):
        add(corpus, p, u("rdf", "type"), u("foaf", "Person"))
        add(corpus, p, u("rdfs", "label"), lit(f"Person {i}"))
        add(corpus, p, u("foaf", "name"), lit(f"Person {i}"))
        if i % 7 == 0:
            add(corpus, p, u("skos", "altLabel"), lit(f"P{i}"))
    for i, o in enumerate(orgs):
        add(corpus, o, u("rdf", "type"), u("foaf", "Organization"))
        add(corpus, o, u("rdfs", "label"), lit(f"Organisation {i}"))
        add(corpus, o, u("foaf", "name"), lit(f"Organisation {i}"))
    for i, c in enumerate(concepts):
        name = f"{WORDS[i % len(WORDS)]} {WORDS[(i * 7) % len(WORDS)]} {i}"
        add(corpus, c, u("rdf", "type"), u("skos", "Concept"))
        add(corpus, c, u("rdfs", "label"), lit(name))
        add(corpus, c, u("skos", "prefLabel"), lit(name))
    for i, w in enumerate(works):
        add(corpus, w, u("rdf", "type"), u("schema", "CreativeWork"))
        add(corpus, w, u("rdfs", "label"), lit(f"Work {i}"))
        add(corpus, w, u("dcterms", "title"), lit(f"Work {i}"))
        if i % 5 < 3:
            add(corpus, w, u("dcterms", "creator"), persons[3000 + i % 500])
        elif i % 5 == 3:
            add(corpus, w, u("dcterms", "publisher"), orgs[i % 300])

    def zipf(items: list[str], s: float = 1.1) -> str:
        k = int(rnd.paretovariate(s)) - 1
        return items[min(k, len(items) - 1)] if rnd.random() < 0.7 else rnd.choice(items)

    author = persons[0]
    post_iris = [f"<{B}post/post-{i:04d}>" for i in range(posts)]
    n_comments = n_mentions = 0
    for i, post in enumerate(post_iris):
        g = f"<{B}graph/post-{i:04d}>"
        ctx = f"<{B}post/post-{i:04d}/text>"
        year = 2004 + i * 15 // posts
        add(g, post, u("rdf", "type"), u("sioc", "Post"))
        add(g, post, u("rdf", "type"), u("sioct", "BlogPost"))
        add(g, post, u("kg", "documentName"), lit(f"post-{i:04d}.html"))
        add(g, post, u("kg", "text"), ctx)
        add(g, post, u("dcterms", "title"), lit(f"Post {i} on {WORDS[i % len(WORDS)]}"))
        add(g, post, u("dcterms", "date"), lit(f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", "date"))
        add(g, post, u("dcterms", "creator"), author)
        add(g, ctx, u("rdf", "type"), u("nif", "Context"))
        offset = 0
        sentences: list[tuple[str, int]] = []

        def sentence(mentions: list[str]) -> str:
            nonlocal offset, n_mentions
            text = " ".join(rnd.choice(WORDS) for _ in range(18)) + "."
            s = f"<{B}post/post-{i:04d}/text#char={offset},{offset + len(text)}>"
            add(g, s, u("rdf", "type"), u("nif", "Sentence"))
            add(g, s, u("nif", "referenceContext"), ctx)
            add(g, s, u("nif", "beginIndex"), lit(str(offset), "nonNegativeInteger"))
            add(g, s, u("nif", "anchorOf"), lit(text))
            for k, e in enumerate(mentions):
                m = f"<{B}post/post-{i:04d}/text#char={offset + k},{offset + k + 3}>"
                add(g, m, u("rdf", "type"), u("nif", "Phrase"))
                add(g, m, u("nif", "referenceContext"), ctx)
                add(g, m, u("nif", "sentence"), s)
                add(g, m, u("itsrdf", "taIdentRef"), e)
                n_mentions += 1
            sentences.append((s, offset))
            offset += len(text) + 1
            return s

        def entities(k: int) -> list[str]:
            out = [zipf(concepts) for _ in range(k)]
            if rnd.random() < 0.35:
                out.append(zipf(persons[3000:]) if rnd.random() < 0.7 else zipf(orgs))
            return out

        for _ in range(22):
            sentence(entities(rnd.choice((1, 2, 2, 3))))
        citing_sentences = [s for s, _ in sentences]
        for k in range(3):
            cit = f"<{B}post/post-{i:04d}/citation/{k + 1}>"
            kind = rnd.choice(("cites", "quotes", "credits"))
            target = rnd.choice(works) if k < 2 else zipf(persons[3000:])
            add(g, cit, u("rdf", "type"), u("cito", "Citation"))
            add(g, cit, u("cito", "hasCitingEntity"), post)
            add(g, cit, u("cito", "hasCitedEntity"), target)
            add(g, cit, u("kg", "citationKind"), lit(kind))
            ev = citing_sentences[k].replace("#char=", "#ev=")
            add(g, cit, u("kg", "evidence"), ev)
            add(g, ev, u("nif", "referenceContext"), ctx)
            add(g, ev, u("nif", "sentence"), citing_sentences[k])
        if i > 0:
            for k in range(rnd.choice((0, 1, 1, 2))):
                cit = f"<{B}post/post-{i:04d}/citation/link{k}>"
                add(g, cit, u("rdf", "type"), u("cito", "Citation"))
                add(g, cit, u("cito", "hasCitingEntity"), post)
                add(g, cit, u("cito", "hasCitedEntity"), post_iris[rnd.randrange(i)])
                add(g, cit, u("kg", "citationKind"), lit("links_to"))
        comments: list[str] = []
        for n in range(1, rnd.choice((0, 1, 2, 4, 6, 8, 10, 12, 15)) + 1):
            c = f"<{B}post/post-{i:04d}/comment/{n}>"
            begin = offset
            for _ in range(2):
                sentence(entities(1))
            span = f"<{B}post/post-{i:04d}/text#span={begin},{offset}>"
            parent = post if not comments or rnd.random() < 0.7 else rnd.choice(comments)
            who = zipf(persons[1:3000]) if rnd.random() > 0.1 else author
            add(g, c, u("rdf", "type"), u("sioc", "Post"))
            add(g, c, u("rdf", "type"), u("sioct", "Comment"))
            add(g, c, u("sioc", "has_container"), post)
            add(g, c, u("sioc", "reply_of"), parent)
            add(g, c, u("kg", "position"), lit(str(n), "nonNegativeInteger"))
            add(g, c, u("kg", "commentKind"), lit("comment"))
            add(g, c, u("dcterms", "creator"), who)
            add(g, c, u("kg", "textSpan"), span)
            add(g, span, u("nif", "beginIndex"), lit(str(begin), "nonNegativeInteger"))
            add(g, span, u("nif", "endIndex"), lit(str(offset), "nonNegativeInteger"))
            comments.append(c)
            n_comments += 1
    logging.getLogger(__name__).info("synthesised %d posts, %d comments, %d mentions", posts, n_comments, n_mentions)
    print(f"synthesised: {posts} posts, {n_comments} comments, {n_mentions} mentions, {len(quads)} quads")
    return "".join(quads).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1822)
    parser.add_argument("--out", type=Path, default=Path("/tmp/kg-bench"))
    args = parser.parse_args()
    from kg.analyze import analyze
    from kg.render import render_index, render_view, views_of
    from kg.report import write_report

    t = time.perf_counter()
    data = synthesise(args.posts)
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    print(f"load: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    logging.basicConfig(level=logging.DEBUG, format="  %(message)s")
    logging.getLogger("kg.analyze.reader").setLevel(logging.DEBUG)
    analysis = analyze(store)
    logging.getLogger("kg.analyze.reader").setLevel(logging.WARNING)
    print(f"analyze: {time.perf_counter() - t:.1f} s")
    for name, g in analysis.graphs.items():
        print(f"  {name}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    t = time.perf_counter()
    stats = analysis.to_stats(documents=args.posts, skipped=[])
    print(f"stats: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    write_report(analysis, stats, args.out)
    print(f"report: {time.perf_counter() - t:.1f} s")
    views = args.out / "views"
    views.mkdir(parents=True, exist_ok=True)
    for view in views_of(analysis):
        t = time.perf_counter()
        page = render_view(view, analysis)
        (views / f"{view.name}.html").write_text(page, encoding="utf-8")
        print(f"view {view.name}: {time.perf_counter() - t:.1f} s, {len(page.encode('utf-8')):,} bytes")
    (views / "index.html").write_text(render_index(views_of(analysis), stats), encoding="utf-8")


if __name__ == "__main__":
    main()
