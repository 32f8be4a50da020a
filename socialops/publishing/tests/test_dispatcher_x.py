"""The dispatcher reconciling an X post whose outcome was unknown, from another process.

X keeps no idempotency key: only the content tells whether a lost create went through.
The worker that reconciles may not be the one that sent it, so the dispatcher hands the
content to `find_published`. X is replayed with respx from its documented answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from django.utils import timezone

from socialops.connectors.http import HttpClient
from socialops.connectors.quotas import SentJournal
from socialops.connectors.x import connector as x_connector
from socialops.connectors.x.tests.payloads import ME
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel, Transport
from socialops.publishing import dispatcher
from socialops.publishing.models import AttemptOutcome, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team, approved_post, make_due

pytestmark = pytest.mark.django_db
TEXT = "Nouvelle collection : rendez-vous samedi"


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("104.244.42.1", port))]


@pytest.fixture
def x_channel(team: Team, make_channel: Callable[..., Channel],
              monkeypatch: pytest.MonkeyPatch) -> Channel:
    monkeypatch.setattr(dispatcher, "_connector", lambda channel: connector_for(
        channel, http=HttpClient(resolver=_public_dns, backoff_base=0.0,
                                 sleep=lambda _s: None)))
    return make_channel(team.org, network="x", transport=Transport.NETWORK,
                        handle="maisonarlette", remote_id=ME["id"],
                        owner=team.manager, backup_owner=team.publisher,
                        credentials={"access_token": "x-token"})


def test_another_worker_finds_the_lost_post_by_its_text(
    team: Team, x_channel: Channel, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    [variant] = make_due(approved_post(team, [x_channel], text=TEXT), team)
    with respx.mock(base_url="https://api.x.com", assert_all_called=False) as api:
        api.get("/2/users/me").respond(200, json={"data": ME})
        create = api.post("/2/tweets").mock(side_effect=httpx.ReadTimeout("lost answer"))
        with django_capture_on_commit_callbacks(execute=True):
            dispatcher.dispatch()
        variant.refresh_from_db()
        assert variant.status == VariantStatus.UNKNOWN
        # Another worker process: it never saw what was sent under this key.
        monkeypatch.setattr(x_connector, "_journal", SentJournal())
        posted = datetime.now(UTC).replace(microsecond=0)
        timeline = api.get(f"/2/users/{ME['id']}/tweets").respond(200, json={"data": [
            {"id": "1850000000000000001", "text": TEXT,
             "created_at": posted.isoformat().replace("+00:00", ".000Z")}]})
        with django_capture_on_commit_callbacks(execute=True):
            dispatcher.dispatch(timezone.now() + timedelta(seconds=30))
    variant.refresh_from_db()
    assert create.call_count == 1  # never sent twice
    assert timeline.called
    assert variant.status == VariantStatus.PUBLISHED
    assert variant.remote_id == "1850000000000000001"
    assert [a.outcome for a in variant.attempts.order_by("number")] == [
        AttemptOutcome.UNKNOWN, AttemptOutcome.RECONCILED]


def test_instagram_downloads_the_rendition_through_a_signed_public_link(
    team: Team, make_channel: Callable[..., Channel], monkeypatch: pytest.MonkeyPatch,
    settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    from django.test import Client

    from socialops.connectors.facebook import graph
    from socialops.connectors.instagram.tests import payloads as ig
    from socialops.publishing import media
    from socialops.publishing.tests import pictures

    settings.SOCIALOPS_BASE_URL = "https://social.example"
    monkeypatch.setattr(dispatcher, "_connector", lambda channel: connector_for(
        channel, http=HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None)))
    channel = make_channel(team.org, network="instagram", transport=Transport.NETWORK,
                           handle="maisonarlette", remote_id=ig.IG_ID, owner=team.manager,
                           backup_owner=team.publisher,
                           credentials={"access_token": "EAAG-page", "page_id": ig.PAGE_ID})
    from socialops.publishing import services

    post = services.create_post(team.contributor, ACTOR, text="Vitrine d'hiver",
                                targets=[(channel.pk, "feed")])
    media.attach_image(team.contributor, ACTOR, post, pictures.upload(pictures.photo(2000, 1500)))
    services.submit_for_review(team.manager, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    [variant] = make_due(post, team)
    graph.forget_throttles()
    version = f"/{graph.API_VERSION}"
    with respx.mock(base_url="https://graph.facebook.com", assert_all_called=False) as api:
        api.get(f"{version}/{ig.IG_ID}/content_publishing_limit").respond(200, json=ig.limit(1))
        container = api.post(f"{version}/{ig.IG_ID}/media").respond(200, json={"id": "178896"})
        api.get(f"{version}/178896").respond(200, json=ig.status("FINISHED"))
        api.post(f"{version}/{ig.IG_ID}/media_publish").respond(200, json={"id": ig.MEDIA_ID})
        api.get(f"{version}/{ig.MEDIA_ID}").respond(200, json={
            "id": ig.MEDIA_ID, "permalink": "https://www.instagram.com/p/DAbCdEfGhIj/"})
        with django_capture_on_commit_callbacks(execute=True):
            dispatcher.dispatch()
    graph.forget_throttles()
    variant.refresh_from_db()
    assert variant.status == VariantStatus.PUBLISHED and variant.remote_id == ig.MEDIA_ID
    image_url = json.loads(container.calls.last.request.content)["image_url"]
    assert image_url.startswith("https://social.example/publishing/m/")
    # What Instagram downloads, without signing in: the 4:5 rendition, exactly.
    path = image_url.removeprefix("https://social.example")
    served = Client().get(path)
    rendition = variant.renditions.get()
    assert served.status_code == 200 and served["Content-Type"] == rendition.mime
    assert b"".join(served.streaming_content) == rendition.file.open("rb").read()  # type: ignore[attr-defined]
    assert Client().get(path[:-3] + "xyz/").status_code == 404  # a forged link
