"""Delivery: jobs to do that leave the building.

* :mod:`~jts_domain.delivery.model` — attempts, delivery states, ledger rows, inbox
  messages, templates, outgoing messages and what a channel answers;
* :mod:`~jts_domain.delivery.rules` — pure rules: which jobs a dispatcher takes, quiet
  hours in the tenant's timezone, backoff, counter windows;
* :mod:`~jts_domain.delivery.ports` — the repository, the renderer and the senders;
* use cases: :mod:`~jts_domain.delivery.dispatch` (the dispatcher's batch),
  :mod:`~jts_domain.delivery.templates`, :mod:`~jts_domain.delivery.inbox`,
  :mod:`~jts_domain.delivery.usage`, :mod:`~jts_domain.delivery.receipts`.

This package imports no use case at import time, so the ports can name its types.
"""
