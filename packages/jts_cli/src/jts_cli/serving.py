"""Serving the API (and, in ``jts dev``, the worker beside it) under uvicorn."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from types import FrameType
from typing import Any

import uvicorn
from litestar import Litestar

from jts_api.ops.logging import configure_process_logging


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    sys.exit(0)


def api_server(
    app: Litestar, host: str, port: int, *, trusted_proxies: Sequence[str] = ()
) -> uvicorn.Server:
    """A uvicorn server for the app: HTTP and websockets, lifespan on, no access log of
    its own (the app logs each request as JSON with its request id).

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are read only when the peer is one of
    ``trusted_proxies`` (``JTS_TRUSTED_PROXIES``), and then the client is the nearest
    address in the chain that is not a trusted proxy; with none, they are ignored and
    the peer is the client (uvicorn would otherwise believe them from loopback, which
    lets anyone on the host pick the address the rate limiter sees).
    """
    configure_process_logging()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        ws="websockets-sansio",
        access_log=False,
        log_config=None,  # its records go to the JSON handler of configure_process_logging
        timeout_graceful_shutdown=10,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies),
    )
    return uvicorn.Server(config)


def run_until_stopped(*services: Coroutine[Any, Any, None]) -> None:
    """Run the services until SIGINT or SIGTERM, then end the process with status 0.

    uvicorn drains connections and runs the app's shutdown hooks on the signal, then
    re-raises it; the handlers installed here turn that into a clean exit.
    """
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)

    async def together() -> None:
        await asyncio.gather(*services)

    asyncio.run(together())


async def serve_with_worker(
    api: uvicorn.Server,
    worker: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
    *,
    companions: Sequence[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = (),
) -> None:
    """Serve the API and run the worker beside it; when either stops, stop the other.

    Both listen for SIGINT/SIGTERM (saq's worker installs handlers on the event loop,
    uvicorn its own), and whichever gets the signal ends first: the other is told to stop
    here, so one Ctrl-C or SIGTERM ends the whole process gracefully. ``companions`` run
    until then too (``jts dev``'s watch over its embedded database).
    """
    stop = asyncio.Event()
    working = asyncio.create_task(worker(stop))
    accompanying = [asyncio.create_task(companion(stop)) for companion in companions]
    serving = asyncio.create_task(api.serve())
    await asyncio.wait({working, serving}, return_when=asyncio.FIRST_COMPLETED)
    api.should_exit = True
    stop.set()
    await asyncio.gather(working, serving, *accompanying)
