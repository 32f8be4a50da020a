"""Name the aspect ratios networks use, as width / height, so capability files read clearly."""

from __future__ import annotations

PORTRAIT_9_16 = 9 / 16  # 0.5625: stories, reels, shorts, TikTok
PORTRAIT_4_5 = 4 / 5  # 0.8: the tallest Instagram feed image
SQUARE = 1.0
LANDSCAPE_191 = 1.91  # link-preview shape used by Facebook, Instagram and LinkedIn
LANDSCAPE_16_9 = 16 / 9  # 1.777...: YouTube and X video

MB = 1024 * 1024
GB = 1024 * MB
