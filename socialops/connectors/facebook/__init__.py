"""Facebook Pages: capabilities as data; the connector class comes in a later issue."""
