"""The API alone in a process of its own (for measuring its memory): serves the app on a
free local port, prints the port, and runs until SIGTERM.

    python -m tests.api.export_server DATABASE_URL SECRET_KEY
"""

from __future__ import annotations

import socket
import sys

import uvicorn

from jts_api.app import create_app
from tests.api.harness import api_settings


def main() -> None:
    """Serve until terminated."""
    database_url, secret_key = sys.argv[1], sys.argv[2]
    settings = api_settings(database_url, secret_key=secret_key, pool_size=2)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False)
    print(sock.getsockname()[1], flush=True)  # noqa: T201 -- the port, for the parent process
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
