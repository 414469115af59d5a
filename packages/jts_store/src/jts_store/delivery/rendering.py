"""Message templates rendered by Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`
with ``StrictUndefined``: a template can read the values it is given and nothing else
(no attribute walks to Python internals), and a name it was not given is an error,
never an empty string. HTML in values is not escaped: messages are plain text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from jts_domain.errors import invalid

MAX_RENDERED = 100_000


class JinjaRenderer:
    """The ``MessageRenderer`` port on a sandboxed Jinja2 environment."""

    def __init__(self) -> None:
        self._env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

    def variables(self, text: str) -> frozenset[str]:
        try:
            parsed = self._env.parse(text)
        except TemplateError as error:
            raise invalid(f"the template does not parse: {error}", field="template") from None
        return frozenset(meta.find_undeclared_variables(parsed))

    def render(self, text: str, values: Mapping[str, Any]) -> str:
        try:
            rendered = self._env.from_string(text).render(**values)
        except TemplateError as error:
            raise invalid(f"the template does not render: {error}", field="template") from None
        if len(rendered) > MAX_RENDERED:
            raise invalid("the rendered message is too long", field="template")
        return rendered
