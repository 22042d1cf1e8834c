"""The one kind of error a user sees: a Chinese message with an English gloss on one line.

Every error xlfin reports to a person derives from :class:`UserError`; its text is the Chinese
message, and ``str()`` adds `` / <English>`` when the message does not carry one already, so
that every one-line error is in both languages, as the README promises.
"""

from __future__ import annotations


class UserError(Exception):
    """An error for the user (not a bug); ``en`` says it in English."""

    en = "error"

    def __str__(self) -> str:
        text = super().__str__()
        return text if " / " in text else f"{text} / {self.en}"
