"""Facebook Pages: connector, OAuth flow, Meta webhooks and the shared Graph API plumbing."""
