"""NLU pieces: the shared MiniLM sentence encoder and the Rasa components built on it."""
