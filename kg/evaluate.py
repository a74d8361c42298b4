"""Scoring extractions against gold labels, by the matching rules of the gold README.

Input: a folder of gold JSON files (one per document) and predictions in the same schema
(a folder of JSON files, or extractions made in memory). Output: :class:`Scores` with
precision, recall and F1 per label, citation kind accuracy, comment and post-author
accuracy, per document and in total.

Matching rules (the reference scorer's, so the numbers agree):

- a name is normalised: NFKC, casefolded, curly quotes and dashes folded, ``'s`` dropped,
  punctuation and hyphens become spaces, leading honorifics and "the" dropped;
- persons and organisations match when any normalised surface (name or alias) of one
  equals one of the other's, one to one, greedily in prediction order; concepts also
  match with a trailing plural "s" removed;
- a citation is (source, target): the source is ``post`` or the comment author, resolved
  through the gold names; the target matches by person or organisation, or by work title
  (equal, or one containing the other at 60% of its length); kind is scored as accuracy
  over matched citations;
- affiliations are (person, organisation) pairs; comments are scored by count and by
  author at the same position; the post author alias-aware (both empty is right).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import EvaluationError

LABELS = ("persons", "organisations", "concepts", "citations", "affiliations")
_HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "sir"}


def normalise(text: str | None) -> str:
    """The matching form of a name.

    >>> normalise("Mr. Wladawsky-Berger’s"), normalise("The Corporate Executive Board")
    ('wladawsky berger', 'corporate executive board')
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})).casefold()
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s-]", " ", text).replace("-", " ")
    words = text.split()
    while words and (words[0] in _HONORIFICS or words[0] == "the"):
        words = words[1:]
    return " ".join(words)


def surfaces(entity: Mapping[str, Any], plural: bool = False) -> set[str]:
    """The normalised name and aliases of an entity (singulars added for concepts).

    >>> sorted(surfaces({"name": "Digital Tribes", "aliases": ["tribe"]}, plural=True))
    ['digital tribe', 'digital tribes', 'tribe']
    """
    forms = {normalise(entity.get("name"))} | {normalise(a) for a in entity.get("aliases") or []}
    forms.discard("")
    if plural:
        forms |= {f[:-1] for f in forms if f.endswith("s") and len(f) > 3}
    return forms


@dataclass(frozen=True)
class PRF:
    """Matched, predicted and gold counts with precision, recall and F1."""

    matched: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        if self.predicted:
            return self.matched / self.predicted
        return 1.0 if self.gold == 0 else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.matched + other.matched, self.predicted + other.predicted, self.gold + other.gold)

    def to_json(self) -> dict[str, float | int]:
        return {"matched": self.matched, "pred": self.predicted, "gold": self.gold,
                "p": self.precision, "r": self.recall, "f1": self.f1}


@dataclass
class DocumentScore:
    """The scores of one document."""

    labels: dict[str, PRF] = field(default_factory=dict)
    kinds_right: int = 0
    comments_gold: int = 0
    comments_predicted: int = 0
    authors_known: int = 0
    authors_right: int = 0
    post_author_right: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {label: self.labels[label].to_json() for label in LABELS}
        out["citations"]["kind_ok"] = self.kinds_right
        out["comments"] = {"gold": self.comments_gold, "pred": self.comments_predicted,
                           "count_ok": int(self.comments_gold == self.comments_predicted),
                           "authors_known": self.authors_known, "authors_right": self.authors_right}
        out["post_author"] = {"ok": int(self.post_author_right)}
        return out


class _Resolver:
    """Maps a person's or organisation's surface to the gold canonical name."""

    def __init__(self, gold: Mapping[str, Any]):
        self.table: dict[str, str] = {}
        for group in ("persons", "organisations"):
            for entity in gold.get(group) or []:
                for form in surfaces(entity):
                    self.table.setdefault(form, normalise(entity["name"]))

    def __call__(self, name: str | None) -> str:
        n = normalise(name)
        return self.table.get(n, n)


def _match_entities(gold: list[Mapping[str, Any]], pred: list[Mapping[str, Any]], plural: bool) -> int:
    gold_forms = [surfaces(g, plural) for g in gold]
    used = [False] * len(gold)
    matched = 0
    for p in pred:
        forms = surfaces(p, plural)
        for i, g in enumerate(gold_forms):
            if not used[i] and forms & g:
                used[i] = True
                matched += 1
                break
    return matched


def _work_match(a: str | None, b: str | None) -> bool:
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    short, long_ = sorted((na, nb), key=len)
    return na == nb or (short in long_ and len(short) >= 0.6 * len(long_))


def _source(citation: Mapping[str, Any], resolve: _Resolver) -> str:
    source = citation.get("from") or "post"
    return "comment:" + resolve(source[len("comment:"):]) if source.startswith("comment:") else "post"


def _citation_match(g: Mapping[str, Any], p: Mapping[str, Any], resolve: _Resolver) -> bool:
    if _source(g, resolve) != _source(p, resolve):
        return False
    targets = {resolve(p.get("to_person")), resolve(p.get("to_org"))}
    if any(g.get(f) and resolve(g[f]) in targets for f in ("to_person", "to_org")):
        return True
    return bool(g.get("to_work")) and _work_match(g["to_work"], p.get("to_work"))


