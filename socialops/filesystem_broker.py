"""The embedded job queue: kombu's filesystem transport, with atomic writes.

kombu writes a message file in place (open, lock, write), while a consumer may
move and read it before the write lands: the consumer then reads an empty file
and the worker dies on a JSON error. Writing to a temporary name and renaming
makes a message appear whole or not at all. `socialops.celery` installs this
transport under the `filesystem://` scheme.
"""

from __future__ import annotations

import os
import time
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    """A filesystem channel whose messages are renamed into place once written."""

    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # The temporary name ends in ".tmp", so consumers, which only take
        # "<…>.<queue>.msg" files, never see a half-written message.
        partial = final + ".tmp"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        # kombu creates the exchange table with open("wb") before locking it,
        # so a reader can see it empty: create it whole, then let kombu update it.
        table = self._exchange_file(exchange)
        if not table.exists():
            self.control_folder.mkdir(parents=True, exist_ok=True)
            partial = table.with_name(f"{table.name}.{uuid.uuid4()}.tmp")
            partial.write_bytes(str_to_bytes(dumps([])))
            try:
                os.link(partial, table)  # fails if another process created it first
            except FileExistsError:
                pass
            finally:
                partial.unlink()
        super()._queue_bind(exchange, routing_key, pattern, queue)

    def get_table(self, exchange: str) -> Any:
        # A table being rewritten in place can read short; read it again.
        for delay in (0.01, 0.05, 0.2, 0.5):
            try:
                return super().get_table(exchange)
            except ValueError:
                time.sleep(delay)
        return super().get_table(exchange)


class Transport(filesystem.Transport):
    """kombu's filesystem transport using the atomic channel."""

    Channel = Channel


def install() -> None:
    """Make `filesystem://` broker URLs use this transport in this process."""
    from kombu.transport import TRANSPORT_ALIASES

    TRANSPORT_ALIASES["filesystem"] = "socialops.filesystem_broker:Transport"
