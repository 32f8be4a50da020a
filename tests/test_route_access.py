"""Every route is either public on purpose or refuses anonymous visitors.

The test walks the URL map: adding a page or an API operation without deciding who may
open it fails here until the route is listed as public or protects itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Routes anyone may open, and why.
PUBLIC = {
    "web:login": "the sign-in page",
    "set_language": "the language switch works before signing in",
    "web:welcome": "the set-password link carries its own signed token",
    "web:welcome_done": "confirmation after setting a password",
    "publishing:calendar_feed": "the iCal feed is protected by its secret token (404 otherwise)",
    "publishing:public_rendition": "a signed, expiring link for networks that download media "
                                   "(Instagram); 404 otherwise",
    "team:shift_feed": "the shift iCal feed is protected by its secret token (404 otherwise)",
    "api:openapi-json": "the API's description, no data",
    "api:openapi-view": "the API's documentation page, no data",
    "api:api-root": "the API's index, no data",
    "webhook": "networks push signed notifications (403 unless signed with the app secret)",
    "sso:start": "single sign-on starts before signing in",
    "sso:start_organization": "single sign-on starts before signing in (404 without SSO)",
    "sso:callback": "the identity provider's answer, refused (400) without this session's state",
}
# Anonymous GETs that answer something other than a redirect or a 401, on purpose.
LOGOUT = {"web:logout"}  # POST only: a GET is refused before authentication matters


def _routes(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern)


def _concrete(path: str) -> str:
    """Fill path converters with plausible values (ids that do not exist)."""
    path = re.sub(r"<int:[^>]+>", "999999", path)
    path = re.sub(r"<(?:str:)?(\w+)>", lambda m: "x" if m.group(1) != "token" else "t", path)
    return "/" + path


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def test_every_route_has_a_name_and_the_public_list_is_current() -> None:
    names = {name for name, _path in ROUTES}
    assert "None" not in names, "every route needs a name to be checked"
    assert set(PUBLIC) <= names, f"stale public routes: {sorted(set(PUBLIC) - names)}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [r for r in ROUTES if r[0] not in PUBLIC],
                         ids=[r[0] for r in ROUTES if r[0] not in PUBLIC])
def test_anonymous_visitors_are_refused(client: Client, name: str, path: str) -> None:
    url = _concrete(path)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if path.startswith("api/"):
            # An operation answers 401; a path whose other methods exist answers 405.
            assert response.status_code in {401, 405}, (method, url, response.status_code)
        elif name in LOGOUT and method == "get":
            assert response.status_code == 405
        else:
            assert response.status_code in {302, 405}, (method, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), (method, url)
