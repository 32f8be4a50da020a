"""Define the few error kinds every connector raises at the network boundary."""

from __future__ import annotations

from typing import Any


class ConnectorError(Exception):
    """Signal a failure talking to a network; the base of every connector error."""

    # The network's answer (an httpx.Response) when the error came from one, so that a
    # connector can read the network's own error codes and throttling headers.
    response: Any = None

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self) -> str:
        if self.status is None:
            return self.message
        return f"{self.message} (HTTP {self.status})"


class RetryableError(ConnectorError):
    """Report a transient failure: the same request may be sent again later."""


class RateLimitedError(RetryableError):
    """Report that the network throttled us; wait `retry_after` seconds first."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        status: int | None = 429,
        code: str | None = "rate_limited",
    ):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class AuthExpiredError(ConnectorError):
    """Report that the channel's credentials were refused; a human must reconnect."""


class PermanentError(ConnectorError):
    """Report a request the network will never accept as sent (bad input, forbidden)."""


class UnknownOutcomeError(ConnectorError):
    """Report that a non-idempotent request may have gone through.

    The caller must reconcile (e.g. `Connector.find_published`) before any retry:
    re-sending blindly risks a double post.
    """


class BlockedAddressError(PermanentError):
    """Refuse a URL that resolves to a private, loopback or link-local address."""


class UnknownNetworkError(ConnectorError):
    """Report a network id the registry does not know."""


class ConnectorUnavailableError(ConnectorError):
    """Report a network whose capabilities are known but whose connector is not built."""
