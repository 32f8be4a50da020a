"""Publish a Page's vertical formats: reels and stories (Pages API, "Reels Publishing" and
"Stories"; developers.facebook.com/docs/video-api/guides/reels-publishing and
.../page-stories-api).

A reel and a video story: `upload_phase=start` (an unpublished video id), the file sent to
the upload host, then `upload_phase=finish`. A photo story: the photo uploaded unpublished,
then `/photo_stories` with its id. Only the last step makes anything visible.
"""

from __future__ import annotations

from collections.abc import Callable

from socialops.connectors.base import MediaRef, PublishRequest, PublishResult
from socialops.connectors.errors import PermanentError
from socialops.connectors.facebook.graph import Graph, now

# Uploads a photo unpublished and returns its id.
PhotoUpload = Callable[[MediaRef], str]


def _upload(graph: Graph, page_id: str, edge: str, ref: MediaRef) -> str:
    started = graph.post(f"{page_id}/{edge}", {"upload_phase": "start"}, retry_safe=True)
    video_id = str(started["video_id"])
    graph.upload_video(video_id, file_url=ref.url, data=None if ref.url else ref.data)
    return video_id


def publish_reel(graph: Graph, page_id: str, req: PublishRequest) -> PublishResult:
    """Publish one video as a Page reel, with the text as its description."""
    if len(req.media) != 1 or not req.media[0].mime.startswith("video/"):
        raise PermanentError("A Facebook reel is exactly one video", code="media_mix")
    video_id = _upload(graph, page_id, "video_reels", req.media[0])
    graph.post(f"{page_id}/video_reels", {"upload_phase": "finish", "video_id": video_id,
                                          "video_state": "PUBLISHED",
                                          "description": req.text}, retry_safe=False)
    return PublishResult(remote_id=video_id, url=f"https://www.facebook.com/reel/{video_id}",
                         published_at=now())


def publish_story(graph: Graph, page_id: str, req: PublishRequest,
                  upload_photo: PhotoUpload) -> PublishResult:
    """Publish one photo or video as a Page story (stories carry no text)."""
    if len(req.media) != 1:
        raise PermanentError("A Facebook story is exactly one photo or video", code="media_mix")
    ref = req.media[0]
    if ref.mime.startswith("video/"):
        video_id = _upload(graph, page_id, "video_stories", ref)
        made = graph.post(f"{page_id}/video_stories", {
            "upload_phase": "finish", "video_id": video_id}, retry_safe=False)
    else:
        made = graph.post(f"{page_id}/photo_stories", {"photo_id": upload_photo(ref)},
                          retry_safe=False)
    post_id = str(made.get("post_id") or "")
    if not post_id:
        raise PermanentError("Meta published the story without saying its id",
                             code="bad_payload")
    return PublishResult(remote_id=post_id, url=f"https://www.facebook.com/{post_id}",
                         published_at=now())

