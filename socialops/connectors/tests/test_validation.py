"""Test text counting and limit validation against the networks' documented rules."""

from __future__ import annotations

from socialops.connectors.base import validate_media, validate_text, validate_title
from socialops.connectors.capabilities import PlacementSpec
from socialops.connectors.registry import capabilities_for
from socialops.connectors.validation import graphemes, hashtags, mentions, x_weighted_length

X_FEED = capabilities_for("x").placement("feed")
BLUESKY_FEED = capabilities_for("bluesky").placement("feed")
INSTAGRAM_FEED = capabilities_for("instagram").placement("feed")


def test_x_counts_every_url_as_23() -> None:
    short = "see https://a.co"
    long = "see https://example.com/a/very/long/path?with=query&and=more#fragment"
    assert x_weighted_length(short) == 4 + 23
    assert x_weighted_length(long) == 4 + 23


def test_x_counts_cjk_and_emoji_as_two() -> None:
    assert x_weighted_length("abc") == 3
    assert x_weighted_length("日本語") == 6
    assert x_weighted_length("👍") == 2
    # A ZWJ family and a skin-toned thumb are single emoji: 2 each, not per code point.
    assert x_weighted_length("👨\u200d👩\u200d👧") == 2
    assert x_weighted_length("👍🏽") == 2
    assert x_weighted_length("é") == 1


def test_x_limit_message_has_the_numbers() -> None:
    text = "a" * 260 + " https://example.com/" + "x" * 100
    problems = validate_text(X_FEED, text)
    assert [p.code for p in problems] == ["text_too_long"]
    problem = problems[0]
    assert problem.params == {"length": 260 + 1 + 23, "placement": "feed", "limit": 280}
    assert problem.render() == "Text is 284 characters; feed allows 280."
    # The template stays uninterpolated so it can be translated first.
    assert "%(length)d" in problem.message


def test_x_accepts_exactly_280_weighted() -> None:
    assert validate_text(X_FEED, "a" * 280) == []
    assert validate_text(X_FEED, "a" * 279 + "日")[0].params["length"] == 281


def test_graphemes_group_combining_marks_zwj_flags() -> None:
    assert list(graphemes("e\u0301a")) == ["e\u0301", "a"]
    assert len(list(graphemes("👩\u200d💻 ok"))) == 4
    assert len(list(graphemes("🇫🇷🇨🇦"))) == 2
    assert len(list(graphemes("❤\ufe0f"))) == 1
    assert len(list(graphemes("\r\n"))) == 1


def test_bluesky_counts_graphemes_not_code_points() -> None:
    decomposed = "e\u0301" * 300  # 600 code points, 300 user-perceived characters
    assert validate_text(BLUESKY_FEED, decomposed) == []
    problems = validate_text(BLUESKY_FEED, decomposed + "!")
    assert problems[0].params["length"] == 301
    assert problems[0].params["limit"] == 300


def test_chars_counting_counts_code_points() -> None:
    spec = PlacementSpec(name="feed", max_text_length=3)
    assert validate_text(spec, "e\u0301e") == []
    assert validate_text(spec, "e\u0301e\u0301")[0].params["length"] == 4


def test_instagram_hashtag_and_mention_caps() -> None:
    text = " ".join(f"#tag{i}" for i in range(31)) + " " + " ".join(f"@u{i}" for i in range(21))
    codes = {p.code: p.params for p in validate_text(INSTAGRAM_FEED, text)}
    assert codes["too_many_hashtags"]["count"] == 31
    assert codes["too_many_hashtags"]["limit"] == 30
    assert codes["too_many_mentions"]["count"] == 21
    assert codes["too_many_mentions"]["limit"] == 20


def test_hashtag_and_mention_parsing_skips_emails_and_anchors() -> None:
    assert hashtags("#one two#three &#39; #four") == ["one", "four"]
    assert mentions("hi @alice.bsky.social, mail bob@example.com @carol.") == [
        "alice.bsky.social",
        "carol",
    ]


def test_media_validation_for_instagram() -> None:
    assert validate_media(INSTAGRAM_FEED, [])[0].code == "media_required"
    too_many = validate_media(INSTAGRAM_FEED, [("image/jpeg", 100)] * 11)
    assert [p.code for p in too_many] == ["too_many_media"]
    problems = validate_media(INSTAGRAM_FEED, [("image/png", 9 * 1024 * 1024)])
    assert {p.code for p in problems} == {"media_format", "media_too_large"}
    dm = capabilities_for("instagram").placement("dm")
    assert validate_media(dm, [("image/jpeg", 1)])[0].code == "media_not_allowed"


def test_youtube_title_limit() -> None:
    feed = capabilities_for("youtube").placement("feed")
    assert validate_title(feed, "t" * 100) == []
    assert validate_title(feed, "t" * 101)[0].params == {
        "length": 101,
        "placement": "feed",
        "limit": 100,
    }
