"""The spaCy components: sentence breaks, lexicon, names, quotes, phrases."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.nlp import PIPELINE, found, is_acronym, is_camel_case


def spans(doc, group):
    return [(doc.text[start_char:end_char], label) for _, _, start_char, end_char, label, _ in found(doc, group)]


def test_default_pipeline_is_blank_english_plus_own_components(nlp):
    assert tuple(nlp.pipe_names) == PIPELINE
    assert nlp.meta["name"] == "pipeline" and not any(name in nlp.pipe_names for name in ("ner", "parser", "tagger"))


def test_the_tokenizer_is_spacys_default_for_english(nlp):
    import spacy

    default, ours = spacy.blank("en").tokenizer, nlp.tokenizer
    assert ours.rules == default.rules
    for attr in ("prefix_search", "suffix_search", "infix_finditer", "url_match"):
        assert getattr(ours, attr).__self__.pattern == getattr(default, attr).__self__.pattern
    assert ours.token_match == default.token_match and ours.faster_heuristics == default.faster_heuristics
    text = "Don't split e.g. (www.example.com/a?b=1), co-operate... 10km: “quoted”!"
    assert [t.text for t in ours(text)] == [t.text for t in default(text)]


def test_a_line_break_ends_a_sentence(nlp):
    doc = nlp("Digital Tribes\n\nTribes form fast. They reform")
    assert [s.text.strip() for s in doc.sents] == ["Digital Tribes", "Tribes form fast.", "They reform"]


def test_lexicon_matches_case_rules(nlp):
    doc = nlp("We use Twitter and twitter, Google search, and ITIL with the cloud. An apple a day.")
    found = spans(doc, "lexicon")
    assert ("Twitter", "ORG") in found and ("twitter", "ORG") in found
    assert ("ITIL", "CONCEPT") in found
    assert any(text == "Google search" and label == "PRODUCT" for text, label in found)
    assert not any(text.lower() == "apple" for text, _ in found)  # lower-case "apple" is the fruit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yesterday Martin Schneider wrote a post.", ("Martin Schneider", "PERSON")),
        ("I read Mr. Wladawsky-Berger on this.", ("Mr. Wladawsky-Berger", "PERSON")),
        ("So in the words of Ali G we need it.", ("Ali G", "PERSON")),
        ("A study by The Corporate Executive Board.", ("The Corporate Executive Board", "ORG")),
        ("As InsideView noted before.", ("InsideView", "BRAND")),
        ("It is one we handle in TCS today.", ("TCS", "ACRONYM")),
        ("A Little Less #SMCongress please.", ("#SMCongress", "HASHTAG")),
    ],
)
def test_names_are_found_and_labelled(nlp, text, expected):
    assert expected in spans(nlp(text), "names")


def test_sentence_initial_common_words_and_idioms_are_not_persons(nlp):
    found = spans(nlp("Then Martin Schneider agreed. Captain Obvious says hi. Social media is big."), "names")
    assert ("Martin Schneider", "PERSON") in found
    assert not any(label == "PERSON" and "Captain" in text for text, label in found)
    assert not any(text.startswith("Social") and label == "PERSON" for text, label in found)


def test_quotes_skip_apostrophes(nlp):
    doc = nlp("He wrote “What is IT’s role” and ‘the medium is the message’ – it’s Bob’s view.")
    assert [text for text, _ in spans(doc, "quotes")] == ["What is IT’s role", "the medium is the message"]


def test_phrases_are_content_word_runs(nlp):
    doc = nlp("The socialization of IT, knowledge workers and plug-and-play components matter.")
    phrases = [text for text, _ in spans(doc, "phrases")]
    assert "socialization of IT" in phrases
    assert "knowledge workers" in phrases
    assert "plug-and-play components matter" in phrases


def test_candidates_have_the_bounds_of_spacy_spans(nlp):
    doc = nlp("Mr. Wladawsky-Berger wrote “What is IT’s role” on #SMCongress, with ITIL and plug-and-play gear.")
    for group in ("lexicon", "names", "quotes", "phrases"):
        assert found(doc, group)
        for start, end, start_char, end_char, _, _ in found(doc, group):
            span = doc[start:end]
            assert (start_char, end_char) == (span.start_char, span.end_char)


@functools.cache
def _letters():
    """A doc of 16 one-letter tokens, made once: a blank pipeline per example made the
    example's time (and hypothesis's deadline) depend on spaCy's start-up."""
    import spacy

    return spacy.blank("en")("a b c d e f g h i j k l m n o p")


@settings(deadline=None)  # the first example builds the blank pipeline
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 4)), max_size=12))
def test_lexicon_overlaps_are_resolved_as_by_spacy(ranges):
    from spacy.util import filter_spans

    from kg.nlp import _filter_spans

    doc = _letters()
    candidates = [(start, start + size, 0, 0, "ORG", str(k)) for k, (start, size) in enumerate(ranges)]
    spacy_spans = [doc.char_span(0, 1).__class__(doc, s, e, kb_id=kb) for s, e, _, _, _, kb in candidates]
    assert [(s, e, kb) for s, e, _, _, _, kb in _filter_spans(candidates)] == \
        [(s.start, s.end, s.kb_id_) for s in filter_spans(spacy_spans)]


def test_word_shape_helpers():
    assert [is_camel_case(w) for w in ("SugarCRM", "YouTube", "McDonald", "Hello")] == [True, True, False, False]
    assert [is_acronym(w) for w in ("ITSM", "itSMF", "Buffer", "A")] == [True, False, False, False]


def test_unknown_trained_model_is_a_clear_error():
    from kg.errors import ModelError
    from kg.nlp import make_nlp

    with pytest.raises(ModelError, match="not installed"):
        make_nlp("xx_no_such_pipeline")
