"""Shared core of Footnote: settings and the data types that flow between ingest and assistant."""
