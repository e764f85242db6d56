"""The Tokenizer of a text model, kept in a file beside the model.

A text model reads word indices that only its Tokenizer can make from a sentence, and a Keras .h5
has no place for it, so Save writes it (Keras' `Tokenizer.to_json`, with the padding options,
sequence length and class names) as `<stem>.tokenizer.json` and Open reads it back. Without it the
model still opens; only the Predict tab cannot read sentences.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from gui.text_data import TextEncoding, TextOptions

SUFFIX = ".tokenizer.json"
FORMAT = "hornbook-tokenizer"


def takes_word_indices(model) -> bool:
    """True when the model's first layer (after any InputLayer) is an Embedding: it reads word
    indices, so it needs the Tokenizer it was trained with to read a sentence."""
    layers = [layer for layer in getattr(model, "layers", None) or []
              if type(layer).__name__ != "InputLayer"]
    return bool(layers) and type(layers[0]).__name__ == "Embedding"


def path_beside(model_path: str | os.PathLike) -> Path:
    """`folder/name.h5` → `folder/name.tokenizer.json`."""
    path = Path(model_path)
    return path.with_name(path.stem + SUFFIX)


def write(model_path: str | os.PathLike, encoding: TextEncoding, class_names: list[str] | None) -> Path:
    """Write the tokenizer file beside `model_path`, atomically; returns its path."""
    target = path_beside(model_path)
    payload = {"format": FORMAT, "version": 1,
               "tokenizer": encoding.tokenizer.to_json(),  # as Keras writes it: tokenizer_from_json reads it
               "options": asdict(encoding.options), "maxlen": encoding.maxlen,
               "class_names": list(class_names) if class_names is not None else None}
    temporary = target.with_name(target.name + ".part")
    temporary.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    os.replace(temporary, target)
    return target


def read(model_path: str | os.PathLike) -> tuple[TextEncoding, list[str] | None]:
    """(encoding, class names) from the tokenizer file beside `model_path`. Raises OSError when it
    cannot be read, ValueError when it is not a tokenizer file."""
    from engine.preprocessing.text import tokenizer_from_json

    path = path_beside(model_path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("format") != FORMAT:
            raise ValueError("it is not a Hornbook tokenizer file")
        options = TextOptions(**payload["options"])
        tokenizer = tokenizer_from_json(payload["tokenizer"])
        maxlen = int(payload["maxlen"])
        names = payload.get("class_names")
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name} is damaged ({type(exc).__name__}: {exc})") from None
    return TextEncoding(tokenizer, options, maxlen, [], []), (
        [str(n) for n in names] if isinstance(names, list) else None)


def attach(model, path: str, input_shape: tuple) -> str | None:
    """Give an opened text model its tokenizer (`model.text_encoding`, `model.text_class_names`);
    the reason it has none, or None when all went well."""
    name = path_beside(path).name
    try:
        model.text_encoding, model.text_class_names = read(path)
    except FileNotFoundError:
        return (f"No tokenizer file {name} beside it: the Predict tab cannot turn sentences into "
                "the word indices this model reads. Train it on a text set to predict again.")
    except (OSError, ValueError) as exc:
        return (f"The tokenizer file {name} could not be read ({exc}), so the Predict tab cannot "
                "read sentences; the model itself opened.")
    if input_shape != (model.text_encoding.maxlen,):
        model.text_encoding = None
        return (f"The tokenizer file {name} does not fit this model's input {input_shape}; it was "
                "ignored.")
    return None
