"""The OAuth 2.0 server under /oauth/: authorize page, token endpoint, revocation.

Validation is strict where the real server's would be (client, redirect URI, single-use
codes, rotating refresh tokens, PKCE S256 when the authorize request carried a challenge)
so the bot's OAuth code meets the same failures here that it would in production. The
dialect decides how the client must authenticate (HTTP Basic, form fields, either) and
whether PKCE is required, as Doorkeeper can be configured. A request with a bad client or
redirect URI gets an HTML error page, never a redirect: an unvalidated redirect would be an
open redirector.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from aiohttp import web

from bot.sandbox.seed import SandboxData
from bot.sandbox.state import STATE, SandboxState
from bot.sandbox.tokens import OAuthError, parse_scopes

SCOPE_TEXT = {
    "read_user": "See your name",
    "read_accounts": "See your organisations, departments, labs and equipment groups",
    "read_equipment": "See your labs' equipment and its bookings",
    "read_bookings": "See bookings in your labs and the ones you made",
}
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action *",
}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;
color:#1d2430;margin:0;padding:2rem 1rem}
main{max-width:34rem;margin:0 auto;background:#fff;border-radius:10px;padding:1.5rem 2rem;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
.brand{color:#0b7a75;font-weight:600;font-size:.85rem;letter-spacing:.04em;text-transform:uppercase}
ul.scopes{padding-left:1.2rem;margin:.4rem 0 1.2rem}
fieldset{border:1px solid #d6dbe1;border-radius:8px;padding:.4rem .8rem;margin:0 0 1.2rem}
legend{font-weight:600;padding:0 .3rem}
label.user{display:flex;gap:.6rem;align-items:flex-start;padding:.45rem 0;
border-bottom:1px solid #eef0f3;cursor:pointer}
label.user:last-child{border-bottom:none}
.who{font-weight:600}.meta{color:#5b6573;font-size:.85rem}
.buttons{display:flex;gap:.8rem}
button{font-size:1rem;padding:.55rem 1.4rem;border-radius:6px;border:1px solid #0b7a75;
cursor:pointer}
button.approve{background:#0b7a75;color:#fff}
button.deny{background:#fff;color:#0b7a75}
.error{color:#a4262c}
code{background:#eef0f3;padding:.1rem .3rem;border-radius:4px}
"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f'<body><main><div class="brand">Clustermarket sandbox</div>{body}</main></body></html>'
    )
    return web.Response(
        text=document, status=status, content_type="text/html", headers=_PAGE_HEADERS
    )


def _error_page(message: str) -> web.Response:
    return _page(
        "Authorization error",
        f'<h1 class="error">This authorization request is not valid</h1>'
        f"<p>{html.escape(message)}</p>",
        status=400,
    )


def with_query(uri: str, params: Mapping[str, str]) -> str:
    """`uri` with `params` appended to whatever query it already has."""
    parts = urlsplit(uri)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _redirect(uri: str, params: dict[str, str], state: str | None) -> web.Response:
    if state is not None:
        params = {**params, "state": state}
    return web.Response(status=302, headers={"Location": with_query(uri, params), **_NO_STORE})


def _check_request(state: SandboxState, params: Mapping[str, str]) -> str | None:
    """Why the client/redirect/response type are unacceptable, or None when they are fine."""
    if params.get("client_id") != state.tokens.client_id:
        return f"Unknown client_id {params.get('client_id', '')!r}."
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri:
        return "The redirect_uri parameter is missing."
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        return "The redirect_uri must be an absolute http(s) URL without a fragment."
    if params.get("response_type") != "code":
        return "response_type must be code."
    return None


def _text_fields(values: Mapping[str, object]) -> dict[str, str]:
    return {key: value for key, value in values.items() if isinstance(value, str)}


def _user_choices(data: SandboxData, chosen: int) -> str:
    rows = []
    for user in sorted(data.users.values(), key=lambda user: user.id):
        labs = ", ".join(data.accounts[lab_id].name for lab_id in user.lab_ids)
        checked = " checked" if user.id == chosen else ""
        rows.append(
            f'<label class="user"><input type="radio" name="user_id" value="{user.id}"{checked}>'
            f'<span><span class="who">{html.escape(user.name)}</span> '
            f'<span class="meta">· {html.escape(user.title)}</span><br>'
            f'<span class="meta">{html.escape(labs)}</span></span></label>'
        )
    return "".join(rows)


def authorize_page(state: SandboxState, params: Mapping[str, str]) -> web.Response:
    scopes = parse_scopes(params.get("scope"))
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
        for name in (
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
        )
        if name in params
    )
    items = "".join(
        f"<li>{html.escape(SCOPE_TEXT[name])} <code>{name}</code></li>"
        for name in SCOPE_TEXT
        if name in scopes
    )
    body = (
        f"<h1>Authorize <code>{html.escape(state.tokens.client_id)}</code></h1>"
        f'<p>This application wants to:</p><ul class="scopes">{items}</ul>'
        f'<form method="post" action="/oauth/authorize">{hidden}'
        f"<fieldset><legend>Sign in as</legend>"
        f"{_user_choices(state.data, state.data.demo_user_id)}</fieldset>"
        f'<p class="meta">Redirects to {html.escape(params["redirect_uri"])}</p>'
        '<div class="buttons"><button class="approve" type="submit" name="decision" '
        'value="approve">Approve</button><button class="deny" type="submit" name="decision" '
        'value="deny">Deny</button></div></form>'
    )
    return _page("Authorize application · Clustermarket sandbox", body)


def _check_pkce(state: SandboxState, params: Mapping[str, str]) -> None:
    """RFC 7636: a challenge must be S256 here; a dialect that requires PKCE wants one."""
    challenge = params.get("code_challenge")
    if challenge is None:
        if state.dialect.require_pkce:
            raise OAuthError("invalid_request", "PKCE is required: send a code_challenge")
        return
    if params.get("code_challenge_method") != "S256":
        raise OAuthError("invalid_request", "code_challenge_method must be S256")
    if not 43 <= len(challenge) <= 128:
        raise OAuthError("invalid_request", "code_challenge is malformed")


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def authorize_get(request: web.Request) -> web.Response:
    state = request.app[STATE]
    params = dict(request.query)
    problem = _check_request(state, params)
    if problem:
        return _error_page(problem)
    try:
        _check_pkce(state, params)
        return authorize_page(state, params)
    except OAuthError as error:
        return _redirect(
            params["redirect_uri"],
            {"error": error.code, "error_description": error.description},
            params.get("state"),
        )


async def authorize_post(request: web.Request) -> web.Response:
    state = request.app[STATE]
    form = _text_fields(await request.post())
    problem = _check_request(state, form)
    if problem:
        return _error_page(problem)
    redirect_uri, client_state = form["redirect_uri"], form.get("state")
    try:
        _check_pkce(state, form)
        scopes = parse_scopes(form.get("scope"))
    except OAuthError as error:
        params = {"error": error.code, "error_description": error.description}
        return _redirect(redirect_uri, params, client_state)
    decision = form.get("decision")
    if decision == "deny":
        params = {"error": "access_denied", "error_description": "The user denied access"}
        return _redirect(redirect_uri, params, client_state)
    if decision != "approve":
        return _error_page("Press Approve or Deny.")
    raw_user = form.get("user_id", "")
    user_id = int(raw_user) if raw_user.isascii() and raw_user.isdigit() else None
    if user_id is None or user_id not in state.data.users:
        return _error_page("Choose a user to sign in as.")
    code = state.tokens.issue_code(user_id, redirect_uri, scopes)
    if "code_challenge" in form:
        state.challenges[code] = form["code_challenge"]
    return _redirect(redirect_uri, {"code": code}, client_state)


def _token_error(error: OAuthError, headers: Mapping[str, str] | None = None) -> web.Response:
    body = {"error": error.code, "error_description": error.description}
    return web.json_response(body, status=error.status, headers={**_NO_STORE, **(headers or {})})


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """RFC 6749 2.3.1: Basic auth with form-urlencoded id and secret; None when malformed."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def _authenticate_client(
    request: web.Request, form: Mapping[str, str]
) -> tuple[bool, dict[str, str]]:
    """Whether the client authenticated the way the dialect takes it: Basic header first,
    else body fields ("either"), or only one of them."""
    state = request.app[STATE]
    accepts = state.dialect.client_auth
    header = request.headers.get("Authorization")
    challenge = {"WWW-Authenticate": 'Basic realm="Clustermarket sandbox"'}
    if header is not None and accepts != "body":
        credentials = _basic_credentials(header)
        return (credentials is not None and state.tokens.client_ok(*credentials)), challenge
    if accepts == "basic":
        return False, challenge
    return state.tokens.client_ok(form.get("client_id"), form.get("client_secret")), {}


