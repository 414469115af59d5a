"""Webhooks: JTS's outbox events delivered, signed, to other systems (payroll first).

* :mod:`~jts_domain.webhooks.model` — endpoints, deliveries, attempts;
* :mod:`~jts_domain.webhooks.signing` — Standard Webhooks secrets and signatures;
* :mod:`~jts_domain.webhooks.targets` — which URLs may be targets;
* :mod:`~jts_domain.webhooks.ports` — the repository, the HTTP sender, the resolver;
* use cases: :mod:`~jts_domain.webhooks.endpoints`, :mod:`~jts_domain.webhooks.fanout`
  (the outbox consumer), :mod:`~jts_domain.webhooks.dispatch`.
"""
