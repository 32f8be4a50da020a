"""Plan TikTok's chunked video transfer and read a video's duration.

Media Transfer Guide (developers.tiktok.com/doc/content-posting-api-media-transfer-guide):
chunks of 5 to 64 MB sent in order, `total_chunk_count` = video size // chunk size (the
last chunk takes the trailing bytes, up to 128 MB), a video under 5 MB in one piece, at
most 1,000 chunks.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from socialops.connectors.media_presets import MB

MIN_CHUNK = 5 * MB
MAX_CHUNK = 64 * MB
CHUNK = 32 * MB  # the trailing chunk then stays under 64 MB + 32 MB < 128 MB
MAX_CHUNKS = 1000


@dataclass(frozen=True)
class ChunkPlan:
    """Say how a video is cut: the size announced to TikTok and each (start, end) range."""

    chunk_size: int
    ranges: tuple[tuple[int, int], ...]


def plan_chunks(size: int, chunk: int = CHUNK, whole_up_to: int = MAX_CHUNK) -> ChunkPlan:
    """Return the chunk plan for a video of `size` bytes (a video up to 64 MB in one piece)."""
    if size <= whole_up_to:
        return ChunkPlan(size, ((0, size),))
    count = min(size // chunk, MAX_CHUNKS)
    starts = [index * chunk for index in range(count)]
    ranges = tuple((start, starts[i + 1] if i + 1 < count else size)
                   for i, start in enumerate(starts))
    return ChunkPlan(chunk, ranges)


def mp4_duration(data: bytes) -> float | None:
    """Return the duration in seconds an MP4/MOV file declares (its `mvhd` box), if found."""
    at = data.find(b"mvhd")
    if at < 4:
        return None
    body = at + 4
    try:
        version = data[body]
        if version == 1:
            timescale, duration = struct.unpack_from(">IQ", data, body + 4 + 16)
        else:
            timescale, duration = struct.unpack_from(">II", data, body + 4 + 8)
    except (IndexError, struct.error):
        return None
    return duration / timescale if timescale else None
