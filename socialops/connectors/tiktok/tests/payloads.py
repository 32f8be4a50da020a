"""TikTok v2 answers as its reference pages show them (shapes and field names; our values).

developers.tiktok.com: Query Creator Info, Direct Post, Photo Post, Get Post Status,
Display API user.info / video.list / video.query, OAuth user access token management.
"""

from __future__ import annotations

from typing import Any

OK = {"code": "ok", "message": "", "log_id": "202611220915000A1B2C3D4E5F60718293"}
OPEN_ID = "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
PUBLISH_ID = "v_pub_file~v2-1.7440232914851300374"
UPLOAD_URL = ("https://open-upload.tiktokapis.com/video/?upload_id=67890"
              "&upload_token=Xza123")


def envelope(data: dict[str, Any] | None = None, **error: str) -> dict[str, Any]:
    """Wrap `data` the way every v2 endpoint answers."""
    return {"data": data or {}, "error": {**OK, **error}}


def error(code: str, message: str) -> dict[str, Any]:
    """Return a refusal as TikTok sends it."""
    return {"data": {}, "error": {"code": code, "message": message,
                                  "log_id": "20261122091500FEDCBA9876543210AB"}}


USER = envelope({"user": {"open_id": OPEN_ID, "union_id": "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1",
                          "avatar_url": "https://p16-sign.tiktokcdn-us.com/avatar.jpeg",
                          "display_name": "Maison Arlette", "username": "maisonarlette",
                          "follower_count": 76021}})


def creator_info(levels: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    """Return /v2/post/publish/creator_info/query/ for a public creator account."""
    data = {"creator_avatar_url": "https://lf16-tt4d.tiktokcdn.com/avatar.jpeg",
            "creator_username": "maisonarlette", "creator_nickname": "Maison Arlette",
            "privacy_level_options": levels or ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS",
                                                "SELF_ONLY"],
            "comment_disabled": False, "duet_disabled": False, "stitch_disabled": True,
            "max_video_post_duration_sec": 300}
    return envelope({**data, **fields})


VIDEO_INIT = envelope({"publish_id": PUBLISH_ID, "upload_url": UPLOAD_URL})
PULL_INIT = envelope({"publish_id": "v_pub_url~v2-1.7440232914851300999"})
PHOTO_INIT = envelope({"publish_id": "p_pub_url~v2.7440233014851300123"})


def status(state: str, **fields: Any) -> dict[str, Any]:
    """Return /v2/post/publish/status/fetch/."""
    return envelope({"status": state, **fields})


def video(video_id: str, caption: str, create_time: int) -> dict[str, Any]:
    """Return one video of /v2/video/list/ with the fields socialops asks for."""
    return {"id": video_id, "title": caption, "video_description": caption,
            "create_time": create_time,
            "share_url": f"https://www.tiktok.com/@maisonarlette/video/{video_id}"}


def video_list(*videos: dict[str, Any]) -> dict[str, Any]:
    """Return /v2/video/list/."""
    return envelope({"videos": list(videos), "cursor": 1732267500000, "has_more": False})


TOKENS = {"access_token": "act.1d1021d2aee3d41fee2d2add43456badMFZnrhFhfWotu3Ecuiuka27L56lr",
          "expires_in": 86400, "open_id": OPEN_ID, "refresh_expires_in": 31536000,
          "refresh_token": "rft.713j3e6e2f1dc9bbd5a4a9b3d55b0f0ffe3a0f2TUmuoFgsR7aXqPhB5Iu9k",
          "scope": "user.info.basic,video.publish,video.list", "token_type": "Bearer"}
