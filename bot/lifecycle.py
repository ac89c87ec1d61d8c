"""`async with` for the things tests and the demo start and stop: servers, fakes, worlds."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class AsyncRunning:
    """Gives a class with `async start()` and `async stop()` its `async with` form."""

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
