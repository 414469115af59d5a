"""A fast webhook receiver for the delivery benchmark: a raw asyncio HTTP/1.1 server
(keep-alive) that answers 200 to every POST and counts them, in its own process.

    python webhook_receiver.py PORT   # prints "ready" once listening; "count N" on SIGTERM
"""

from __future__ import annotations

import asyncio
import signal
import sys

COUNT = 0
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global COUNT  # noqa: PLW0603 -- one counter for this tiny process
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            COUNT += 1
            writer.write(RESPONSE)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(_serve, "127.0.0.1", port, backlog=512)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    async with server:
        await stop.wait()
    print(f"count {COUNT}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
