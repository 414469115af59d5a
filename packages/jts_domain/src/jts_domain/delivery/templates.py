"""Message templates per event type, channel and language, and how a job is rendered.

Decisions where PRODUCT.md is silent:

* A template has a subject and a body, both rendered in the sandbox with the variables
  of :data:`TEMPLATE_VARIABLES` (the job's own subject and body among them, so a template
  can wrap what the job says). Any other variable is refused when the template is saved
  (VALIDATION_ERROR naming them).
* The language of a job is its payload's ``language``, else the tenant's default
  language (``en`` until set); a job with no template in its language uses the
  default language's, and with none at all goes out as its own subject and body.
* Saving replaces the template of the same (event type, channel, language), bumping
  its version; a stale ``version`` is CONFLICT.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from jts_domain.delivery.model import MessageTemplate, OutgoingMessage
from jts_domain.delivery.ports import MessageRenderer
from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.jtd.catalog import CATALOG
from jts_domain.jtd.model import JobToDo
from jts_domain.jtd.rules import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH, clean_text, free_text
from jts_domain.model import Permission
from jts_domain.services.audit import record_change
from jts_domain.services.context import Caller, ServiceContext

#: What a template may name.
TEMPLATE_VARIABLES = frozenset(
    {
        "subject",
        "body",
        "recipient_name",
        "recipient_address",
        "event_type",
        "source_type",
        "channel",
        "priority",
        "scheduled_at",
        "payload",
    }
)
DEFAULT_LANGUAGE = "en"
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def check_language(language: str) -> str:
    """A language tag such as ``en``, ``hi`` or ``pt-BR``."""
    if not _LANGUAGE.match(language):
        raise invalid(f"{language!r} is not a language tag (e.g. en, hi, pt-BR)", field="language")
    return language


def check_template_text(renderer: MessageRenderer, field: str, text: str) -> None:
    """VALIDATION_ERROR naming every variable the text uses that templates do not have."""
    unknown = sorted(renderer.variables(text) - TEMPLATE_VARIABLES)
    if unknown:
        raise invalid(
            f"{field} uses unknown variables: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(TEMPLATE_VARIABLES))})",
            field=field,
            unknown=unknown,
        )


async def save_message_template(
    ctx: ServiceContext,
    caller: Caller,
    renderer: MessageRenderer,
    *,
    event_type: str,
    channel: str,
    language: str,
    subject: str,
    body: str,
    version: int = 0,
) -> MessageTemplate:
    """Store the template of an event type, channel and language (``jtd.configure``)."""
    caller.require(Permission.JTD_CONFIGURE)
    definition = CATALOG.event_type(event_type)
    CATALOG.channel(channel)
    if channel not in definition.channels:
        raise invalid(f"{event_type} jobs do not go by {channel}", field="channel")
    subject = clean_text(subject, "subject", MAX_SUBJECT_LENGTH)
    body = free_text(body, "body", MAX_BODY_LENGTH)
    check_template_text(renderer, "subject", subject)
    check_template_text(renderer, "body", body)
    now = ctx.clock.now()
    template = MessageTemplate(
        id=new_id(),
        organization_id=caller.organization_id,
        event_type=event_type,
        channel=channel,
        language=check_language(language),
        subject=subject,
        body=body,
        updated_at=now,
        version=version + 1,
    )
    async with ctx.uow() as uow:
        saved = await uow.delivery.save_template(template)
        await record_change(
            uow,
            caller.organization_id,
            caller.actor,
            now,
            action="message_template.save",
            entity_type="message_template",
            entity_id=saved.id,
            summary=f"{event_type}/{channel}/{language} template, version {saved.version}",
        )
        await uow.commit()
    return saved


async def list_message_templates(ctx: ServiceContext, caller: Caller) -> list[MessageTemplate]:
    """The organization's templates (``jtd.read``)."""
    caller.require(Permission.JTD_READ)
    async with ctx.uow() as uow:
        return await uow.delivery.templates(caller.organization_id)


async def set_default_language(ctx: ServiceContext, caller: Caller, language: str) -> str:
    """The language messages fall back to (``jtd.configure``)."""
    caller.require(Permission.JTD_CONFIGURE)
    check_language(language)
    async with ctx.uow() as uow:
        before = await uow.delivery.default_language(caller.organization_id)
        await uow.delivery.set_default_language(caller.organization_id, language)
        await record_change(
            uow,
            caller.organization_id,
            caller.actor,
            ctx.clock.now(),
            action="message_template.default_language",
            entity_type="organization",
            entity_id=caller.organization_id,
            summary=f"default message language {before} → {language}",
        )
        await uow.commit()
    return language


@dataclass(frozen=True, slots=True)
class TemplateBook:
    """One tenant's templates, ready to pick from."""

    default_language: str
    by_key: Mapping[tuple[str, str, str], MessageTemplate]

    def pick(self, job: JobToDo) -> MessageTemplate | None:
        """The job's template: in its language, else the default one, else none."""
        wanted = job.payload.get("language")
        channel = job.channel or ""
        for language in (wanted, self.default_language):
            if isinstance(language, str):
                found = self.by_key.get((job.event_type, channel, language))
                if found is not None:
                    return found
        return None


def book_of(default_language: str, templates: list[MessageTemplate]) -> TemplateBook:
    """The templates keyed by (event type, channel, language)."""
    return TemplateBook(
        default_language, {(t.event_type, t.channel, t.language): t for t in templates}
    )


def template_values(job: JobToDo) -> dict[str, Any]:
    """What a template of the job sees."""
    return {
        "subject": job.subject,
        "body": job.body,
        "recipient_name": job.recipient.name,
        "recipient_address": job.recipient.address,
        "event_type": job.event_type,
        "source_type": job.source_type,
        "channel": job.channel,
        "priority": job.priority,
        "scheduled_at": job.scheduled_at.isoformat(),
        "payload": job.payload,
    }


def render_job(
    renderer: MessageRenderer, book: TemplateBook, job: JobToDo, attempt_key: str
) -> OutgoingMessage:
    """The message of one attempt (VALIDATION_ERROR when its template cannot render)."""
    template = book.pick(job)
    subject, body = job.subject, job.body
    if template is not None:
        values = template_values(job)
        subject = renderer.render(template.subject, values)
        body = renderer.render(template.body, values)
    recipient: UUID | None = job.recipient.employee_id
    return OutgoingMessage(
        job_id=job.id,
        organization_id=job.organization_id,
        channel=job.channel or "",
        attempt_key=attempt_key,
        to_address=job.recipient.address,
        to_employee_id=recipient,
        to_name=job.recipient.name,
        subject=subject,
        body=body,
        priority=job.priority,
        is_live=job.is_live,
        payload=dict(job.payload),
    )