def _verify_pkce(state: SandboxState, code: str, verifier: str | None) -> None:
    challenge = state.challenges.get(code)
    if challenge is None:
        return
    if not verifier or not hmac.compare_digest(s256(verifier), challenge):
        raise OAuthError("invalid_grant", "The code_verifier does not match the code_challenge")


async def token(request: web.Request) -> web.Response:
    state = request.app[STATE]
    form = _text_fields(await request.post())
    ok, challenge = _authenticate_client(request, form)
    if not ok:
        error = OAuthError("invalid_client", "Client authentication failed", status=401)
        return _token_error(error, challenge)
    grant_type = form.get("grant_type")
    try:
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required")
        if grant_type == "authorization_code":
            code, redirect_uri = form.get("code"), form.get("redirect_uri")
            if not code or not redirect_uri:
                raise OAuthError("invalid_request", "code and redirect_uri are required")
            _verify_pkce(state, code, form.get("code_verifier"))
            response = state.tokens.redeem_code(code, redirect_uri)
            state.challenges.pop(code, None)
        elif grant_type == "refresh_token":
            refresh_token = form.get("refresh_token")
            if not refresh_token:
                raise OAuthError("invalid_request", "refresh_token is required")
            response = state.tokens.refresh(refresh_token, form.get("scope"))
        else:
            raise OAuthError("unsupported_grant_type", f"Unsupported grant_type {grant_type!r}")
    except OAuthError as error:
        return _token_error(error)
    state.stats.grants[grant_type] += 1
    return web.json_response(response, headers=_NO_STORE, dumps=json.dumps)


async def revoke(request: web.Request) -> web.Response:
    state = request.app[STATE]
    form = _text_fields(await request.post())
    ok, challenge = _authenticate_client(request, form)
    if not ok:
        error = OAuthError("invalid_client", "Client authentication failed", status=401)
        return _token_error(error, challenge)
    token_value = form.get("token")
    if not token_value:
        return _token_error(OAuthError("invalid_request", "token is required"))
    state.tokens.revoke(token_value)
    state.stats.revocations += 1
    return web.json_response({}, headers=_NO_STORE)


def add_oauth_routes(app: web.Application) -> None:
    app.router.add_get("/oauth/authorize", authorize_get)
    app.router.add_post("/oauth/authorize", authorize_post)
    app.router.add_post("/oauth/token", token)
    app.router.add_post("/oauth/revoke", revoke)
