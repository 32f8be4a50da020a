"""Validation counts text the way each network does and says what to change."""

from __future__ import annotations

from django.utils import translation

from socialops.publishing.validation import check_variant


def test_x_weighs_links_as_23_and_emoji_as_2() -> None:
    text = "Nouvelle collection 🎉 https://example.com/a/very/long/path/that/is/long"
    check = check_variant("x", "feed", text)
    assert check.length == len("Nouvelle collection ") + 2 + 1 + 23
    assert check.ok


def test_x_over_280_says_how_much_to_remove() -> None:
    check = check_variant("x", "feed", "a" * 270 + " 🎉🎉🎉🎉🎉")
    assert check.length == 281
    assert check.problems == [
        "X feed post: the text is 281 characters, the limit is 280. Remove 1 character."]


def test_bluesky_counts_graphemes_not_code_points() -> None:
    family = "👩‍👩‍👧‍👦"  # one visible character, seven code points
    assert check_variant("bluesky", "feed", family * 300).ok
    check = check_variant("bluesky", "feed", family * 301)
    assert check.length == 301
    assert len(check.problems) == 1 and "Remove 1 character" in check.problems[0]


def test_instagram_needs_an_image() -> None:
    check = check_variant("instagram", "feed", "Une belle photo")
    assert check.problems == ["Instagram feed post: add at least 1 image or video."]


def test_instagram_hashtag_limit() -> None:
    text = " ".join(f"#tag{i}" for i in range(31))
    check = check_variant("instagram", "feed", text, media=[("image/jpeg", 1000)])
    assert check.hashtags == 31
    assert check.problems == [
        "Instagram feed post: the text has 31 hashtags, the limit is 30. Remove some hashtags."]


def test_first_comment_only_where_the_placement_has_one() -> None:
    assert check_variant("instagram", "feed", "Photo", first_comment="#ootd",
                         media=[("image/jpeg", 1000)]).ok
    check = check_variant("x", "feed", "Hello", first_comment="#ootd")
    assert check.problems == ["X feed post: this placement has no first comment. Remove it."]


def test_empty_text_without_media_is_refused() -> None:
    assert check_variant("linkedin", "feed", "  ").problems == [
        "Write some text or add an image."]


def test_messages_are_translated() -> None:
    with translation.override("fr"):
        check = check_variant("x", "feed", "a" * 290)
    assert check.problems and "290" in check.problems[0]
