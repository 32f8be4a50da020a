"""Images on posts: upload through pages and API, renditions per variant, permissions, publish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from socialops.core.models import Member, Organization
from socialops.core.services import create_token
from socialops.governance.models import Channel
from socialops.publishing import dispatcher, media, services
from socialops.publishing.models import MediaAsset, Post, Rendition, Variant, VariantStatus
from socialops.publishing.tests import pictures
from socialops.publishing.tests.conftest import ACTOR, Team, approved_post, make_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(team: Team, make_channel: Callable[..., Channel]) -> dict[str, Channel]:
    return {n: make_channel(team.org, network=n, owner=team.manager, backup_owner=team.publisher)
            for n in ("instagram", "x", "linkedin", "facebook", "tiktok", "youtube")}


def _post(team: Team, channels: dict[str, Channel],
          targets: list[tuple[str, str]] | None = None) -> Post:
    targets = targets or [("instagram", "feed"), ("instagram", "story"), ("x", "feed"),
                          ("linkedin", "feed"), ("facebook", "feed"), ("tiktok", "short"),
                          ("youtube", "feed")]
    return services.create_post(team.contributor, ACTOR, text="Nouvelle collection",
                                targets=[(channels[n].pk, p) for n, p in targets])


def _sizes(post: Post) -> dict[tuple[str, str], tuple[int, int, str]]:
    return {(r.variant.channel.network, r.variant.placement): (r.width, r.height, r.role)
            for r in Rendition.objects.filter(variant__post=post).select_related(
                "variant__channel")}


def test_an_upload_makes_one_rendition_per_variant(team: Team,
                                                   channels: dict[str, Channel]) -> None:
    post = _post(team, channels)
    before = {v.channel.network: services.check_of(v).problems
              for v in post.variants.select_related("channel")}
    assert any("add at least 1" in p for p in before["instagram"])
    asset = media.attach_image(team.contributor, ACTOR, post,
                               pictures.upload(pictures.photo(4000, 3000, orientation=6)),
                               alt_text="Robe d'été bleue")
    assert (asset.mime, asset.width, asset.height) == ("image/jpeg", 3000, 4000)
    assert _sizes(post) == {
        ("instagram", "feed"): (1080, 1350, "media"),
        ("instagram", "story"): (1080, 1920, "media"),
        ("x", "feed"): (1600, 900, "media"),
        ("linkedin", "feed"): (1200, 627, "media"),
        ("facebook", "feed"): (1200, 630, "media"),
        ("tiktok", "short"): (1080, 1920, "media"),
        ("youtube", "feed"): (1280, 720, "thumbnail"),
    }
    problems = {(v.channel.network, v.placement): services.check_of(v).problems
                for v in post.variants.select_related("channel")}
    for key in [("instagram", "feed"), ("x", "feed"), ("tiktok", "short"),
                ("linkedin", "feed"), ("facebook", "feed")]:
        assert problems[key] == [], key
    # A YouTube video still needs the video; the image only becomes its thumbnail.
    assert any("video" in p for p in problems[("youtube", "feed")])
    for rendition in Rendition.objects.filter(variant__post=post):
        image = pictures.open_image(rendition.file.read())
        assert image.size == (rendition.width, rendition.height) and not image.getexif()


def test_focal_point_cuts_again_and_approved_variants_go_back_to_review(
    team: Team, channels: dict[str, Channel],
) -> None:
    post = _post(team, channels, [("instagram", "story")])
    asset = media.attach_image(team.contributor, ACTOR, post,
                               pictures.upload(pictures.photo(4000, 2000, marker=(0.9, 0.5))))
    services.submit_for_review(team.contributor, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    old = Rendition.objects.get(asset=asset)
    media.update_image(team.contributor, ACTOR, asset, focal=(0.9, 0.5), alt_text="Sac rouge")
    new = Rendition.objects.get(asset=asset)
    assert new.pk != old.pk and new.file.name != old.file.name
    asset.refresh_from_db()
    assert (asset.focal_x, asset.alt_text) == (0.9, "Sac rouge")
    assert post.variants.get().status == VariantStatus.IN_REVIEW
    with pytest.raises(ValidationError):
        media.update_image(team.contributor, ACTOR, asset, focal=(1.5, 0.2))


def test_refused_files_and_roles(team: Team, channels: dict[str, Channel]) -> None:
    post = _post(team, channels, [("x", "feed")])
    with pytest.raises(ValidationError) as caught:
        media.attach_image(team.contributor, ACTOR, post,
                           pictures.upload(pictures.text_as_jpeg(), "photo.jpg"))
    assert "not an image" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        media.attach_image(team.contributor, ACTOR, post,
                           pictures.upload(pictures.bomb_png(), "huge.png", "image/png"))
    with pytest.raises(PermissionDenied):
        media.attach_image(team.approver, ACTOR, post, pictures.upload(pictures.photo(400, 300)))
    assert not MediaAsset.objects.exists()


def test_remove_deletes_renditions_and_files(team: Team, channels: dict[str, Channel],
                                            django_capture_on_commit_callbacks: Any) -> None:
    post = _post(team, channels, [("x", "feed"), ("linkedin", "feed")])
    asset = media.attach_image(team.contributor, ACTOR, post,
                               pictures.upload(pictures.photo(1600, 1200)))
    storage = asset.file.storage
    names = [asset.file.name, *Rendition.objects.values_list("file", flat=True)]
    assert all(storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        media.remove_image(team.contributor, ACTOR, asset)
    assert not Rendition.objects.exists()
    assert not any(storage.exists(n) for n in names)


def test_pages_upload_show_sizes_and_hide_other_orgs(
    client: Client, team: Team, channels: dict[str, Channel],
    make_org: Callable[..., Organization], make_member: Callable[..., Member],
) -> None:
    post = _post(team, channels, [("instagram", "feed"), ("x", "feed")])
    client.force_login(team.contributor.user)
    response = client.post(reverse("publishing:media_add", args=[post.pk]), {
        "image": pictures.upload(pictures.png_with_alpha(), "logo.png", "image/png"),
        "alt_text": "<b>Logo</b>"})
    assert response.status_code == 302
    html = client.get(reverse("publishing:post", args=[post.pk])).content.decode()
    times = "\u00d7"  # the multiplication sign the page uses
    assert f"1080 {times} 1350 px · image/jpeg" in html
    assert f"1600 {times} 900 px · image/png" in html
    assert "&lt;b&gt;Logo&lt;/b&gt;" in html and "<b>Logo</b>" not in html
    rendition = Rendition.objects.filter(variant__channel=channels["x"]).get()
    file_response = client.get(reverse("publishing:rendition", args=[rendition.pk]))
    assert file_response["Content-Type"] == "image/png"
    assert b"".join(file_response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    asset = MediaAsset.objects.get()
    response = client.post(reverse("publishing:media_edit", args=[asset.pk]),
                           {"focal_x": "0,25", "focal_y": "0.75", "alt_text": "Logo bleu"})
    asset.refresh_from_db()
    assert (asset.focal_x, asset.focal_y, asset.alt_text) == (0.25, 0.75, "Logo bleu")
    bad = client.post(reverse("publishing:media_add", args=[post.pk]),
                      {"image": pictures.upload(pictures.text_as_jpeg())}, follow=True)
    assert "not an image socialops can read" in bad.content.decode()
    stranger = make_member(make_org(), "owner")
    client.force_login(stranger.user)
    for url in (reverse("publishing:rendition", args=[rendition.pk]),
                reverse("publishing:media_preview", args=[asset.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("publishing:media_edit", args=[asset.pk]),
                       {"alt_text": "x"}).status_code == 404


def test_compose_with_an_image_in_one_step(client: Client, team: Team,
                                           channels: dict[str, Channel]) -> None:
    client.force_login(team.contributor.user)
    check = client.post(reverse("publishing:compose_check"), {
        "text": "Hello", "target": [f"{channels['instagram'].pk}:feed"], "has_image": "1"},
        HTTP_HX_REQUEST="true").content.decode()
    assert "add at least" not in check
    client.post(reverse("publishing:compose"), {
        "text": "Nouveautés", "target": [f"{channels['instagram'].pk}:story"],
        "image": pictures.upload(pictures.photo(2000, 3000)), "alt_text": "Vitrine"})
    post = Post.objects.get()
    assert _sizes(post) == {("instagram", "story"): (1080, 1920, "media")}
    client.post(reverse("publishing:compose"), {
        "text": "Oops", "target": [f"{channels['x'].pk}:feed"],
        "image": pictures.upload(pictures.text_as_jpeg())})
    assert Post.objects.count() == 1  # nothing half-made


def test_api_upload_edit_and_delete(client: Client, team: Team,
                                    channels: dict[str, Channel]) -> None:
    post = _post(team, channels, [("linkedin", "feed")])
    headers = {"Authorization": f"Bearer {create_token(team.contributor, ACTOR).raw}"}
    response = client.post(f"/api/v1/posts/{post.pk}/images", {
        "image": pictures.upload(pictures.photo(2400, 1600)), "alt_text": "Équipe",
        "focal_x": "0.3"}, headers=headers)
    assert response.status_code == 201, response.content
    image = response.json()
    assert (image["width"], image["focal_x"], image["alt_text"]) == (2400, 0.3, "Équipe")
    variant = client.get(f"/api/v1/posts/{post.pk}", headers=headers).json()["variants"][0]
    assert [(r["width"], r["height"]) for r in variant["renditions"]] == [(1200, 627)]
    bad = client.post(f"/api/v1/posts/{post.pk}/images",
                      {"image": pictures.upload(pictures.bomb_png())}, headers=headers)
    assert bad.status_code == 400 and "million pixels" in bad.content.decode()
    edited = client.patch(f"/api/v1/images/{image['id']}", {"focal_y": 0.1},
                          content_type="application/json", headers=headers)
    assert edited.json()["focal_y"] == 0.1 and edited.json()["focal_x"] == 0.3
    assert client.delete(f"/api/v1/images/{image['id']}", headers=headers).status_code == 204
    assert not MediaAsset.objects.exists()


def test_an_instagram_post_with_an_image_is_published_with_its_media(
    team: Team, sandbox: Any, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("instagram")
    post = services.create_post(team.manager, ACTOR, text="Nouvelle vitrine #paris",
                                targets=[(channel.pk, "feed")])
    media.attach_image(team.manager, ACTOR, post, pictures.upload(pictures.photo(3000, 2000)),
                       alt_text="La vitrine de la rue du Bac")
    services.submit_for_review(team.manager, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    make_due(post, team)
    with django_capture_on_commit_callbacks(execute=True):
        dispatcher.dispatch()
    variant = Variant.objects.get(post=post)
    assert variant.status == VariantStatus.PUBLISHED, variant.last_error
    rendition = variant.renditions.get()
    remote = httpx.get(f"{sandbox.url}/v1/posts/{variant.remote_id}",
                       headers={"Authorization": f"Bearer {_token(channel)}"}).json()
    assert [(m["mime"], m["size"], m["alt_text"]) for m in remote["media"]] == [
        ("image/jpeg", rendition.size_bytes, "La vitrine de la rue du Bac")]


def test_a_text_only_instagram_post_cannot_be_scheduled(team: Team,
                                                        channels: dict[str, Channel]) -> None:
    with pytest.raises(ValidationError):
        approved_post(team, [channels["instagram"]])


def _token(channel: Channel) -> str:
    from socialops.governance.services import credentials_of

    return credentials_of(channel)["token"]
