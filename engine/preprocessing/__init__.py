"""Keras' preprocessing utilities: `engine.preprocessing.text` (Tokenizer, …) and
`engine.preprocessing.sequence` (pad_sequences)."""

from engine.preprocessing import sequence, text

__all__ = ["sequence", "text"]
