"""Running an organization: its settings, people, places, plans, task edits and the
stored pending summaries.

The ports are in :mod:`jts_domain.administration.ports`; the use cases in the modules
named for what they change (``settings``, ``employees``, ``places``, ``roster``,
``task_templates``, ``task_edits``, ``pending``).
"""
