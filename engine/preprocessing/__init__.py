"""Keras' preprocessing utilities: `engine.preprocessing.text` (Tokenizer, …),
`engine.preprocessing.sequence` (pad_sequences) and `engine.preprocessing.image` (ImageDataGenerator)."""

from engine.preprocessing import image, sequence, text

__all__ = ["image", "sequence", "text"]
