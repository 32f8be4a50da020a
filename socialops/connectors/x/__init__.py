"""X: capabilities as data and the connector (API v2 through HttpClient)."""
