"""YouTube: the Data API v3 connector, its Google OAuth flow, quota ledger and limits."""
