"""TikTok: the Content Posting API connector, its OAuth flow and its limits as data."""
