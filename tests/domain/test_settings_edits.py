"""Editing organization settings: what an edit names changes, nothing else does, and the
audit's list of changes is exactly the fields whose value moved."""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import given

from jts_domain.administration.changes import KEEP
from jts_domain.administration.settings import SettingsEdit, edited_settings, settings_changes
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import OrganizationSettings
from tests.domain.settings_strategies import organization_settings, settings_edits


def _named(edit: SettingsEdit) -> dict[str, object]:
    """Every setting the edit names, weights and bounds as ``score_weights.sla`` etc."""
    named: dict[str, object] = {}
    for f in fields(edit):
        value = getattr(edit, f.name)
        if f.name in {"score_weights", "workload"}:
            for part in fields(value):
                if (inner := getattr(value, part.name)) is not KEEP:
                    named[f"{f.name}.{part.name}"] = inner
        elif value is not KEEP:
            named[f.name] = value
    return named


def _value(settings: OrganizationSettings, name: str) -> object:
    group, _, part = name.partition(".")
    value = getattr(settings, group)
    return getattr(value, part) if part else value


@given(current=organization_settings(), edit=settings_edits())
def test_an_edit_changes_exactly_what_it_names(
    current: OrganizationSettings, edit: SettingsEdit
) -> None:
    named = _named(edit)
    weights = [
        named.get(f"score_weights.{f.name}", getattr(current.score_weights, f.name))
        for f in fields(current.score_weights)
    ]
    if sum(weights) == 0:  # type: ignore[arg-type]
        with pytest.raises(DomainError) as refused:
            edited_settings(current, edit)
        assert (refused.value.code, refused.value.details["field"]) == (
            ErrorCode.VALIDATION_ERROR,
            "score_weights",
        )
        return
    after = edited_settings(current, edit)
    every = [*(f.name for f in fields(current) if f.name not in {"score_weights", "workload"})]
    every += [f"score_weights.{f.name}" for f in fields(current.score_weights)]
    every += [f"workload.{f.name}" for f in fields(current.workload)]
    for name in every:
        assert _value(after, name) == named.get(name, _value(current, name)), name
    changes = settings_changes(current, after)
    assert {c.field for c in changes} == {n for n, v in named.items() if v != _value(current, n)}
    for c in changes:
        assert (c.old, c.new) == (_value(current, c.field), _value(after, c.field))
    assert settings_changes(after, edited_settings(after, edit)) == []
