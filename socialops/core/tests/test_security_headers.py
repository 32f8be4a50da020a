"""Security headers on every response, and no inline script for the CSP to forbid."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from socialops.core.models import Member, Organization

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def signed_in(make_org: Callable[..., Organization],
              make_member: Callable[..., Member]) -> Client:
    client = Client()
    client.force_login(make_member(make_org(), "owner").user)
    return client


@pytest.mark.django_db
def test_content_security_policy_allows_scripts_from_this_site_only(signed_in: Client) -> None:
    policy = signed_in.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_the_sign_in_page_carries_the_policy_too(client: Client) -> None:
    assert "script-src 'self'" in client.get("/login/").headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_cannot_be_framed(signed_in: Client) -> None:
    assert signed_in.get("/").headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_referrer_stays_on_this_site(signed_in: Client) -> None:
    assert signed_in.get("/").headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_content_types_are_not_sniffed(client: Client) -> None:
    assert client.get("/login/").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_hsts_only_when_the_site_is_declared_https(client: Client, settings: Any) -> None:
    assert "Strict-Transport-Security" not in client.get("/login/").headers
    settings.SOCIALOPS_HTTPS = True
    hsts = client.get("/login/").headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=\d{8}; includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 31_536_000


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_script(signed_in: Client) -> None:
    for url in ("/", "/members/", "/channels/", "/organization/security/"):
        html = signed_in.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=\"", html), url


def test_no_template_holds_an_inline_script() -> None:
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template.relative_to(ROOT)}: {tag}")
        offenders += [f"{template.relative_to(ROOT)}: {m}"
                      for m in re.findall(r"\son(?:click|change|submit|load|input)=", text)]
    assert not offenders, "move these scripts to static files:\n" + "\n".join(offenders)


def test_no_page_title_holds_markup() -> None:
    # A script or include pasted into {% block title %} shows as text in the browser tab.
    offenders = [
        f"{template.relative_to(ROOT)}: {title.strip()[:80]}"
        for template in ROOT.glob("*/templates/**/*.html")
        for title in re.findall(r"{% block title %}(.*?){% endblock %}",
                                template.read_text(encoding="utf-8"), re.S)
        if "<" in title or "{% include" in title
    ]
    assert not offenders, "\n".join(offenders)
