"""Who performs a write: a signed-in person, an API token, or the system itself."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest


SYSTEM_PREFIX = "system:"


@dataclass(frozen=True)
class Actor:
    """The author of a change, as the audit trail records it."""

    user: AbstractBaseUser | None
    label: str
    ip: str | None = None

    @property
    def is_system(self) -> bool:
        """Return whether socialops itself acts (no person, not an anonymous visitor)."""
        return self.user is None and self.label.startswith(SYSTEM_PREFIX)

    @classmethod
    def system(cls, what: str) -> Actor:
        """Return an actor for work done by socialops itself (a job, the CLI)."""
        return cls(user=None, label=f"{SYSTEM_PREFIX}{what}")

    @classmethod
    def for_user(cls, user: AbstractBaseUser, ip: str | None = None, via: str = "") -> Actor:
        """Return an actor for a person, optionally naming the channel (e.g. 'api')."""
        email = getattr(user, "email", "") or str(user)
        return cls(user=user, label=f"{email} via {via}" if via else email, ip=ip)

    @classmethod
    def from_request(cls, request: HttpRequest, via: str = "") -> Actor:
        """Return the actor behind a web or API request."""
        ip = normalise_ip(request.META.get("REMOTE_ADDR"))
        user = getattr(request, "auth_user", None) or request.user
        if user is None or not user.is_authenticated:
            return cls(user=None, label="anonymous", ip=ip)
        return cls.for_user(cast("AbstractBaseUser", user), ip=ip, via=via)


def normalise_ip(raw: str | None) -> str | None:
    """Return the address in canonical form (as the database stores it), or None."""
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None
