"""Test the sandbox connector against a running sandbox server over real HTTP."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from socialops.connectors.base import MediaRef, PublishRequest
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.sandbox.testing import SandboxProcess
from socialops.connectors.tests.conftest import Connect, MakeAccount

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def key() -> str:
    return uuid.uuid4().hex


def request(text: str, **kwargs: object) -> PublishRequest:
    return PublishRequest(text=text, placement="feed", idempotency_key=key(), **kwargs)  # type: ignore[arg-type]


def stats(sandbox: SandboxProcess) -> Any:
    return sandbox.admin("GET", "/admin/stats")


def my_posts(sandbox: SandboxProcess, token: str) -> Any:
    response = httpx.get(f"{sandbox.url}/v1/me/posts", headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return response.json()["posts"]


def test_verify_returns_the_account(make_account: MakeAccount, connect: Connect) -> None:
    account = make_account("acme", followers=4200, display_name="Acme Corp")
    info = connect(account).verify()
    assert (info.remote_id, info.handle) == (account.id, account.handle)
    assert info.display_name == "Acme Corp"
    assert info.followers == 4200


def test_publish_text_and_read_it_back(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account()
    req = request("Hello from the sandbox #launch", link="https://example.com/launch")
    result = connect(account).publish(req)
    assert result.remote_id.startswith("p")
    assert result.published_at.tzinfo is not None
    assert result.url.endswith(f"/@{account.handle}/{result.remote_id}")
    [post] = my_posts(clean_sandbox, account.token)
    fetched = httpx.get(
        f"{clean_sandbox.url}/v1/posts/{result.remote_id}",
        headers={"Authorization": f"Bearer {account.token}"},
    ).json()
    assert fetched == post
    assert post["text"] == "Hello from the sandbox #launch"
    assert post["link"] == "https://example.com/launch"
    assert post["client_ref"] == req.idempotency_key


def test_publish_with_media_uploads_then_attaches(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account()
    media = [MediaRef(mime="image/png", data=PNG, alt_text="A blank square")]
    result = connect(account).publish(request("With a picture", media=media))
    [post] = my_posts(clean_sandbox, account.token)
    assert post["id"] == result.remote_id
    assert post["media"] == [
        {
            "id": post["media"][0]["id"],
            "mime": "image/png",
            "size": len(PNG),
            "alt_text": "A blank square",
        }
    ]


def test_same_key_twice_gives_one_post(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account()
    connector = connect(account)
    req = request("Only once")
    first = connector.publish(req)
    second = connector.publish(req)
    assert first.remote_id == second.remote_id
    assert len(my_posts(clean_sandbox, account.token)) == 1


def test_timeout_after_create_on_a_network_without_keys_is_reconciled(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    # "x" has no idempotency key: a lost answer must not be retried blindly.
    account = make_account("xbrand", network="x")
    clean_sandbox.admin(
        "POST",
        "/admin/faults",
        {"idempotency": False, "timeout_after_create": 1, "hang_seconds": 4},
    )
    with HttpClient(allow_private=True, read_timeout=0.5, backoff_base=0.01) as slow:
        connector = connect(account, slow)
        req = request("Did this go through?")
        with pytest.raises(UnknownOutcomeError):
            connector.publish(req)
        found = connector.find_published(req.idempotency_key)
        assert found is not None
        assert connector.find_published(key()) is None
    posts = my_posts(clean_sandbox, account.token)
    assert [p["id"] for p in posts] == [found.remote_id]


def test_timeout_after_create_with_keys_is_retryable_and_safe(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account()
    clean_sandbox.admin("POST", "/admin/faults", {"timeout_after_create": 1, "hang_seconds": 4})
    with HttpClient(allow_private=True, read_timeout=0.5, max_retries=0) as slow:
        connector = connect(account, slow)
        req = request("Keyed publish")
        with pytest.raises(RetryableError) as caught:
            connector.publish(req)
        assert not isinstance(caught.value, UnknownOutcomeError)
        again = connector.publish(req)
    assert [p["id"] for p in my_posts(clean_sandbox, account.token)] == [again.remote_id]


def test_rate_limit_gives_retry_after(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account()
    clean_sandbox.admin("POST", "/admin/faults", {"write_limit": 2, "write_window_seconds": 600})
    connector = connect(account)
    connector.publish(request("one"))
    connector.publish(request("two"))
    with pytest.raises(RateLimitedError) as caught:
        connector.publish(request("three"))
    assert caught.value.retry_after == 300  # one token per 600/2 seconds
    assert len(my_posts(clean_sandbox, account.token)) == 2


def test_expired_token_raises_auth_expired(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account()
    other = make_account()
    clean_sandbox.admin("POST", "/admin/faults", {"expired_tokens": [account.handle]})
    with pytest.raises(AuthExpiredError):
        connect(account).verify()
    assert connect(other).verify().handle == other.handle
    clean_sandbox.admin("POST", "/admin/faults", {"expired_tokens": []})
    assert connect(account).verify().handle == account.handle


def test_server_errors_are_retried_for_reads_only(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account("xbrand", network="x")
    connector = connect(account)
    clean_sandbox.admin("POST", "/admin/faults", {"error_5xx": 2})
    assert connector.verify().handle == account.handle  # two 503s absorbed by retries
    assert clean_sandbox.admin("GET", "/admin/faults")["error_5xx"] == 0

    clean_sandbox.admin("POST", "/admin/faults", {"error_5xx": 1})
    with pytest.raises(RetryableError):
        connector.publish(request("not retried: X has no idempotency key"))
    assert my_posts(clean_sandbox, account.token) == []


def test_text_over_the_emulated_limit_is_permanent(
    make_account: MakeAccount, connect: Connect
) -> None:
    account = make_account("xbrand", network="x")
    connector = connect(account)
    with pytest.raises(PermanentError) as caught:
        connector.publish(request("a" * 281))
    assert caught.value.status == 400
    assert "Text is 281 characters; feed allows 280." in str(caught.value)
    # The same text fits the sandbox's own 500-character feed.
    assert connect(make_account()).publish(request("a" * 281)).remote_id


def test_inbox_returns_each_item_once_in_order(make_account: MakeAccount, connect: Connect) -> None:
    brand, fan = make_account("brand"), make_account("fan")
    brand_api, fan_api = connect(brand), connect(fan)
    post = brand_api.publish(request("Our new product"))
    texts = ["first!", "second", "third"]
    for text in texts:
        fan_api.reply(post.remote_id, text, key())
    fan_api.publish(request(f"Shout-out to @{brand.handle}"))

    page = brand_api.fetch_inbox(None, 2)
    assert [i.text for i in page.items] == ["first!", "second"]
    assert {i.kind for i in page.items} == {"comment"}
    assert page.items[0].post_remote_id == post.remote_id
    assert page.items[0].parent_remote_id == post.remote_id
    assert page.items[0].author_handle == fan.handle
    page2 = brand_api.fetch_inbox(page.cursor, 10)
    assert [(i.kind, i.text) for i in page2.items] == [
        ("comment", "third"),
        ("mention", f"Shout-out to @{brand.handle}"),
    ]
    empty = brand_api.fetch_inbox(page2.cursor, 10)
    assert empty.items == []
    assert empty.cursor == page2.cursor
    assert fan_api.fetch_inbox(None, 10).items == []


def test_replies_and_dms_reach_the_other_inbox(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    brand, fan = make_account("brand"), make_account("fan")
    brand_api, fan_api = connect(brand), connect(fan)
    post = brand_api.publish(request("Ask us anything"))
    comment = fan_api.reply(post.remote_id, "Do you ship to Lyon?", key())
    answer = brand_api.reply(comment.remote_id, "Yes, in 48 h!", key())
    fan_api.send_dm(brand.handle, "Psst, my order is late", key())

    fan_page = fan_api.fetch_inbox(None, 10)
    [reply] = fan_page.items
    assert (reply.kind, reply.remote_id, reply.text) == ("reply", answer.remote_id, "Yes, in 48 h!")
    assert reply.parent_remote_id == comment.remote_id
    assert reply.thread_key == f"post:{post.remote_id}"

    brand_items = brand_api.fetch_inbox(None, 10).items
    assert [i.kind for i in brand_items] == ["comment", "dm"]
    dm = brand_items[1]
    assert dm.author_handle == fan.handle
    brand_api.reply(dm.remote_id, "Sorry! Checking now.", key())
    [dm_back] = fan_api.fetch_inbox(fan_page.cursor, 10).items
    assert (dm_back.kind, dm_back.text) == ("dm", "Sorry! Checking now.")
    assert dm_back.author_handle == brand.handle
    assert dm_back.thread_key == dm.thread_key
    assert dm_back.parent_remote_id == dm.remote_id


def test_deleted_posts_disappear_and_delete_is_idempotent(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account()
    connector = connect(account)
    post = connector.publish(request("Oops, typo"))
    connector.delete(post.remote_id)
    connector.delete(post.remote_id)
    assert my_posts(clean_sandbox, account.token) == []


def test_metrics_grow_with_time(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    account = make_account(followers=50_000)
    connector = connect(account)
    post = connector.publish(request("Watch the numbers"))
    [before] = connector.fetch_post_metrics([post.remote_id])
    clean_sandbox.admin("POST", "/admin/clock", {"advance_seconds": 2 * 3600})
    [after] = connector.fetch_post_metrics([post.remote_id])
    clean_sandbox.admin("POST", "/admin/clock", {"advance_seconds": 48 * 3600})
    [later] = connector.fetch_post_metrics([post.remote_id, "p999999999"])
    assert before.impressions is not None and after.impressions is not None
    assert later.impressions is not None
    assert before.impressions < after.impressions < later.impressions
    assert after.reach is not None and 0 < after.reach < after.impressions
    assert later.video_views is None  # no video attached
    # Saturating: the second day adds less than a tenth of the first two hours' gain.
    clean_sandbox.admin("POST", "/admin/clock", {"advance_seconds": 48 * 3600})
    [plateau] = connector.fetch_post_metrics([post.remote_id])
    assert plateau.impressions is not None
    assert plateau.impressions - later.impressions < (after.impressions - before.impressions) / 10
    # Repeatable: the same instant gives the same numbers.
    assert connector.fetch_post_metrics([post.remote_id]) == [plateau]


def test_search_finds_public_posts_by_keyword(make_account: MakeAccount, connect: Connect) -> None:
    account = make_account()
    connector = connect(account)
    word = f"zebra{uuid.uuid4().hex[:6]}"
    connector.publish(request(f"The {word.upper()} campaign starts today"))
    connector.publish(request(f"More about the {word} campaign"))
    connector.publish(request("Unrelated post"))
    first = connector.search(word, None, 1)
    assert [i.text for i in first.items] == [f"More about the {word} campaign"]
    second = connector.search(word, first.cursor, 10)
    assert [i.text for i in second.items] == [f"The {word.upper()} campaign starts today"]
    assert second.items[0].kind == "mention"
    assert connector.search(word, second.cursor, 10).items == []


def test_admin_refuses_a_wrong_key(sandbox: SandboxProcess) -> None:
    for method, path in [
        ("GET", "/admin/stats"),
        ("POST", "/admin/accounts"),
        ("DELETE", "/admin/faults"),
    ]:
        response = httpx.request(
            method, f"{sandbox.url}{path}", headers={"X-Sandbox-Admin": "wrong"}, json={}
        )
        assert response.status_code == 403
    assert httpx.get(f"{sandbox.url}/admin/stats").status_code == 403
    assert httpx.get(f"{sandbox.url}/health").json() == {"status": "ok"}


def test_admin_account_creation_is_idempotent_on_handle(clean_sandbox: SandboxProcess) -> None:
    handle = f"same_{uuid.uuid4().hex[:6]}"
    first = clean_sandbox.create_account(handle, "linkedin")
    second = clean_sandbox.create_account(handle, "linkedin")
    assert first == second
    listed = clean_sandbox.admin("GET", "/admin/accounts")["accounts"]
    assert [a["handle"] for a in listed].count(handle) == 1
    before = stats(clean_sandbox)["accounts"]
    clean_sandbox.create_account(f"new_{uuid.uuid4().hex[:6]}")
    assert stats(clean_sandbox)["accounts"] == before + 1


def test_latency_fault_slows_answers(
    make_account: MakeAccount, connect: Connect, clean_sandbox: SandboxProcess
) -> None:
    connector = connect(make_account())
    clean_sandbox.admin("POST", "/admin/faults", {"latency_ms": 300})
    started = time.monotonic()
    connector.verify()
    assert time.monotonic() - started >= 0.3
