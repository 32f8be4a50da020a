"""Instagram (professional accounts linked to a Facebook Page): connector and OAuth flow."""
