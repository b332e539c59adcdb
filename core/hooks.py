"""Extension points: a lower app calls a hook, an upper app fills it in its AppConfig.ready().

The layering (DESIGN.md) lets `assets` and `surveys` build on `tickets`, never the reverse. A
ticket screen still shows the requester's devices and the open survey; instead of importing the
upper app, tickets declares a hook with a safe default and the upper app provides the function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    """One named extension point with a default, filled by at most one provider."""

    def __init__(self, name: str, default: Callable[..., Any]):
        self.name = name
        self.default = default
        self.provider: Callable[..., Any] | None = None

    def provide(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """Install ``function`` (usable as a decorator). A second, different provider is a
        wiring mistake: say so rather than silently replace the first."""
        if self.provider is not None and self.provider is not function:
            raise RuntimeError(f"hook {self.name} is already provided by {self.provider!r}")
        self.provider = function
        return function

    def __call__(self, *args, **kwargs):
        return (self.provider or self.default)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"
