"""Hypothesis strategies of the service tests: sequences of use-case calls."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from jts_domain.model import Role

#: The people of :func:`tests.services.builders.build_world` who may act or be acted on.
PEOPLE = ("admin", "manager", "alice", "bob")


@dataclass(frozen=True, slots=True)
class AccessChange:
    """One call of :mod:`jts_domain.services.people`: who does what to whom."""

    actor: str
    kind: str  # "role", "deactivate" or "reactivate"
    target: str
    role: Role = Role.EMPLOYEE


access_changes = st.lists(
    st.builds(
        AccessChange,
        actor=st.sampled_from(PEOPLE),
        kind=st.sampled_from(["role", "deactivate", "reactivate"]),
        target=st.sampled_from(PEOPLE),
        role=st.sampled_from(list(Role)),
    ),
    max_size=12,
)