def score_document(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> DocumentScore:
    """Score one document's prediction against its gold labels."""
    resolve = _Resolver(gold)
    score = DocumentScore()
    for label, plural in (("persons", False), ("organisations", False), ("concepts", True)):
        g, p = list(gold.get(label) or []), list(pred.get(label) or [])
        score.labels[label] = PRF(_match_entities(g, p, plural), len(p), len(g))

    g_cit, p_cit = list(gold.get("citations") or []), list(pred.get("citations") or [])
    used = [False] * len(p_cit)
    matched = 0
    for g in g_cit:
        for j, p in enumerate(p_cit):
            if not used[j] and _citation_match(g, p, resolve):
                used[j] = True
                matched += 1
                score.kinds_right += g.get("kind") == p.get("kind")
                break
    score.labels["citations"] = PRF(matched, len(p_cit), len(g_cit))

    remaining = [(resolve(a.get("person")), resolve(a.get("org"))) for a in gold.get("affiliations") or []]
    predicted = list(pred.get("affiliations") or [])
    hits = 0
    for a in predicted:
        pair = (resolve(a.get("person")), resolve(a.get("org")))
        if pair in remaining:
            remaining.remove(pair)
            hits += 1
    score.labels["affiliations"] = PRF(hits, len(predicted), len(gold.get("affiliations") or []))

    g_com, p_com = list(gold.get("comments") or []), list(pred.get("comments") or [])
    by_position = {c.get("n", i): c for i, c in enumerate(p_com, 1)}
    known = [(c.get("n", i), c) for i, c in enumerate(g_com, 1) if c.get("author")]
    score.comments_gold, score.comments_predicted = len(g_com), len(p_com)
    score.authors_known = len(known)
    score.authors_right = sum(
        1 for n, c in known if resolve((by_position.get(n) or {}).get("author")) == resolve(c["author"])
    )
    ga, pa = gold.get("post_author"), pred.get("post_author")
    score.post_author_right = (not ga and not pa) or (bool(ga) and resolve(ga) == resolve(pa))
    return score


@dataclass
class Scores:
    """Scores of a collection: per document and in total."""

    documents: dict[str, DocumentScore] = field(default_factory=dict)

    def total(self, label: str) -> PRF:
        out = PRF(0, 0, 0)
        for d in self.documents.values():
            out = out + d.labels[label]
        return out

    @property
    def kind_accuracy(self) -> float:
        matched = self.total("citations").matched
        return sum(d.kinds_right for d in self.documents.values()) / matched if matched else 0.0

    @property
    def author_accuracy(self) -> float:
        known = sum(d.authors_known for d in self.documents.values())
        return sum(d.authors_right for d in self.documents.values()) / known if known else 1.0

    @property
    def comment_counts_right(self) -> int:
        return sum(d.comments_gold == d.comments_predicted for d in self.documents.values())

    @property
    def post_author_accuracy(self) -> float:
        return sum(d.post_author_right for d in self.documents.values()) / len(self.documents) if self.documents else 0.0

    def to_json(self) -> dict[str, Any]:
        """The reference scorer's ``--json`` layout."""
        total: dict[str, Any] = {label: self.total(label).to_json() for label in LABELS}
        total["citations"]["kind_acc"] = self.kind_accuracy
        docs = self.documents.values()
        total["comments"] = {
            "docs_count_ok": self.comment_counts_right, "docs": len(self.documents),
            "gold": sum(d.comments_gold for d in docs), "pred": sum(d.comments_predicted for d in docs),
            "author_acc": self.author_accuracy,
        }
        total["post_author"] = {"acc": self.post_author_accuracy}
        return {"total": total, "documents": {name: d.to_json() for name, d in self.documents.items()}}

    def to_table(self) -> str:
        """The per-label table."""
        lines = [f"{'label':<14}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}"]
        for label in LABELS:
            t = self.total(label)
            lines.append(f"{label:<14}{t.precision:>7.3f}{t.recall:>7.3f}{t.f1:>7.3f}{t.predicted:>7}{t.gold:>7}")
        docs = self.documents.values()
        lines.append(f"citation kind accuracy over matched edges: {self.kind_accuracy:.3f}")
        lines.append(
            f"comments: {sum(d.comments_predicted for d in docs)} found of {sum(d.comments_gold for d in docs)}; "
            f"count right in {self.comment_counts_right}/{len(self.documents)} documents; "
            f"author accuracy {self.author_accuracy:.3f}"
        )
        lines.append(f"post author accuracy: {self.post_author_accuracy:.3f}")
        return "\n".join(lines) + "\n"


def load_gold(folder: Path) -> dict[str, dict[str, Any]]:
    """The gold files of a folder by stem.

    Raises:
        EvaluationError: no gold file, or one that is not valid JSON.
    """
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise EvaluationError("no gold files (*.json) here", path=folder)
    return {f.stem: _read_json(f) for f in files}


def load_predictions(folder: Path) -> dict[str, dict[str, Any]]:
    """Prediction files of a folder by stem (a missing one scores as empty)."""
    if not folder.is_dir():
        raise EvaluationError("no such folder of predictions", path=folder)
    return {f.stem: _read_json(f) for f in sorted(folder.glob("*.json"))}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise EvaluationError(f"cannot read JSON: {err}", path=path) from err
    if not isinstance(data, dict):
        raise EvaluationError("not a JSON object", path=path)
    return data


def score(gold: Mapping[str, Mapping[str, Any]], predictions: Mapping[str, Mapping[str, Any]]) -> Scores:
    """Score predictions (by document stem) against gold labels (by document stem)."""
    return Scores({stem: score_document(g, predictions.get(stem) or {}) for stem, g in sorted(gold.items())})
