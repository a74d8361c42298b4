"""Scoring: the gold README's matching rules on literal cases, agreement with the
reference scorer, and the extraction targets on the seeds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.evaluate import normalise, score, score_document

from .conftest import GOLD, SEEDS, SHARED


def doc(**fields):
    base = {"persons": [], "organisations": [], "concepts": [], "citations": [], "comments": [], "affiliations": [],
            "post_author": None}
    return base | fields


def test_names_are_normalised():
    assert normalise("Dr. Irving  Wladawsky–Berger’s") == "irving wladawsky berger"
    assert normalise("The Corporate Executive Board") == "corporate executive board"
    assert normalise(None) == "" and normalise("!!!") == ""


def test_entities_match_one_to_one_through_aliases():
    gold = doc(persons=[{"name": "Art King", "aliases": ["Art"]}, {"name": "John Sweitzer"}])
    pred = doc(persons=[{"name": "Art"}, {"name": "Art King"}, {"name": "john sweitzer"}, {"name": "Nobody"}])
    prf = score_document(gold, pred).labels["persons"]
    assert (prf.matched, prf.predicted, prf.gold) == (2, 4, 2)
    assert prf.precision == 0.5 and prf.recall == 1.0


def test_concepts_also_match_without_a_plural_s():
    gold = doc(concepts=[{"name": "digital tribes", "aliases": []}, {"name": "SaaS"}])
    pred = doc(concepts=[{"name": "digital tribe"}, {"name": "saa"}])
    assert score_document(gold, pred).labels["concepts"].matched == 2  # "saas" -> "saa" too, as the rules say


def test_citations_match_by_source_and_target_and_score_kind_separately():
    gold = doc(
        persons=[{"name": "Martin Schneider", "aliases": ["Martin"]}],
        citations=[
            {"from": "post", "to_person": "Martin Schneider", "to_work": None, "to_org": None, "kind": "cites"},
            {"from": "comment:Martin Schneider", "to_person": None, "to_work": "IT in the age of the Cloud", "to_org": None, "kind": "cites"},
            {"from": "post", "to_person": None, "to_work": "The Future of Corporate IT", "to_org": None, "kind": "quotes"},
        ],
    )
    pred = doc(citations=[
        {"from": "post", "to_person": "Martin", "kind": "quotes"},
        {"from": "comment:Martin", "to_work": "IT in the age of the Cloud (a post)", "kind": "cites"},
        {"from": "post", "to_work": "Future of IT", "kind": "quotes"},  # too short to contain-match
    ])
    s = score_document(gold, pred)
    assert s.labels["citations"].matched == 2 and s.kinds_right == 1


def test_comments_authors_affiliations_and_post_author():
    gold = doc(
        persons=[{"name": "Art King", "aliases": ["Art"]}], organisations=[{"name": "Sequoia Capital"}],
        comments=[{"n": 1, "author": "Art King"}, {"n": 2, "author": None}],
        affiliations=[{"person": "Art King", "org": "Sequoia Capital"}],
    )
    pred = doc(comments=[{"author": "Art"}, {"author": "X"}, {"author": "Y"}],
               affiliations=[{"person": "Art", "org": "Sequoia Capital"}, {"person": "Art", "org": "Sequoia Capital"}])
    s = score_document(gold, pred)
    assert (s.comments_gold, s.comments_predicted, s.authors_known, s.authors_right) == (2, 3, 1, 1)
    assert (s.labels["affiliations"].matched, s.labels["affiliations"].predicted) == (1, 2)
    assert s.post_author_right  # both empty
    assert not score_document(doc(post_author="Mitch"), doc()).post_author_right


def test_a_missing_prediction_scores_as_empty():
    scores = score({"a": doc(persons=[{"name": "X"}])}, {})
    assert scores.total("persons").recall == 0.0 and scores.total("persons").precision == 0.0


def extract_seeds():
    from kg.config import Config
    from kg.pipeline import evaluate_documents

    scores, skipped = evaluate_documents(GOLD, [SEEDS], None, Config())
    assert skipped == []
    return scores


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").is_file(), reason="the reference scorer is not here")
def test_numbers_equal_the_reference_scorer(tmp_path):
    from kg.config import Config
    from kg.pipeline import extract_documents

    extract_documents([SEEDS], tmp_path, Config())
    reference = subprocess.run(
        [sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(GOLD), "--pred", str(tmp_path), "--json"],
        check=True, capture_output=True, text=True,
    )
    ours = score({p.stem: json.loads(p.read_text()) for p in GOLD.glob("*.json")},
                 {p.stem: json.loads(p.read_text()) for p in tmp_path.glob("*.json")})
    assert ours.to_json() == json.loads(reference.stdout)


def test_extraction_meets_the_targets_on_the_seeds():
    s = extract_seeds()
    assert s.total("persons").f1 >= 0.90
    assert s.total("organisations").f1 >= 0.85
    assert s.total("concepts").recall >= 0.60 and s.total("concepts").precision >= 0.50
    assert s.total("citations").f1 >= 0.75 and s.kind_accuracy >= 0.80
    assert s.total("affiliations").f1 >= 0.80
    assert s.comment_counts_right == len(s.documents) and s.author_accuracy >= 0.90
    assert s.post_author_accuracy == 1.0
