"""YouTube Data API v3 answers as its reference shows them (shapes and field names; our values).

developers.google.com/youtube/v3/docs: channels, videos, playlistItems, commentThreads,
comments, search resources, and the error format of /youtube/v3/docs/errors.
"""

from __future__ import annotations

from typing import Any

CHANNEL_ID = "UCx7Q2bqN0uSeZ3yE5eKx1Lw"
UPLOADS = "UUx7Q2bqN0uSeZ3yE5eKx1Lw"
SESSION = ("https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable"
           "&part=snippet,status&upload_id=ADPycdvXw2ZyKjE0V3Y")
VIDEO_ID = "Ks-_Mh1QhMc"

CHANNELS = {
    "kind": "youtube#channelListResponse", "etag": "x1", "pageInfo": {"totalResults": 1,
                                                                      "resultsPerPage": 5},
    "items": [{
        "kind": "youtube#channel", "etag": "x2", "id": CHANNEL_ID,
        "snippet": {"title": "Maison Arlette TV", "description": "Mode et savoir-faire",
                    "customUrl": "@maisonarlettetv", "publishedAt": "2019-03-04T10:00:00Z"},
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}},
        "statistics": {"viewCount": "1520331", "subscriberCount": "23040",
                       "hiddenSubscriberCount": False, "videoCount": "212"},
    }],
}


def video(video_id: str = VIDEO_ID, title: str = "Défilé printemps",
          published: str = "2026-11-22T09:20:00Z") -> dict[str, Any]:
    """Return the video resource videos.insert answers with."""
    return {"kind": "youtube#video", "etag": "v1", "id": video_id,
            "snippet": {"publishedAt": published, "channelId": CHANNEL_ID, "title": title,
                        "description": "", "categoryId": "22"},
            "status": {"uploadStatus": "uploaded", "privacyStatus": "public",
                       "selfDeclaredMadeForKids": False}}


def playlist_item(video_id: str, title: str, published: str) -> dict[str, Any]:
    """Return one item of playlistItems.list part=snippet."""
    return {"kind": "youtube#playlistItem", "etag": "p1", "id": f"UExp{video_id}",
            "snippet": {"publishedAt": published, "channelId": CHANNEL_ID, "title": title,
                        "description": "", "playlistId": UPLOADS, "position": 0,
                        "resourceId": {"kind": "youtube#video", "videoId": video_id}}}


def playlist(*items: dict[str, Any]) -> dict[str, Any]:
    """Return playlistItems.list."""
    return {"kind": "youtube#playlistItemListResponse", "etag": "p0", "items": list(items),
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 50}}


def comment(comment_id: str, text: str, published: str, *, author: str = "Camille B",
            author_channel: str = "UCfan0000000000000000001", video_id: str = VIDEO_ID,
            parent: str | None = None) -> dict[str, Any]:
    """Return a comment resource (snippet)."""
    snippet = {"channelId": CHANNEL_ID, "videoId": video_id, "textDisplay": text,
               "textOriginal": text, "authorDisplayName": f"@{author.replace(' ', '')}",
               "authorChannelUrl": f"http://www.youtube.com/@{author.replace(' ', '')}",
               "authorChannelId": {"value": author_channel}, "canRate": True,
               "viewerRating": "none", "likeCount": 0, "publishedAt": published,
               "updatedAt": published}
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "etag": "c1", "id": comment_id, "snippet": snippet}


def thread(top: dict[str, Any], *replies: dict[str, Any]) -> dict[str, Any]:
    """Return a commentThread resource with part=snippet,replies."""
    data: dict[str, Any] = {
        "kind": "youtube#commentThread", "etag": "t1", "id": top["id"],
        "snippet": {"channelId": CHANNEL_ID, "videoId": top["snippet"]["videoId"],
                    "topLevelComment": top, "canReply": True,
                    "totalReplyCount": len(replies), "isPublic": True}}
    if replies:
        data["replies"] = {"comments": list(replies)}
    return data


def threads(*items: dict[str, Any], next_page: str | None = None) -> dict[str, Any]:
    """Return commentThreads.list."""
    data: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "etag": "t0",
                            "pageInfo": {"totalResults": len(items), "resultsPerPage": 100},
                            "items": list(items)}
    if next_page:
        data["nextPageToken"] = next_page
    return data


def error(status: int, reason: str, message: str, domain: str = "youtube.quota") -> dict[str, Any]:
    """Return a Google API error answer."""
    return {"error": {"code": status, "message": message,
                      "errors": [{"message": message, "domain": domain, "reason": reason}]}}


QUOTA_EXCEEDED = error(403, "quotaExceeded", "The request cannot be completed because you "
                       "have exceeded your <a href=\"/youtube/v3/getting-started#quota\">"
                       "quota</a>.")
TOKENS = {"access_token": "ya29.a0AfB_byC7", "expires_in": 3599,
          "refresh_token": "1//04dXn5Yq0", "token_type": "Bearer",
          "scope": "https://www.googleapis.com/auth/youtube.upload "
                   "https://www.googleapis.com/auth/youtube.force-ssl"}
