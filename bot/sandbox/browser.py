"""What a person does on the sandbox's authorize page, done over HTTP for demos and benchmarks.

It submits the page's own form (the query's fields, the chosen user, the decision) and returns
where the sandbox redirects the browser: the bot's callback with `code` and `state`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx


async def submit_authorize_page(
    http: httpx.AsyncClient, authorize_url: str, user_id: int, *, approve: bool = True
) -> str:
    """The redirect target after choosing `user_id` and pressing Approve (or Deny)."""
    page = await http.get(authorize_url)
    page.raise_for_status()
    form = dict(parse_qsl(urlsplit(authorize_url).query))
    form |= {"user_id": str(user_id), "decision": "approve" if approve else "deny"}
    answer = await http.post(authorize_url.split("?", 1)[0], data=form, follow_redirects=False)
    if answer.status_code not in (302, 303) or "location" not in answer.headers:
        raise RuntimeError(f"the authorize page answered HTTP {answer.status_code}")
    return answer.headers["location"]
