"""Answering from the index: retrieval, extractive answers with verified citations, CLI, evaluation."""
