"""The structure of plain-text posts: title, date, body, signature, threads, boilerplate."""

from __future__ import annotations

from kg.structure.dates import find_date, parse_date
from kg.structure.text import is_boilerplate, parse_text

NUMBERED = """The Socialization of IT

I know the subject sounds creepy.

Dave Marsay

3 thoughts on “The Socialization of IT

  1. Mitch,

    Good point. The cloud offers services.

  2. Munish,

    Thanks for the note.

  3. Pingback: CRM Outsiders » Blog Archive » The Socialization of IT – Part II

Comments are closed."""

NESTED = """Monday, 18 November 2013

A Little More Action

Body text here.

  1. What do you suggest we accomplish then?

    1. Matt, We need to learn from it.

    2. I've been struggling with this overnight.

  2. Barry Corless FSM Action? Hmm, with zero capability.

    1. Barry, I'm beginning to wonder."""

SIGNED = """Guerilla collaboration
August 1, 2009
(thanks to Art King for the idea)
Lots of people talk about the consumerization of IT.
2 Comments »
RSS feed for comments on this post. | TrackBack URL
“Guerrilla Collaboration” is an observation.
We all need to drive this.
Comment by Art — August 3, 2009 @ 1:39 pm
As a corporate user, I appreciate it.
Comment by john sweitzer — August 12, 2009 @ 2:54 pm"""


def test_title_date_and_signature():
    post = parse_text("d", NUMBERED)
    assert post.title == "The Socialization of IT"
    assert post.date is None
    assert post.author == "Dave Marsay"
    assert post.author_span.of(post.text) == "Dave Marsay"
    assert [b.kind for b in post.blocks] == ["paragraph", "signature"]


def test_numbered_thread_with_counter_and_pingback():
    post = parse_text("d", NUMBERED)
    text = post.text
    assert len(post.comments) == 3
    first, second, ping = post.comments
    assert first.body.of(text).startswith("Mitch,") and first.author is None and first.parent is None
    assert second.body.of(text).startswith("Munish,")
    assert ping.kind == "pingback"
    assert (ping.source_site, ping.source_title) == ("CRM Outsiders", "The Socialization of IT – Part II")
    boiler = [b.of(text) for b in post.boilerplate]
    assert boiler == ["3 thoughts on “The Socialization of IT", "Comments are closed."]


def test_nested_thread_without_counter_and_byline():
    post = parse_text("d", NESTED)
    assert post.date == "2013-11-18" and post.title == "A Little More Action"
    text = post.text
    assert [c.parent for c in post.comments] == [None, 0, 0, None, 3]
    barry = post.comments[3]
    assert barry.author == "Barry Corless"
    assert barry.body.of(text).startswith("FSM Action? Hmm")
    assert post.comments[1].author is None  # "Matt, ..." addresses Matt; it is not a byline
    assert post.body.of(text) == "Body text here."


def test_signed_thread_and_feed_boilerplate():
    post = parse_text("d", SIGNED)
    text = post.text
    assert post.date == "2009-08-01"
    assert [(c.author, c.date) for c in post.comments] == [("Art", "2009-08-03"), ("john sweitzer", "2009-08-12")]
    assert post.comments[0].body.of(text) == "“Guerrilla Collaboration” is an observation.\nWe all need to drive this."
    assert "2 Comments »" in [b.of(text) for b in post.boilerplate]
    assert "Lots of people" in post.body.of(text) and "Guerrilla" not in post.body.of(text)


def test_spans_index_the_original_text():
    for sample in (NUMBERED, NESTED, SIGNED):
        post = parse_text("d", sample)
        assert post.text == sample
        for c in post.comments:
            assert c.span.contains(c.body)
            assert sample[c.body.start:c.body.end].strip() == c.body.of(sample)


def test_headings_and_quote_blocks():
    text = "T\n\nDigital Tribes\n\nPlease excuse the extensive quote:\n\nTribes form and reform.\n\nI note that the values\n\n\u00a0focus on contribution.\n\nEnd."
    post = parse_text("d", text)
    kinds = [(b.kind, b.span.of(text)[:14]) for b in post.blocks]
    assert kinds == [
        ("heading", "Digital Tribes"), ("paragraph", "Please excuse "), ("quote", "Tribes form an"),
        ("paragraph", "I note that th"), ("quote", "focus on contr"), ("paragraph", "End."),
    ]


def test_boilerplate_lines():
    assert is_boilerplate("Leave a Reply")
    assert is_boilerplate("This site uses Akismet to reduce spam. Learn how your comment data is processed.")
    assert is_boilerplate("10 thoughts on “The Socialization of IT")
    assert is_boilerplate("2 Comments »") and is_boilerplate("One Response to “A post”") and is_boilerplate("5 comments:")
    assert not is_boilerplate("Leave a reply if you disagree with this post, please.")
    assert not is_boilerplate("Two comments stood out in the thread.")


def test_dates():
    assert parse_date("Aug. 3rd, 2009") == "2009-08-03"
    assert parse_date("3 August 2009 at 10:02 am") == "2009-08-03"
    assert parse_date("2009/08/03") == "2009-08-03"
    assert parse_date("February 30, 2009") is None
    assert parse_date("A date-free title") is None
    assert find_date("said on 18 November 2013 at 9:15") == ("2013-11-18", 8, 24)


def test_blogger_said_threads_and_post_bylines():
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "text" / "blogger-said.txt").read_text(encoding="utf-8")
    post = parse_text("d", text)
    assert post.author == "Stephen Mann"
    assert post.body.of(text) == "The framework is not dead. Many organisations still use it."
    assert [(c.author, c.date) for c in post.comments] == [(None, "2013-11-18"), ("Rob England", "2013-11-18"),
                                                           ("Stephen Mann", "2013-11-19")]
    assert [c.body.of(text) for c in post.comments] == [
        "Great post, but ITIL 4 changes a lot.", "Stephen, I disagree with most of this.", "Rob, fair point."]


def test_wordpress_says_with_date_lines():
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "text" / "wordpress-says.txt").read_text(encoding="utf-8")
    post = parse_text("d", text)
    assert (post.title, post.date) == ("The CMDB is a myth", "2009-08-03")
    assert [(c.author, c.date, c.body.of(text)) for c in post.comments] == [
        ("John Smith", "2009-08-04", "I have seen one working, once."),
        ("Jane Doe", "2009-08-05", "John, where was that?"),
    ]
