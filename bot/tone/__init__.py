"""Emotional tone of a user turn: spaCy cues, a lexicon, and a classifier on the shared MiniLM embedding."""
