"""One pass over the rows fills an :class:`~kg.analyze.analysis.Analysis`.

Input: the rows of the few queries of :mod:`kg.analyze.sparql` (no query per node), from
a :class:`~kg.analyze.source.Source`. Output: the analysis with its five projections,
their metrics (:mod:`kg.analyze.apart`; kept between builds when given a
:class:`~kg.kept.Kept`), names, facts, documents and evidence
(:mod:`kg.analyze.evidence`), co-citation and figures per year. The rows are turned into
graphs by :mod:`kg.analyze.projections`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from kg.analyze.analysis import EVIDENCE_LIMIT, PROJECTIONS, Analysis, Evidence
from kg.analyze.apart import Measuring
from kg.analyze.evidence import ConceptPassages, Deferred
from kg.analyze.metrics import co_citation, per_year, pmi_graph
from kg.analyze.projections import (
    CONVERSATION, CitationRecord, WindowTable, attribute, discussion_graph, lift, person_concept_graph, post_edges,
    reference_edges, weighted_digraph,
)
from kg.analyze.source import Source
from kg.kept import Kept


class Reader:
    """One pass over the rows of a source (:mod:`kg.analyze.source`); fills an
    :class:`Analysis`."""

    def __init__(self, source: Source, kept: Kept | None = None):
        self.source = source
        self.kept = kept
        self.a = Analysis()
        self.document_of_context: dict[str, str] = {}
        self.post_of_context: dict[str, str] = {}
        self.date_of: dict[str, str] = {}
        self.document_of: dict[str, str] = {}  # post or comment -> document
        self.authored: dict[str, set[str]] = defaultdict(set)  # agent -> documents
        self.sentences: dict[str, tuple[tuple[str, int], str]] = {}  # sentence -> ((context, begin), text)

    def run(self, window: int) -> Analysis:
        a = self.a
        self._counts()
        self._entities()
        self._posts_and_comments()
        self._sentences_and_mentions()
        records = self._citations()
        makers = self._makers()
        self._cited_works(records)
        self._references(records, makers)
        self._posts_graph(records)
        self._concepts(window)
        # The finished graphs are measured in a forked worker while the reading goes on (the
        # two take about as long); people-concepts is measured here; a graph an earlier
        # build measured is not measured again.
        measuring = Measuring(a, self.kept)
        measuring.apart([name for name in PROJECTIONS if name != "people-concepts"])
        self._people_concepts()
        a.co_citation = self._co_citation(records, makers)
        self._years(records, makers)
        for node, docs in self.authored.items():
            a.documents_of[node] = sorted(set(a.documents_of.get(node, [])) | docs)
        a.graphs = {name: a.graphs[name] for name in PROJECTIONS}
        results = measuring.results(PROJECTIONS)
        for name in PROJECTIONS:  # in this order, wherever they were computed
            a.metrics[name], a.communities[name], a.bridges[name] = results[name]
        return a

    # -- reading -----------------------------------------------------------------------------

    def _select(self, name: str) -> list[dict[str, Any]]:
        names, rows = self.source.rows(name)
        return [dict(zip(names, r)) for r in rows]

    def _values(self, name: str) -> list[tuple[Any, ...]]:
        return self.source.rows(name)[1]

    def _counts(self) -> None:
        """Counts per type, from the rows themselves (a node is typed in one graph only)."""
        entities = Counter(t for _, t in {(r[0], r[1]) for r in self._values("ENTITIES")})
        citations = {r["citation"]: r["kind"] for r in self._select("CITATIONS")}
        self.a.counts = {
            "posts": len({r[0] for r in self._values("POSTS")}),
            "comments": len({r[0] for r in self._values("COMMENTS")}),
            "persons": entities["person"], "organisations": entities["organisation"],
            "concepts": entities["concept"], "works": entities["work"],
            "citations": len(citations),
            "affiliations": len({r[0] for r in self._values("MEMBERSHIPS")}),
        }
        self.a.counts["citations_by_kind"] = dict(sorted(Counter(citations.values()).items()))

    def _entities(self) -> None:
        a = self.a
        for r in sorted(self._select("ENTITIES"), key=lambda r: (r["e"], r["type"], r["label"])):
            a.labels.setdefault(r["e"], r["label"])
            a.kinds.setdefault(r["e"], r["type"])
        for r in self._select("ALIASES"):
            a.aliases.setdefault(r["e"], []).append(r["alias"])
        for v in a.aliases.values():
            v.sort()

    def _posts_and_comments(self) -> None:
        a = self.a
        items: list[tuple[str, str, str | None]] = []
        posts: dict[str, dict[str, Any]] = {}
        for r in sorted(self._select("POSTS"), key=lambda r: (r["post"], r["creator"] or "", r["date"] or "")):
            posts.setdefault(r["post"], r)
        for post, r in posts.items():
            self.document_of_context[r["context"]] = r["document"]
            self.post_of_context[r["context"]] = post
            self.document_of[post] = r["document"]
            if r["date"]:
                self.date_of[post] = str(r["date"])
            a.labels[post] = r["title"] or r["document"]
            a.kinds[post] = "post"
            a.documents_of[post] = [r["document"]]
            facts = [("document", r["document"])]
            if r["creator"]:
                self.authored[r["creator"]].add(r["document"])
            items.append((post, "post", None))
            a.facts[post] = facts
        comments: dict[str, dict[str, Any]] = {}
        for r in sorted(self._select("COMMENTS"), key=lambda r: (r["comment"], r["parent"] or "", r["creator"] or "")):
            comments.setdefault(r["comment"], r)
        self.comment_spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.creator_of: dict[str, str] = {p: r["creator"] for p, r in posts.items() if r["creator"]}
        for comment, r in comments.items():
            post = r["post"]
            document = self.document_of.get(post, "")
            self.document_of[comment] = document
            date = r["date"] or self.date_of.get(post)
            if date:
                self.date_of[comment] = str(date)
            kind = r["kind"] or "comment"
            author = a.labels.get(r["creator"]) if r["creator"] else None
            n = r["position"]
            a.labels[comment] = author or (f"{kind} {n}" if n is not None else kind)
            a.kinds[comment] = kind
            a.documents_of[comment] = [document] if document else []
            if r["creator"]:
                self.creator_of[comment] = r["creator"]
                if document:
                    self.authored[r["creator"]].add(document)
            if r["begin"] is not None and r["end"] is not None:
                self.comment_spans[post].append((int(r["begin"]), int(r["end"]), comment))
            items.append((comment, kind, r["parent"]))
            facts = [("in", a.labels.get(post, post))]
            if n is not None:
                facts.append(("position", f"{kind} {n}"))
            if r["words"]:
                a.node_evidence[comment] = [{"sentence": f"{r['words']} …", "document": document}]
            a.facts[comment] = facts
        for spans in self.comment_spans.values():
            spans.sort()
        # Dates, authors and replies need every label first.
        for node, kind, parent in items:
            facts = a.facts[node]
            creator = self.creator_of.get(node)
            facts.insert(0, ("author", a.labels.get(creator, creator) if creator else "unknown"))
            if node in self.date_of:
                facts.append(("date", self.date_of[node]))
            if parent is not None:
                facts.append(("replies to", a.labels.get(parent, parent)))
        self.posts = posts
        a.documents = len({r["document"] for r in posts.values()})
        a.author_of = dict(sorted(self.creator_of.items()))
        a.graphs["discussion"] = discussion_graph(items)

    def _sentences_and_mentions(self) -> None:
        a = self.a
        sentences = self.sentences
        for s, context, begin, text in self._values("SENTENCES"):
            sentences[s] = ((context, int(begin)), text)
        self.text_at = {at: text for at, text in sentences.values()}
        by_context: dict[str, list[int]] = defaultdict(list)
        for context, begin in self.text_at:
            by_context[context].append(begin)
        self.position: dict[tuple[str, int], int] = {}  # a sentence's rank in its context
        self.begins: dict[str, list[int]] = {}  # the sentences of a context, in order
        for context, found in by_context.items():
            begins = self.begins[context] = sorted(found)
            for i, b in enumerate(begins):
                self.position[(context, b)] = i
        self.mentions: dict[str, list[tuple[str, int]]] = defaultdict(list)  # entity -> (context, begin)
        for entity, sentence in self._values("MENTIONS"):
            found = sentences.get(sentence)
            if found is not None:
                self.mentions[entity].append(found[0])  # one tuple per sentence, shared by its mentions
        document_of = self.document_of_context

        def key(x: tuple[str, int]) -> tuple[str, int]:
            return document_of.get(x[0], ""), x[1]

        for entity, found in self.mentions.items():
            if len(found) > 1:
                found.sort(key=key)
            a.mention_counts[entity] = len(found)
            docs = {document_of[c] for c, _ in found if c in document_of}
            known = a.documents_of.get(entity)
            a.documents_of[entity] = sorted(docs.union(known) if known else docs)
        # A comment's evidence is its opening words, a named node's the sentences naming it
        # (spread over documents when first asked for).
        self.openings = a.node_evidence
        a.node_evidence = Deferred({**dict.fromkeys(self.openings), **self.mentions}, self._node_evidence)

    def _node_evidence(self, node: str, found: list[tuple[str, int]] | None) -> list[Evidence]:
        return self.openings[node] if found is None else self._spread(found)

    def _spread(self, found: list[tuple[str, int]], limit: int = EVIDENCE_LIMIT) -> list[Evidence]:
        """Up to ``limit`` sentences, one per document in turn, so that one document
        does not fill the list."""
        document_of = self.document_of_context
        per_doc: dict[str, list[tuple[str, int]]] = {}
        for x in found:
            per_doc.setdefault(document_of.get(x[0], ""), []).append(x)
        out: list[Evidence] = []
        seen: set[tuple[str, str]] = set()
        docs = sorted(per_doc.items())
        for depth in range(max((len(v) for v in per_doc.values()), default=0)):
            for doc, items in docs:
                if depth < len(items):
                    sentence = self.text_at.get(items[depth], "")
                    if (sentence, doc) not in seen:
                        seen.add((sentence, doc))
                        out.append({"sentence": sentence, "document": doc})
                        if len(out) == limit:
                            return out
        return out

    def _citations(self) -> list[CitationRecord]:
        grouped: dict[str, dict[str, Any]] = {}
        for r in self._select("CITATIONS"):
            g = grouped.setdefault(r["citation"], {"row": r, "also": set(), "creators": set(), "publishers": set(),
                                                   "evidence": set()})
            if r["also"]:
                g["also"].add(r["also"])
            if r["creator"]:
                g["creators"].add(r["creator"])
            if r["publisher"]:
                g["publishers"].add(r["publisher"])
            if r["context"] is not None:
                s = self.sentences.get(r["sentence"]) if r["sentence"] else None
                text = s[1] if s else (r["anchor"] or "")
                g["evidence"].add((text, self.document_of_context.get(r["context"], "")))
        records = []
        for iri in sorted(grouped):
            g = grouped[iri]
            r = g["row"]
            source = min(g["creators"]) if g["creators"] else min(g["publishers"]) if g["publishers"] else r["citing"]
            targets = (r["cited"], *sorted(g["also"] - {r["cited"]}))
            records.append(CitationRecord(iri=iri, kind=r["kind"], citing=r["citing"], container=r["container"],
                                          source=source, targets=targets, date=str(r["date"]) if r["date"] else None,
                                          evidence=tuple(sorted(g["evidence"]))))
        return records

    def _makers(self) -> dict[str, tuple[list[str], list[str]]]:
        """Authors and publishers of works and posts (comments' authors are read elsewhere)."""
        makers: dict[str, tuple[list[str], list[str]]] = {}
        rows = {(r["thing"], r["role"], r["maker"]) for r in self._select("MAKERS")
                if self.a.kinds.get(r["thing"]) in ("work", "post")}
        for r in (dict(thing=t, role=role, maker=m) for t, role, m in sorted(rows)):
            creators, publishers = makers.setdefault(r["thing"], ([], []))
            (creators if r["role"] == "creator" else publishers).append(r["maker"])
        for thing, (creators, publishers) in makers.items():
            if self.a.kinds.get(thing) == "work":
                facts = self.a.facts.setdefault(thing, [])
                facts += [("author", self.a.label(c)) for c in creators] + [("publisher", self.a.label(p)) for p in publishers]
        return makers

    def _cited_works(self, records: list[CitationRecord]) -> None:
        a = self.a
        works: Counter[str] = Counter()
        for r in records:
            if r.kind not in CONVERSATION:
                works.update(t for t in dict.fromkeys(r.targets) if a.kinds.get(t) == "work")
        ranked = sorted(works.items(), key=lambda x: (-x[1], a.label(x[0]), x[0]))[:10]
        a.cited_works = [{"name": a.label(w), "iri": w, "citations": n} for w, n in ranked]

    # -- projections -------------------------------------------------------------------------

    def _edge_evidence(self, edges: dict[tuple[str, str], list[CitationRecord]]) -> dict[tuple[str, str], list[Evidence]]:
        out = {}
        for key, items in edges.items():
            found: list[Evidence] = []
            for r in items:
                for sentence, document in r.evidence:
                    item = {"sentence": sentence, "document": document, "kind": r.kind}
                    if item not in found:
                        found.append(item)
            out[key] = found[:EVIDENCE_LIMIT]
        return out

    def _references(self, records: list[CitationRecord], makers: dict[str, tuple[list[str], list[str]]]) -> None:
        a = self.a
        edges = reference_edges(records, makers)
        graph = weighted_digraph(edges)
        for n in graph.nodes:
            a.kinds.setdefault(n, "other")
            a.labels.setdefault(n, n)
        a.graphs["references"] = graph
        a.edge_evidence["references"] = self._edge_evidence(edges)

    def _posts_graph(self, records: list[CitationRecord]) -> None:
        edges = post_edges(records, self.posts)
        self.a.graphs["posts"] = weighted_digraph(edges)
        self.a.edge_evidence["posts"] = self._edge_evidence(edges)

    def _concepts(self, window: int) -> None:
        a = self.a
        position = self.position
        self.concepts_named = [e for e in sorted(self.mentions) if a.kinds.get(e) == "concept"]
        concept_mentions = []
        for e in self.concepts_named:
            for x in self.mentions[e]:
                i = position.get(x)
                if i is not None:
                    concept_mentions.append((e, x[0], i))
        windows = WindowTable.of_mentions(concept_mentions, window)
        a.graphs["concepts"] = pmi_graph(windows)
        passages = ConceptPassages(windows, concept_mentions, window, self.begins, self.text_at, self.document_of_context)
        a.edge_evidence["concepts"] = Deferred(passages.shared, passages.evidence)

    def _people_concepts(self) -> None:
        a = self.a
        uses: list[tuple[str, str, str]] = []
        places: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)  # (author, concept) -> sentences
        writing_at: dict[tuple[str, int], str | None] = {}  # (context, begin) -> its post or comment
        for concept in self.concepts_named:
            for x in self.mentions[concept]:
                if x in writing_at:
                    writing = writing_at[x]
                else:
                    context, begin = x
                    post = self.post_of_context.get(context)
                    writing = None if post is None else attribute(begin, self.comment_spans.get(post, [])) or post
                    writing_at[x] = writing
                if writing is None:
                    continue
                author = self.creator_of.get(writing)
                if author is None:
                    continue
                uses.append((author, concept, writing))
                places[(author, concept)].append(x)
        graph = person_concept_graph(uses)
        for n in graph.nodes:
            a.kinds.setdefault(n, "person")
        a.graphs["people-concepts"] = graph
        a.edge_evidence["people-concepts"] = Deferred(dict(places), self._sentences_naming)

    def _sentences_naming(self, _: tuple[str, str], places: list[tuple[str, int]]) -> list[Evidence]:
        """The first sentences (each once) among ``places``."""
        found: list[Evidence] = []
        for x in places:
            item = {"sentence": self.text_at.get(x, ""), "document": self.document_of_context.get(x[0], "")}
            if item not in found:
                found.append(item)
                if len(found) == EVIDENCE_LIMIT:
                    break
        return found

    def _co_citation(self, records: list[CitationRecord], makers: dict[str, tuple[list[str], list[str]]]) -> nx.Graph:
        cites = nx.DiGraph()
        cites.add_edges_from((r.citing, target) for r in records if r.kind not in CONVERSATION
                             for t in r.targets for target in lift(t, makers) if target != r.source)
        return co_citation(cites)

    def _years(self, records: list[CitationRecord], makers: dict[str, tuple[list[str], list[str]]]) -> None:
        a = self.a
        posts = per_year((self.date_of.get(p), "posts") for p in self.posts)
        comments = per_year((self.date_of.get(c), "comments") for c, k in a.kinds.items() if k in ("comment", "pingback", "trackback"))
        cited = per_year((r.date, target) for r in records if r.kind not in CONVERSATION
                         for target in dict.fromkeys(x for t in r.targets for x in lift(t, makers)) if target != r.source)
        citations = per_year((r.date, "citations") for r in records if r.kind not in CONVERSATION)
        post_of_document = {d: p for p, d in self.document_of.items() if p in self.posts}
        named = per_year((self.date_of.get(post_of_document.get(doc, "")), e) for e, docs in a.documents_of.items()
                         if a.kinds.get(e) == "concept" for doc in docs)
        years = sorted(set(posts) | set(comments) | set(citations) | set(named))

        def top(counter: Counter[str] | None, k: int = 5) -> list[dict[str, Any]]:
            items = sorted((counter or Counter()).items(), key=lambda x: (-x[1], a.label(x[0])))[:k]
            return [{"name": a.label(n), "iri": n, "count": c} for n, c in items]

        a.years = [{
            "year": y,
            "posts": posts.get(y, Counter())["posts"],
            "comments": comments.get(y, Counter())["comments"],
            "citations": citations.get(y, Counter())["citations"],
            "most_cited": top(cited.get(y)),
            "concepts": top(named.get(y)),
        } for y in years]


__all__ = ["Reader"]
