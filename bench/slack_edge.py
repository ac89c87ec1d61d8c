"""Slack's edge for bench/load.py: signed requests sent into the bot from a process of its own,
each timed from opening its connection to reading its whole answer, as Slack would time it.

The benchmark's own process plays the sandbox and Slack's Web API for hundreds of people and
prepares (signs) every request; sending from here keeps that work out of the acknowledgement
times, as it would be out of Slack's. Reads JSON on stdin, {"url": the bot's events URL,
"requests": [{"body": str, "headers": {name: value}, "at": seconds after the start}]}, and
writes JSON: for each request [started, finished, status, body], on the machine's monotonic
clock (`time.perf_counter`, the same in every process).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any
from urllib.parse import urlsplit


def raw_request(url: str, body: str, headers: dict[str, str]) -> bytes:
    """The HTTP/1.1 request as bytes, built before any clock starts."""
    where = urlsplit(url)
    content = body.encode()
    lines = [f"POST {where.path} HTTP/1.1", f"Host: {where.netloc}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(content)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + content


async def send(host: str, port: int, payload: bytes, at: float) -> list[Any]:
    """[started, finished, status, body] of one request sent at `at` (perf_counter)."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(payload)
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        content = await reader.readexactly(length)
        finished = time.perf_counter()
        writer.close()
    except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
        return [started, time.perf_counter(), 0, type(error).__name__]
    return [started, finished, status, content.decode(errors="replace")]


async def main() -> None:
    plan = json.load(sys.stdin)
    where = urlsplit(plan["url"])
    host, port = where.hostname or "127.0.0.1", where.port or 80
    payloads = [
        (raw_request(plan["url"], item["body"], item["headers"]), float(item["at"]))
        for item in plan["requests"]
    ]
    start = time.perf_counter() + 0.05
    results = await asyncio.gather(
        *(send(host, port, payload, start + at) for payload, at in payloads)
    )
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
