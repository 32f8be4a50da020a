"""Send a video through YouTube's resumable upload protocol, resuming after interruptions.

developers.google.com/youtube/v3/guides/using_resumable_upload_protocol:
1. POST the metadata with X-Upload-Content-Length/Type; the answer's Location is the
   session URI (no video exists yet).
2. PUT the bytes in chunks (each but the last a multiple of 256 KiB) with Content-Range;
   308 "Resume Incomplete" with `Range: bytes=0-N` says what arrived, 200/201 carries
   the video resource.
3. After an interruption, PUT an empty body with `Content-Range: bytes */TOTAL` to ask
   what arrived, and go on from there. Google creates the video only once every byte
   arrived, so losing the answer to anything but the last byte publishes nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import httpx

from socialops.connectors.errors import (
    ConnectorError,
    PermanentError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.youtube.api import json_of

log = logging.getLogger(__name__)

QUANTUM = 256 * 1024  # chunk sizes must be multiples of 256 KiB
CHUNK = 32 * QUANTUM  # 8 MiB
STATUS_ATTEMPTS = 3  # questions to the session after an interruption, before giving up
_RANGE = re.compile(r"bytes=0-(\d+)")

Send = Callable[..., httpx.Response]


def received(response: httpx.Response) -> int:
    """Return how many bytes a 308 answer says arrived (no Range header: none)."""
    match = _RANGE.fullmatch(response.headers.get("Range", "").strip())
    return int(match.group(1)) + 1 if match else 0


class ResumableUpload:
    """Upload one file to an open session, chunk by chunk, resuming where it broke."""

    def __init__(self, http: HttpClient, session_uri: str, data: bytes, mime: str,
                 headers: dict[str, str], *, chunk: int = CHUNK) -> None:
        if chunk % QUANTUM:
            raise ValueError("YouTube chunks are multiples of 256 KiB")
        self.http = http
        self.session_uri = session_uri
        self.data = data
        self.mime = mime
        self.headers = headers
        self.chunk = chunk

    def run(self) -> dict[str, Any]:
        """Send every byte and return the video resource YouTube created."""
        offset = 0
        total = len(self.data)
        while True:
            end = min(offset + self.chunk, total)
            try:
                response = self._put(self.data[offset:end],
                                     f"bytes {offset}-{end - 1}/{total}", self.mime)
            except (RetryableError, UnknownOutcomeError) as exc:
                log.info("upload interrupted at byte %s of %s: %s", offset, total, exc)
                response = self._ask_status(exc, last=end == total)
            if response.status_code in (200, 201):
                return json_of(response)
            offset = received(response)

    def _put(self, body: bytes, content_range: str, mime: str | None) -> httpx.Response:
        headers = {**self.headers, "Content-Range": content_range}
        if mime is not None:
            headers["Content-Type"] = mime
        # Not retried by the client: after a failure the session says where to go on.
        response = self.http.request("PUT", self.session_uri, content=body, headers=headers,
                                     retry_safe=False)
        if response.status_code not in (200, 201, 308):
            raise PermanentError(f"Unexpected upload answer {response.status_code}",
                                 status=response.status_code, code="upload")
        return response

    def _ask_status(self, cause: ConnectorError, *, last: bool) -> httpx.Response:
        """Ask the session what arrived; raise if it cannot tell."""
        for _attempt in range(STATUS_ATTEMPTS):
            try:
                return self._put(b"", f"bytes */{len(self.data)}", None)
            except PermanentError as exc:
                if exc.status == 404:  # the session expired: start again from nothing
                    raise RetryableError("The upload session expired", status=404,
                                         code="upload_expired") from exc
                raise
            except (RetryableError, UnknownOutcomeError) as exc:
                cause = exc
        if last:
            raise UnknownOutcomeError(
                f"YouTube may have received the whole video; no answer: {cause.message}",
                code="unknown_outcome") from cause
        raise RetryableError(f"The upload broke before the end: {cause.message}",
                             code="upload_interrupted") from cause
