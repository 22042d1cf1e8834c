"""Output of the command line: rich on a terminal, plain text when piped.

rich costs a tenth of a second to import, more than the rest of a ``xlfin check`` start-up;
the ribbon, CI and finance bureaus' scripts read xlfin's output through a pipe, where rich
would print the very same characters (no colour, no wrapping with ``soft_wrap``). So rich is
imported only when it has something to add: a terminal, a forced colour, or a table/progress
bar to draw.
"""

from __future__ import annotations

import os
import sys


class Styled:
    """Text in parts, each plain or (text, style): rich's ``Text.assemble`` without rich."""

    def __init__(self, *parts):
        self.parts = parts

    @property
    def plain(self) -> str:
        return "".join(p if isinstance(p, str) else p[0] for p in self.parts)

    def rich(self):
        from rich.text import Text

        return Text.assemble(*self.parts)


def styled(*parts) -> Styled:
    return Styled(*parts)


def _wants_colour(stream) -> bool:
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class LazyConsole:
    """A rich Console made on first need; plain lines written directly otherwise."""

    def __init__(self, stderr: bool = False):
        self.stderr = stderr
        self._console = None

    @property
    def stream(self):
        return sys.stderr if self.stderr else sys.stdout

    def console(self):
        if self._console is None:
            from rich.console import Console

            # markup off: text users typed prints as typed
            self._console = Console(stderr=self.stderr, highlight=False, markup=False)
        return self._console

    def print(self, *objects, soft_wrap: bool = False, markup: bool | None = None) -> None:
        stream = self.stream
        plain = all(isinstance(o, (str, Styled)) for o in objects)
        if plain and self._console is None and not _wants_colour(stream):
            stream.write(" ".join(o if isinstance(o, str) else o.plain for o in objects) + "\n")
            return
        items = [o.rich() if isinstance(o, Styled) else o for o in objects]
        self.console().print(*items, soft_wrap=soft_wrap, markup=markup)

    def __getattr__(self, name):
        return getattr(self.console(), name)
