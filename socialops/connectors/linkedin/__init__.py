"""LinkedIn: capabilities as data and the connector (versioned REST API through HttpClient)."""
