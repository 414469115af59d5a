"""The GraphQL schema, one module per feature.

* ``<feature>.py`` — a feature's resolvers: ``Query``, ``Mutation`` and/or
  ``Subscription`` classes, merged by :mod:`jts_api.schema`;
* ``types/`` — the output and input types features share;
* ``enums.py`` — the domain's enums as GraphQL enums;
* ``ids.py`` — turning ``ID`` arguments into UUIDs (VALIDATION_ERROR when they are not).

A resolver parses its input, calls ONE use case of :mod:`jts_domain.services`, and
shapes the output. Business rules and permission checks live in the use case.
"""
