"""Delivery: ``inbox``, ``markInboxRead`` and the ``inboxMessage`` subscription,
``messageTemplates``, ``saveMessageTemplate``, ``setMessageLanguage`` and
``jtdUsage``."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from jts_api.context import Info
from jts_api.graphql import typed
from jts_api.graphql.ids import parse_id
from jts_api.graphql.live import follow
from jts_api.graphql.types.delivery import (
    InboxConnection,
    InboxMessageEvent,
    InboxMessageType,
    JtdUsageRow,
    MessageTemplateType,
    SaveMessageTemplateInput,
)
from jts_api.graphql.types.paging import decode_cursor
from jts_api.live_feed import TopicKind
from jts_domain.delivery import inbox, templates, usage
from jts_domain.delivery.model import InboxMessage
from jts_domain.errors import invalid
from jts_domain.model import DomainEvent, EventName
from jts_store.delivery.rendering import JinjaRenderer

DEFAULT_PAGE_SIZE = 50
RENDERER = JinjaRenderer()


@strawberry.type
class Query:
    @typed.field(description="The caller's in-app messages, newest first, by pages.")
    async def inbox(
        self,
        info: Info,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        unread_only: bool = False,
    ) -> InboxConnection:
        ctx = info.context
        page = await inbox.list_inbox(
            ctx.services, ctx.require_caller(), unread_only=unread_only, first=first,
            after=decode_cursor(after),
        )  # fmt: skip
        return InboxConnection.of(page)

    @typed.field(description="The organization's message templates (jtd.read).")
    async def message_templates(self, info: Info) -> list[MessageTemplateType]:
        ctx = info.context
        found = await templates.list_message_templates(ctx.services, ctx.require_caller())
        return [MessageTemplateType.of(t) for t in found]

    @typed.field(
        name="jtdUsage",
        description="Messages and cost (minor units) per channel and local day (jtd.read).",
    )
    async def jtd_usage(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> list[JtdUsageRow]:
        ctx = info.context
        rows = await usage.jtd_usage(ctx.services, ctx.require_caller(), from_, to)
        return [
            JtdUsageRow(
                day=r.day,
                channel=r.channel,
                messages=r.messages,
                cost_minor=r.cost_minor,
                currency=r.currency,
            )
            for r in rows
        ]


@strawberry.type
class Mutation:
    @typed.mutation(description="Mark the caller's messages read; the ones marked now.")
    async def mark_inbox_read(self, info: Info, ids: list[strawberry.ID]) -> list[InboxMessageType]:
        ctx = info.context
        marked = await inbox.mark_inbox_read(
            ctx.services, ctx.require_caller(), [parse_id(i, "ids") for i in ids]
        )
        return [InboxMessageType.of(m) for m in marked]

    @typed.mutation(
        description="Store the template of an event type, channel and language (jtd.configure); "
        "a variable templates do not have is VALIDATION_ERROR, naming it."
    )
    async def save_message_template(
        self, info: Info, input: SaveMessageTemplateInput
    ) -> MessageTemplateType:
        ctx = info.context
        saved = await templates.save_message_template(
            ctx.services, ctx.require_caller(), RENDERER, event_type=input.event_type,
            channel=input.channel, language=input.language, subject=input.subject,
            body=input.body, version=input.version,
        )  # fmt: skip
        return MessageTemplateType.of(saved)

    @typed.mutation(description="The language messages fall back to (jtd.configure).")
    async def set_message_language(self, info: Info, language: str) -> str:
        ctx = info.context
        return await templates.set_default_language(ctx.services, ctx.require_caller(), language)


#: Messages put in an employee's inbox, by that employee.
INBOX_MESSAGES = TopicKind(
    name="inbox",
    events=frozenset({EventName.INBOX_MESSAGE_ADDED}),
    keys=lambda event: (UUID(str(event.payload["employee_id"])),),
)


def inbox_event_of(event: DomainEvent) -> InboxMessageEvent:
    """The GraphQL shape of an ``inbox.message_added`` event."""
    p = event.payload
    message = InboxMessage(
        id=UUID(str(p["message_id"])), organization_id=event.organization_id,
        employee_id=UUID(str(p["employee_id"])), job_id=UUID(str(p["job_id"])),
        subject=str(p["subject"]), body=str(p.get("body", "")),
        priority=int(p.get("priority", 5)), created_at=datetime.fromisoformat(str(p["at"])),
    )  # fmt: skip
    return InboxMessageEvent(message=InboxMessageType.of(message))


@strawberry.type
class Subscription:
    @typed.subscription(description="Messages arriving in the caller's inbox, live.")
    async def inbox_message(self, info: Info) -> AsyncGenerator[InboxMessageEvent, None]:
        ctx = info.context
        caller = ctx.require_caller()
        if caller.employee_id is None:
            raise invalid("only an employee has an inbox", field="caller")
        async for arrival in follow(ctx, INBOX_MESSAGES, caller.employee_id, inbox_event_of):
            yield arrival
