"""One small registry per kind of object (layers, activations, losses, …).

Each accepts, like Keras' `get()`, a name, a config dict `{"class_name": …, "config": …}` or an
instance, and an unknown name is answered with the list of valid ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Registry:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, Any] = {}
        self._canonical: dict[str, str] = {}

    def register(self, *names: str) -> Callable[[Any], Any]:
        """Decorator: register an object under a canonical name and optional aliases."""

        def wrap(obj: Any) -> Any:
            for name in names:
                self._items[name.lower()] = obj
                self._canonical[name.lower()] = names[0]
            return obj

        return wrap

    def names(self) -> list[str]:
        """Canonical names, for menus and error messages."""
        return sorted(set(self._canonical.values()))

    def canonical(self, name: str) -> str:
        return self._canonical[self.lookup_key(name)]

    def lookup_key(self, name: str) -> str:
        key = name.lower()
        if key not in self._items:
            raise ValueError(
                f"Unknown {self.kind}: '{name}'. Valid {self.kind}s: {', '.join(self.names())}."
            )
        return key

    def lookup(self, name: str) -> Any:
        return self._items[self.lookup_key(name)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items
