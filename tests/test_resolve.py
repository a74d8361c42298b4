"""Entity resolution in a document and across the corpus."""

from __future__ import annotations

from kg.model import Entity, Extraction, Span
from kg.resolve import cluster_orgs, cluster_people, concept_key, display_name, normalise, resolve_corpus


def people(*mentions, canonical=None):
    return {c.name: sorted(set(c.aliases)) for c in cluster_people(
        [(m, Span(i, i + len(m)), "name", False) for i, m in enumerate(mentions)], canonical)}


def test_first_name_surname_honorific_and_possessive_join_the_full_name():
    assert people("Irving Wladawsky-Berger", "Mr. Wladawsky-Berger", "Irving", "Irving’s") == {
        "Irving Wladawsky-Berger": ["Irving", "Irving’s", "Mr. Wladawsky-Berger"]}


def test_ambiguous_first_name_stays_apart():
    out = people("Martin Schneider", "Martin Fowler", "Martin")
    assert set(out) == {"Martin Schneider", "Martin Fowler", "Martin"}


def test_case_variants_and_email():
    assert people("john sweitzer", "John Sweitzer") == {"John Sweitzer": ["john sweitzer"]}
    assert people("mitch.lieberman", canonical={"mitch.lieberman": "Mitch Lieberman"}) == {"Mitch Lieberman": ["mitch.lieberman"]}


def test_organisations_cluster_by_lexicon_entry_and_name():
    clusters = cluster_orgs([
        ("Corporate Executive Board", "Corporate Executive Board", Span(0, 5), "lexicon", False, "x:ceb"),
        ("CEB", "CEB", Span(10, 13), "lexicon", False, "x:ceb"),
        ("Buffer", "Buffer’s", Span(20, 28), "repeat", False, None),
        ("Buffer", "Buffer", Span(30, 36), "named-as-org", False, None),
    ])
    assert [(c.name, c.lexicon, len(c.spans)) for c in clusters] == [
        ("Corporate Executive Board", "x:ceb", 2), ("Buffer", None, 2)]


def test_display_and_keys():
    assert display_name("john sweitzer") == "John Sweitzer"
    assert normalise("The Corporate Executive Board") == normalise("corporate executive board")
    assert concept_key("Guerrilla Collaboration") == concept_key("guerilla collaboration")
    assert concept_key("business partners") == concept_key("Business Partner")


def ex(doc_id, persons=(), orgs=(), concepts=()):
    return Extraction(document=f"{doc_id}.txt", doc_id=doc_id, source=f"{doc_id}.txt", title=None, post_author=None,
                      post_date=None, persons=tuple(persons), organisations=tuple(orgs), concepts=tuple(concepts))


def test_the_same_person_in_several_posts_is_one_entity():
    r = resolve_corpus([
        ex("a", [Entity("person", "Mitch", roles=("post_author",))]),
        ex("b", [Entity("person", "Mitch Lieberman", aliases=("mitch.lieberman",), roles=("post_author",)),
                 Entity("person", "Irving Wladawsky-Berger")]),
        ex("c", [Entity("person", "Irving Wladawsky-Berger", aliases=("Mr. Wladawsky-Berger",))]),
    ])
    assert r.canonical("person", "a", "Mitch") == "Mitch Lieberman"
    people = {e.name: e for (kind, _), e in r.entities.items() if kind == "person"}
    assert set(people) == {"Mitch Lieberman", "Irving Wladawsky-Berger"}
    assert people["Mitch Lieberman"].documents == ("a", "b")
    assert set(people["Mitch Lieberman"].aliases) == {"Mitch", "mitch.lieberman"}
    assert people["Irving Wladawsky-Berger"].aliases == ("Mr. Wladawsky-Berger",)


def test_a_lone_first_name_is_not_merged_without_evidence():
    r = resolve_corpus([
        ex("a", [Entity("person", "Daniel", roles=("commenter",))]),
        ex("b", [Entity("person", "Daniel Lemire", roles=("post_author",))]),
    ])
    assert r.canonical("person", "a", "Daniel") == "Daniel"


def test_lexicon_entries_merge_across_documents_whatever_their_label():
    r = resolve_corpus([
        ex("a", orgs=[Entity("organisation", "CEB", lexicon="x:ceb")]),
        ex("b", orgs=[Entity("organisation", "Corporate Executive Board", lexicon="x:ceb")]),
        ex("c", concepts=[Entity("concept", "Guerilla collaboration")]),
        ex("d", concepts=[Entity("concept", "guerrilla collaboration")]),
    ])
    orgs = [e for (kind, _), e in r.entities.items() if kind == "organisation"]
    assert len(orgs) == 1 and orgs[0].documents == ("a", "b") and orgs[0].lexicon == "x:ceb"
    assert r.slug_source("concept", "c", "Guerilla collaboration") == r.slug_source("concept", "d", "guerrilla collaboration")


def test_one_iri_is_one_entity_with_one_name():
    from kg.namespaces import mint_iri

    r = resolve_corpus([
        ex("a", [Entity("person", "Zoë Müller"), Entity("person", "A_b Smith")]),
        ex("b", [Entity("person", "ZOE MULLER"), Entity("person", "A b Smith")]),
    ])
    people = sorted(e.name for (kind, _), e in r.entities.items() if kind == "person")
    assert people == ["A b Smith", "A_b Smith", "Zoë Müller"]  # accents aside, the same name is one person
    assert r.canonical("person", "b", "ZOE MULLER") == "Zoë Müller"
    iris = {mint_iri("https://kg.example/", "person", r.entity_slug_source(kind, key, e))
            for (kind, key), e in r.entities.items()}
    assert len(iris) == 3  # A_b Smith and A b Smith would both be person/a-b-smith
    assert {mint_iri("https://kg.example/", "person", r.slug_source("person", d, n))
            for d, n in (("a", "A_b Smith"), ("b", "A b Smith"))} == iris - {"https://kg.example/person/zoe-muller"}
