"""Free text typed by people: notes, reasons, titles."""

from __future__ import annotations

from jts_domain.errors import invalid

#: The longest free-text note (decline, hold, reject, cancel, override reasons).
MAX_NOTE_LENGTH = 2000


def required_text(value: str, field: str, max_length: int = MAX_NOTE_LENGTH) -> str:
    """The stripped text; VALIDATION_ERROR when blank or too long."""
    text = value.strip()
    if not text:
        raise invalid(f"{field} must not be blank", field=field)
    if len(text) > max_length:
        raise invalid(f"{field} is longer than {max_length} characters", field=field)
    return text


def optional_text(value: str | None, field: str, max_length: int = MAX_NOTE_LENGTH) -> str | None:
    """None stays None; anything else must be non-blank text (see :func:`required_text`)."""
    return None if value is None else required_text(value, field, max_length)
