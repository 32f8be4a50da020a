"""The listening query language: parsing, errors with positions, matching."""

from __future__ import annotations

import pytest

from socialops.listening.query import (
    QuerySyntaxError,
    matches,
    parse,
    positive_terms,
    search_terms,
)


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("arlette", "J'adore Maison Arlette", True),
    ("arlette", "Arlettes everywhere", False),  # whole words only
    ("arlet*", "Arlettes everywhere", True),
    ('"maison arlette"', "Chez maison   ARLETTE ce matin", True),
    ('"maison arlette"', "arlette maison", False),
    ("rappel", "Le RAPPEL du produit", True),
    ("rappél", "le rappel", True),  # accents ignored both ways
    ("arlette recall", "Arlette announces a recall", True),  # adjacency is AND
    ("arlette AND recall", "Arlette is great", False),
    ("arlette OR maison", "la maison bleue", True),
    ("arlette NOT promo", "Arlette promo -20%", False),
    ("arlette -promo", "Arlette new store", True),
    ("(recall OR rappel) AND (arlette OR \"maison arlette\")", "Rappel chez Arlette", True),
    ("(recall OR rappel) AND (arlette OR \"maison arlette\")", "Rappel chez Dior", False),
    ("NOT NOT arlette", "arlette", True),
    ("maisonarlette", "@instagram.maisonarlette vous êtes nuls", True),  # handles split
    ("#arlette", "love #Arlette", True),
])
def test_matching(query: str, text: str, expected: bool) -> None:
    assert matches(parse(query), text) is expected


def test_or_binds_looser_than_and() -> None:
    node = parse("a b OR c")
    assert str(node) == "((a AND b) OR c)"
    assert matches(node, "c") and matches(node, "a b") and not matches(node, "a")


def test_operators_must_be_upper_case_to_be_operators() -> None:
    # "or" in lower case is a word: French has "or" (gold), English has "not".
    assert str(parse("arlette or bijoux")) == "(arlette AND or AND bijoux)"


@pytest.mark.parametrize(("query", "position", "fragment"), [
    ("", 0, "empty"),
    ("   ", 0, "empty"),
    ('arlette "maison', 8, "quote"),
    ("(arlette OR maison", 0, "never closed"),
    ("arlette)", 7, "closes nothing"),
    ("arlette OR", 10, "ends"),
    ("OR arlette", 0, "before and after"),
    ("arlette AND OR maison", 12, "before and after"),
    ("NOT promo", 0, "at least one word"),
    ("arl*ette", 0, "only end"),
    ('""', 0, "empty"),
    ("()", 1, "before this parenthesis"),
])
def test_errors_say_where_and_what(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert f"character {position + 1}" in str(caught.value)


def test_too_long_query_is_refused() -> None:
    with pytest.raises(QuerySyntaxError):
        parse("a " * 600)


def test_search_terms_cover_each_or_branch_once() -> None:
    node = parse('("maison arlette" OR arlette) recall -promo')
    assert search_terms(node) == ["maison arlette", "arlette"]
    assert [str(t) for t in positive_terms(node)] == ['"maison arlette"', "arlette", "recall"]
    assert search_terms(parse("arlet*")) == ["arlet"]
