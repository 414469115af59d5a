"""Jobs to do (JTD): one record per thing to be done or sent, moving through its event
type's status flow, with who moved it.

* :mod:`~jts_domain.jtd.catalog` — the master data, defined once (event types with their
  statuses and flows, channels, source types, system actors);
* :mod:`~jts_domain.jtd.model` — jobs, their history, tenant and source settings;
* :mod:`~jts_domain.jtd.rules` — channel choice, soft-enforced moves, the agent's scope;
* :mod:`~jts_domain.jtd.recurrence` — recurrences as data, expanded by an adapter;
* :mod:`~jts_domain.jtd.ports` — the repository and recurrence expander the use cases need;
* use cases: :mod:`~jts_domain.jtd.jobs`, :mod:`~jts_domain.jtd.visits`,
  :mod:`~jts_domain.jtd.settings`, :mod:`~jts_domain.jtd.agent`,
  :mod:`~jts_domain.jtd.from_events`.

This package imports no use case at import time, so the ports can name its types.
"""
