"""API authentication (bearer tokens and the UI session) and the error format."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from socialops.core.models import ApiToken, Member
from socialops.core.services import authenticate_token

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """Authenticate `Authorization: Bearer sot_…` as the token's member."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        if found is None:
            return None
        request.member = found.member  # type: ignore[attr-defined]
        request.auth_user = found.member.user  # type: ignore[attr-defined]
        request.auth_via = "api-token"  # type: ignore[attr-defined]
        return found


class MemberSession(SessionAuth):
    """Authenticate the browser session (with CSRF on writes) as the current member."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or getattr(request, "member", None) is None:
            return None
        request.auth_via = "session"  # type: ignore[attr-defined]
        return user


def api_member(request: HttpRequest) -> Member:
    """Return the member an authenticated API request acts as."""
    member: Member | None = getattr(request, "member", None)
    if member is None:
        raise AuthenticationError()
    return member


def _error(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
           **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


# The id of a row in a request body: bounded like the database's 64-bit keys, so that a
# huge number is refused as invalid (422) instead of overflowing the database driver.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# A non-negative count or target in a request body, bounded the same way.
Count = Annotated[int, Field(ge=0, le=2**63 - 1)]

# The error answers every operation may give, in the format of install_error_handlers().
ERROR_STATUSES = {
    "400": "The change was refused (the message says why).",
    "401": "Authentication required.",
    "403": "Not allowed.",
    "404": "Not found, or in another organization.",
    "422": "The request is not valid (the errors say where).",
    "429": "Too many requests: wait the seconds of the Retry-After header.",
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["code", "message"],
}


def document_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the common error answers on every operation of an OpenAPI schema."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": reference}},
                })
    return schema


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every API error JSON with a stable `code` and a human `message`."""

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 401, "unauthorized",
                      _("Authentication required: send a valid API token or sign in."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _error(api, request, 422, "invalid", _("The request is not valid."),
                      errors=exc.errors)

    @api.exception_handler(DjangoValidationError)
    def rejected(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _error(api, request, 400, "rejected", " ".join(exc.messages))

    @api.exception_handler(DataError)
    def unstorable(request: HttpRequest, exc: DataError) -> HttpResponse:
        # The database refused a value no schema bounds (a NUL character in text on
        # PostgreSQL, a number out of a column's range): the request's fault, not ours.
        logger.warning("API value refused by the database on %s: %s", request.path, exc)
        return _error(api, request, 400, "rejected",
                      _("The request holds a value that cannot be stored, such as a NUL "
                        "character or a number out of range."))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return _error(api, request, 429, "rate_limited",
                      _("Too many requests: wait a little, then try again."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(api, request, exc.status_code, "error", str(exc))
