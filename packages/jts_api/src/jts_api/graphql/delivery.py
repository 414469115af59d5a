"""Delivery: ``inbox``, ``markInboxRead`` and the ``inboxMessage`` subscription,
``messageTemplates``, ``saveMessageTemplate``, ``setMessageLanguage`` and
``jtdUsage``."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date
from typing import Annotated

import strawberry

from jts_api.context import Info
from jts_api.graphql.ids import parse_id
from jts_api.graphql.types.delivery import (
    InboxConnection,
    InboxMessageEvent,
    InboxMessageType,
    JtdUsageRow,
    MessageTemplateType,
    SaveMessageTemplateInput,
)
from jts_api.graphql.types.paging import decode_cursor
from jts_domain.delivery import inbox, templates, usage
from jts_domain.delivery.model import InboxMessage
from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_store.delivery.rendering import JinjaRenderer

DEFAULT_PAGE_SIZE = 50
RENDERER = JinjaRenderer()


@strawberry.type
class Query:
    @strawberry.field(description="The caller's in-app messages, newest first, by pages.")
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

    @strawberry.field(description="The organization's message templates (jtd.read).")
    async def message_templates(self, info: Info) -> list[MessageTemplateType]:
        ctx = info.context
        found = await templates.list_message_templates(ctx.services, ctx.require_caller())
        return [MessageTemplateType.of(t) for t in found]

    @strawberry.field(
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
    @strawberry.mutation(description="Mark the caller's messages read; the ones marked now.")
    async def mark_inbox_read(self, info: Info, ids: list[strawberry.ID]) -> list[InboxMessageType]:
        ctx = info.context
        marked = await inbox.mark_inbox_read(
            ctx.services, ctx.require_caller(), [parse_id(i, "ids") for i in ids]
        )
        return [InboxMessageType.of(m) for m in marked]

    @strawberry.mutation(
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

    @strawberry.mutation(description="The language messages fall back to (jtd.configure).")
    async def set_message_language(self, info: Info, language: str) -> str:
        ctx = info.context
        return await templates.set_default_language(ctx.services, ctx.require_caller(), language)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Messages arriving in the caller's inbox, live.")
    async def inbox_message(self, info: Info) -> AsyncGenerator[InboxMessageEvent, None]:
        ctx = info.context
        caller = ctx.require_caller()
        if caller.employee_id is None:
            raise invalid("only an employee has an inbox", field="caller")
        feed = ctx.runtime.inbox_feed
        if feed is None:
            raise DomainError(ErrorCode.NOT_FOUND, "live updates are off in this process")
        async with feed.subscribe(caller.organization_id, caller.employee_id) as arrivals:
            while True:
                a = await arrivals.get()
                message = InboxMessage(
                    id=a.message_id, organization_id=a.organization_id,
                    employee_id=a.employee_id, job_id=a.job_id, subject=a.subject, body=a.body,
                    priority=a.priority, created_at=a.at,
                )  # fmt: skip
                yield InboxMessageEvent(message=InboxMessageType.of(message))
