"""Delivery and webhooks over real HTTP and websockets: templates refused by name, the
inbox and its live ``inboxMessage`` push, ``jtdUsage``, webhook endpoints (the secret
shown once, private targets refused in production), and signed provider receipts.

This module's server runs with ``JTS_ENV=production`` and a receipts secret, on a clock
of its own; messages are dispatched in the test process, as a worker would, on the same
database (limited to the test's own organization).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
import websockets
from sqlalchemy.ext.asyncio import AsyncEngine

from jts_api.delivery_http.receipts import receipt_signature
from jts_api.graphql.delivery import INBOX_MESSAGES
from jts_api.runtime import ApiRuntime
from jts_domain.clock import ManualClock
from jts_domain.delivery.dispatch import Dispatcher, dispatch_due
from jts_domain.services import ServiceContext
from jts_store.delivery.rendering import JinjaRenderer
from jts_store.unit_of_work import SqlUnitOfWorkFactory
from tests.api.database import count_rows
from tests.api.harness import ApiServer, Gql, make_gql, serve
from tests.api.team import Team, make_team_over_http

RECEIPTS_SECRET = "receipts-secret-for-tests"
PATIENCE_SECONDS = 10.0
CREATE = """mutation($input: CreateJobToDoInput!) { createJobToDo(input: $input) { id status } }"""
QUIET_OFF = """mutation { updateJtdSettings(input: { quietHoursStart: "00:00:00",
  quietHoursEnd: "00:00:00" }) { version } }"""
JOB = "query($id: ID!) { jobToDo(id: $id) { status delivery { state reason } } }"


@dataclass(frozen=True)
class Prod:
    server: ApiServer

    @property
    def clock(self) -> ManualClock:
        return self.server.manual_clock

    @property
    def runtime(self) -> ApiRuntime:
        return self.server.runtime


@pytest.fixture(scope="module")
def prod(database_url: str) -> Iterator[Prod]:
    with serve(
        database_url,
        env="production",
        receipts_secret=RECEIPTS_SECRET,
        # this server checks production's rules, not the run's loopback-only sandbox
        webhook_loopback_only=False,
    ) as server:
        yield Prod(server)


@pytest.fixture
def pgql(prod: Prod) -> Iterator[Gql]:
    with make_gql(prod.server) as client:
        yield client


@pytest.fixture
def dispatch(engine: AsyncEngine, prod: Prod) -> Any:
    async def run(organization_id: UUID) -> Any:
        ctx = ServiceContext(uow=SqlUnitOfWorkFactory(engine), clock=prod.clock)
        dispatcher = Dispatcher(
            senders={}, renderer=JinjaRenderer(), tenants=frozenset({organization_id})
        )
        return await dispatch_due(ctx, dispatcher)

    return run


def _organization(gql: Gql, world: Team) -> UUID:
    me = gql("{ me { organizationId } }", token=world.token("admin")).ok()["me"]
    return UUID(me["organizationId"])


def _message_for(gql: Gql, world: Team, subject: str = "Shelf audit at 4") -> str:
    gql(QUIET_OFF, token=world.token("admin")).ok()
    variables = {"input": {"subject": subject, "sourceType": "system",
                           "recipientId": world.id("employee")}}  # fmt: skip
    return str(gql(CREATE, variables, world.token("admin")).ok()["createJobToDo"]["id"])


def test_a_template_with_unknown_variables_is_refused_naming_them(pgql: Gql, prod: Prod) -> None:
    world = make_team_over_http(pgql, prod.server)
    save = """mutation($input: SaveMessageTemplateInput!) {
      saveMessageTemplate(input: $input) { id version language } }"""
    bad = {"eventType": "notification", "channel": "inapp", "language": "en",
           "subject": "{{ subject }}", "body": "{{ secret_code }} and {{ body }}"}  # fmt: skip
    refused = pgql(save, {"input": bad}, world.token("admin"))
    assert refused.codes == ["VALIDATION_ERROR"]
    assert "secret_code" in refused.errors[0]["message"]
    assert pgql("{ messageTemplates { id } }", token=world.token("admin")).ok() == {
        "messageTemplates": []
    }
    good = {**bad, "body": "{{ body }}"}
    saved = pgql(save, {"input": good}, world.token("admin")).ok()["saveMessageTemplate"]
    assert (saved["version"], saved["language"]) == (1, "en")
    stale = pgql(save, {"input": good}, world.token("admin"))
    assert stale.codes == ["CONFLICT"]
    employee = pgql(save, {"input": good}, world.token("employee"))
    assert employee.codes == ["FORBIDDEN"]


async def test_a_dispatched_message_is_pushed_live_and_listed_in_the_inbox(
    pgql: Gql, prod: Prod, dispatch: Any
) -> None:
    world = make_team_over_http(pgql, prod.server)
    organization = _organization(pgql, world)
    feed = prod.runtime.live_feed
    socket = await websockets.connect(prod.server.ws_url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    try:
        init = {"type": "connection_init",
                "payload": {"authorization": f"Bearer {world.token('employee')}"}}  # fmt: skip
        await socket.send(json.dumps(init))
        assert json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))["type"] == (
            "connection_ack"
        )
        query = "subscription { inboxMessage { message { id jobId subject priority } } }"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        employee = UUID(world.id("employee"))
        deadline = time.monotonic() + PATIENCE_SECONDS
        while feed.subscribers(INBOX_MESSAGES, organization, employee) == 0:
            assert time.monotonic() < deadline, "the subscription never started"
            await asyncio.sleep(0.01)
        job = _message_for(pgql, world)
        run = await dispatch(organization)
        assert run.sent == 1
        pushed = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE_SECONDS))
    finally:
        await socket.close()
    assert pushed["type"] == "next", pushed
    message = pushed["payload"]["data"]["inboxMessage"]["message"]
    assert (message["jobId"], message["subject"]) == (job, "Shelf audit at 4")
    inbox = pgql(
        "{ inbox(first: 5) { edges { node { id jobId readAt } } pageInfo { hasNextPage } } }",
        token=world.token("employee"),
    ).ok()["inbox"]
    assert [e["node"]["id"] for e in inbox["edges"]] == [message["id"]]
    marked = pgql(
        "mutation($ids: [ID!]!) { markInboxRead(ids: $ids) { id readAt } }",
        {"ids": [message["id"]]},
        world.token("employee"),
    ).ok()["markInboxRead"]
    assert marked[0]["readAt"] is not None
    state = pgql(JOB, {"id": job}, world.token("admin")).ok()["jobToDo"]
    assert state == {"status": "read", "delivery": {"state": "read", "reason": None}}
    usage = pgql(
        '{ jtdUsage(from: "2026-03-01", to: "2026-12-31") { day channel messages costMinor } }',
        token=world.token("admin"),
    ).ok()["jtdUsage"]
    assert [(u["channel"], u["messages"], u["costMinor"]) for u in usage] == [("inapp", 1, 0)]


def _receipt(
    pgql: Gql, prod: Prod, body: dict[str, Any], *, secret: str = RECEIPTS_SECRET
) -> httpx.Response:
    raw = json.dumps(body).encode()
    timestamp = str(int(prod.clock.now().timestamp()))
    headers = {"x-jts-timestamp": timestamp,
               "x-jts-signature": receipt_signature(secret, timestamp, raw),
               "content-type": "application/json"}  # fmt: skip
    return pgql.http.post(f"{prod.server.url}/delivery/receipts", content=raw, headers=headers)


async def test_a_signed_receipt_moves_a_job_and_a_bad_signature_changes_nothing(
    pgql: Gql, prod: Prod, dispatch: Any
) -> None:
    world = make_team_over_http(pgql, prod.server)
    job = _message_for(pgql, world)
    await dispatch(_organization(pgql, world))
    provider_id = f"{job}:1"
    forged = _receipt(pgql, prod, {"messageId": provider_id, "status": "read"}, secret="guessed")
    assert forged.status_code == 401
    assert pgql(JOB, {"id": job}, world.token("admin")).ok()["jobToDo"]["status"] == "sent"
    receipts = f"{prod.server.url}/delivery/receipts"
    unsigned = pgql.http.post(receipts, json={"messageId": provider_id})
    assert unsigned.status_code == 401
    delivered = _receipt(pgql, prod, {"messageId": provider_id, "status": "delivered"})
    assert delivered.status_code == 200
    assert delivered.json()["status"] == "delivered"
    assert _receipt(pgql, prod, {"messageId": "unknown", "status": "read"}).status_code == 404
    assert _receipt(pgql, prod, {"nothing": 1}).status_code == 400
    read = _receipt(pgql, prod, {"messageId": provider_id, "status": "read"})
    assert read.json() == {"jobId": job, "status": "read", "moved": True}


def test_webhook_endpoints_show_the_secret_once_and_refuse_private_targets_in_production(
    pgql: Gql, prod: Prod, database_url: str
) -> None:
    world = make_team_over_http(pgql, prod.server)
    create = """mutation($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) { secret endpoint { id url enabled } } }"""
    organization = _organization(pgql, world)
    for url in ("http://127.0.0.1:8000/hook", "http://10.0.0.5/hook", "http://[::1]/hook"):
        refused = pgql(create, {"input": {"url": url, "eventTypes": ["task.completed"]}},
                       world.token("admin"))  # fmt: skip
        assert refused.codes == ["VALIDATION_ERROR"], url
    assert count_rows(database_url, "webhook_endpoints", str(organization)) == 0
    # A public address is accepted; it is only stored, and disabled before the test ends,
    # so no worker of this run ever sends to it.
    public = {"url": "http://93.184.216.34/hook", "eventTypes": ["daily_score.calculated"]}
    made = pgql(create, {"input": public}, world.token("admin")).ok()["createWebhookEndpoint"]
    disable = """mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false })
      { enabled } }"""
    try:
        _check_listing_and_rotation(pgql, world, made, public)
    finally:
        pgql(disable, {"id": made["endpoint"]["id"]}, world.token("admin")).ok()
    manager = pgql("{ webhookEndpoints { id } }", token=world.token("manager"))
    assert manager.codes == ["FORBIDDEN"]


def _check_listing_and_rotation(
    pgql: Gql, world: Team, made: dict[str, Any], public: dict[str, Any]
) -> None:
    assert made["secret"].startswith("whsec_")
    listed = pgql("{ webhookEndpoints { id url eventTypes enabled } }", token=world.token("admin"))
    assert listed.ok()["webhookEndpoints"] == [
        {"id": made["endpoint"]["id"], "url": public["url"],
         "eventTypes": ["daily_score.calculated"], "enabled": True}
    ]  # fmt: skip
    assert "secret" not in json.dumps(listed.body)
    rotate = "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }"
    rotated = pgql(rotate, {"id": made["endpoint"]["id"]}, world.token("admin")).ok()
    assert rotated["rotateWebhookSecret"]["secret"] not in (made["secret"], None)
