"""JSON-Schema forms: server-side validation and example data."""
