"""Turning article files into an index: load, segment, chunk, embed, store, sync."""
