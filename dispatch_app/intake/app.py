"""The intake's HTTP endpoint (INTAKE.md) as an ASGI app: ``/v1/calls``, ``/v1/alertmanager``,
``/v1/health``, the drop-ins for Opsgenie's Alert API (``/v2/alerts``) and PagerDuty's
Events API v2 (``/v2/enqueue``), which answer in their sender's own format (docs/intake.md),
and the ringing phone (docs/ringing.md): ``/v1/ringing``, ``/v1/lookup``, ``/v1/twilio/voice``.

Order of checks on a POST: the token (401), the size (413: the declared Content-Length, then
what actually arrives), the body (400 naming the field), the database (503). Every answer is
JSON; nothing a client sends can make it answer 500 with a traceback (a bug answers 500 with one
line, and its traceback goes to the log). The token is never echoed or logged.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dispatch_app.errors import DispatchError
from dispatch_app.services import alert_apis, intake, intake_keys, phone_systems
from dispatch_app.services.database import Database

log = logging.getLogger(__name__)

DRAIN_LIMIT = 8 * 1024 * 1024
"""How much of a refused body is read and thrown away before answering, so that a client still
sending sees the answer rather than a reset connection; beyond it the connection is closed."""


DRAIN_SECONDS = 2.0
"""How long a refused body is drained at most."""


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


UNAUTHORIZED = "missing or wrong token: send 'Authorization: Bearer TOKEN' (see dispatch-app intake token)"


async def _body(request: Request, timeout: float) -> bytes:
    """The body, at most :data:`intake.BODY_LIMIT` bytes, all of it within ``timeout`` seconds."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise intake.BadRequest("Content-Length: not a number")
        if int(declared) > intake.BODY_LIMIT:
            await _drain(request)
            raise _TooLarge()
    chunks, size = [], 0
    async for chunk in _chunks(request, asyncio.get_running_loop().time() + timeout):
        size += len(chunk)
        if size > intake.BODY_LIMIT:
            await _drain(request, size)
            raise _TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


async def _chunks(request: Request, deadline: float):
    """The body's chunks as they arrive; :class:`_TooSlow` when the whole body is not there
    by ``deadline`` (the event loop's clock)."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            message = await asyncio.wait_for(request.receive(), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            raise _TooSlow() from None
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        if message.get("body"):
            yield message["body"]
        if not message.get("more_body", False):
            return


async def _drain(request: Request, already: int = 0) -> None:
    try:
        async for chunk in _chunks(request, asyncio.get_running_loop().time() + DRAIN_SECONDS):
            already += len(chunk)
            if already > DRAIN_LIMIT:
                return
    except Exception:  # noqa: BLE001 - the client went away or stalls: nothing more to drain
        return


def _opsgenie(status: int, message: str, started: float, errors: dict[str, str] | None = None,
              **headers: str) -> JSONResponse:
    """An answer shaped as Opsgenie's (``message`` or ``result``, ``took``, ``requestId``)."""
    request_id = str(uuid.uuid4())
    document: dict = {"result" if status < 300 else "message": message}
    if errors:
        document["errors"] = errors
    document |= {"took": round(time.monotonic() - started, 3), "requestId": request_id}
    return JSONResponse(document, status_code=status, headers={"X-Request-ID": request_id, **headers})


def _pagerduty(status: int, message: str, errors: list[str] | None = None, **headers: str) -> JSONResponse:
    """An error shaped as PagerDuty's Events API v2 answers one."""
    return JSONResponse({"status": "invalid event" if status == 400 else "error", "message": message,
                         "errors": errors or [message]}, status_code=status, headers=headers or None)


OPSGENIE_UNAUTHORIZED = "Could not authenticate: send 'Authorization: GenieKey KEY' (the intake token or a client's key)"
PAGERDUTY_UNAUTHORIZED = "'routing_key' is not the intake token nor a client's key (see dispatch-app intake key)"


def create_app(db: Database, writer: intake.IntakeWriter, guard: intake.TokenGuard,
               labels: intake.AlertLabels = intake.AlertLabels(), *, body_timeout: float = 30.0,
               keys: intake_keys.SenderKeys | None = None, dispatcher_phone: str | None = None) -> Starlette:
    """The ASGI app. It starts ``writer`` when served (lifespan) and stops it at shutdown,
    after the requests in flight are written. A body not received in full within
    ``body_timeout`` seconds is answered 408 and the connection closed. ``keys`` names the
    sender of the Opsgenie and PagerDuty endpoints (by default the token and the clients' keys).
    ``dispatcher_phone`` is the number Twilio's calls are connected to (default
    ``$DISPATCH_DISPATCHER_PHONE``)."""
    dispatcher_phone = dispatcher_phone or phone_systems.dispatcher_phone_from_environment()
    keys = keys or intake_keys.SenderKeys(guard, lambda: intake_keys.client_ids(db))

    async def received(request: Request, handle, error) -> JSONResponse:
        """The body handed to ``handle``; trouble answered with ``error(status, message,
        errors, **headers)`` in the sender's own format."""
        try:
            return await handle(await _body(request, body_timeout))
        except _TooLarge:
            return error(413, f"body: larger than {intake.BODY_LIMIT // 1024} KiB", None, Connection="close")
        except _TooSlow:
            return error(408, f"body: not received in full within {body_timeout:g} s; send it again", None,
                         Connection="close")
        except ClientDisconnect:
            return error(400, "body: the connection closed before the body arrived", None)
        except alert_apis.Invalid as invalid:
            return error(400, str(invalid), invalid.errors)
        except intake.DatabaseUnavailable as trouble:
            return error(503, str(trouble), None, **{"Retry-After": "5"})
        except DispatchError as trouble:
            return error(400, str(trouble), None)
        except Exception:  # a bug: one line to the sender, the traceback to the log
            log.exception("intake: unexpected error on %s", request.url.path)
            return error(500, "internal error in the intake; see its log", None)

    async def write_alert(alert: intake.AlertInput) -> None:
        await asyncio.wrap_future(writer.submit_alerts([alert], intake.now()))

    async def opsgenie(request: Request, parse) -> JSONResponse:
        started = time.monotonic()

        def error(status, message, errors, **headers):
            if status == 400 and errors and set(errors) != {"body"}:  # Opsgenie: 422 for a field, 400 for syntax
                return _opsgenie(422, "Request body is not processable. Please check the errors.", started,
                                 errors)
            return _opsgenie(status, message, started, **headers)

        sender = keys.identify_header(request.headers.get("authorization"), "GenieKey")
        if sender is None:
            return _opsgenie(401, OPSGENIE_UNAUTHORIZED, started)

        async def handle(body: bytes) -> JSONResponse:
            await write_alert(parse(body, sender))
            return _opsgenie(202, "Request will be processed", started)
        return await received(request, handle, error)

    async def post_opsgenie_alert(request: Request) -> JSONResponse:
        return await opsgenie(request, lambda body, sender: alert_apis.parse_opsgenie_alert(
            body, sender_client=sender.client, labels=labels))

    def opsgenie_action(action: str):
        async def post(request: Request) -> JSONResponse:
            return await opsgenie(request, lambda body, sender: alert_apis.parse_opsgenie_action(
                action, request.path_params["identifier"], request.query_params.get("identifierType"), body))
        return post

    async def post_pagerduty(request: Request) -> JSONResponse:
        def error(status, message, errors, **headers):
            if status == 400:
                listed = list(errors.values()) if errors else [message]
                return _pagerduty(400, "Event object is invalid", listed, **headers)
            return _pagerduty(status, message, None, **headers)

        async def handle(body: bytes) -> JSONResponse:
            data = alert_apis.pagerduty_body(body)
            sender = keys.identify(alert_apis.pagerduty_routing_key(data))
            if sender is None:
                return _pagerduty(401, PAGERDUTY_UNAUTHORIZED)
            alert = alert_apis.parse_pagerduty(data, sender_client=sender.client, labels=labels)
            await write_alert(alert)
            return JSONResponse({"status": "success", "message": "Event processed", "dedup_key": alert.fingerprint},
                                status_code=202)
        return await received(request, handle, error)

    async def guarded(request: Request, handle, *, bearer: bool = True) -> JSONResponse:
        if bearer and not guard.allows(request.headers.get("authorization")):
            return _error(401, UNAUTHORIZED, **{"WWW-Authenticate": "Bearer"})
        try:
            return await handle(await _body(request, body_timeout))
        except _TooLarge:
            return _error(413, f"body: larger than {intake.BODY_LIMIT // 1024} KiB", Connection="close")
        except _TooSlow:
            return _error(408, f"body: not received in full within {body_timeout:g} s; send it again",
                          Connection="close")
        except ClientDisconnect:
            return _error(400, "body: the connection closed before the body arrived")
        except intake.BadRequest as error:
            return _error(400, str(error))
        except intake.DatabaseUnavailable as error:
            return _error(503, str(error), **{"Retry-After": "5"})
        except DispatchError as error:
            return _error(400, str(error))
        except Exception:  # a bug: one line to the sender, the traceback to the log
            log.exception("intake: unexpected error on %s", request.url.path)
            return _error(500, "internal error in the intake; see its log")

    async def post_call(request: Request) -> JSONResponse:
        async def handle(body: bytes) -> JSONResponse:
            parsed = intake.parse_call(body)
            answer = await asyncio.wrap_future(writer.submit_call(parsed, intake.now()))
            return JSONResponse(answer.document(), status_code=201 if answer.created else 200)
        return await guarded(request, handle)

    async def post_alertmanager(request: Request) -> JSONResponse:
        async def handle(body: bytes) -> JSONResponse:
            alerts = intake.parse_alertmanager(body, labels)
            ids = await asyncio.wrap_future(writer.submit_alerts(alerts, intake.now()))
            return JSONResponse({"calls": ids}, status_code=200)
        return await guarded(request, handle)

    async def post_ringing(request: Request) -> JSONResponse:
        async def handle(body: bytes) -> JSONResponse:
            ring = phone_systems.parse_ringing(body)
            answer = await run_in_threadpool(phone_systems.ring, db, ring, intake.now())
            return JSONResponse(answer, status_code=200)
        return await guarded(request, handle)

    async def get_lookup(request: Request) -> JSONResponse:
        async def handle(body: bytes) -> JSONResponse:
            phone = phone_systems.lookup_phone(request.query_params.getlist("phone"))
            return JSONResponse(await run_in_threadpool(phone_systems.lookup, db, phone))
        return await guarded(request, handle)

    async def post_twilio_voice(request: Request) -> Response:
        answer: Response | None = None

        async def handle(body: bytes) -> JSONResponse:
            nonlocal answer
            url = phone_systems.twilio_url(str(request.url))
            signature = request.headers.get("x-twilio-signature")
            form = phone_systems.parse_twilio_form(body)
            if not await run_in_threadpool(phone_systems.twilio_signature_valid, url, form, signature):
                return _error(403, "X-Twilio-Signature: missing or wrong (it must be signed with the Twilio auth "
                                   "token kept in the keyring: service dispatch-app, user twilio-auth-token)")
            await run_in_threadpool(phone_systems.twilio_ring, db, form, intake.now())
            answer = Response(phone_systems.twiml(dispatcher_phone), media_type="text/xml")
            return JSONResponse({})
        refused = await guarded(request, handle, bearer=False)
        return answer if answer is not None else refused

    async def health(request: Request) -> JSONResponse:
        if await run_in_threadpool(intake.database_answers, db):
            return JSONResponse({"status": "ok"})
        return _error(503, f"the database {db.display_url} does not answer")

    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 404:
            return _error(404, f"no endpoint {request.url.path} (POST /v1/calls, POST /v1/alertmanager, "
                               "POST /v2/alerts, POST /v2/enqueue, POST /v1/ringing, GET /v1/lookup, "
                               "POST /v1/twilio/voice, GET /v1/health)")
        if error.status_code == 405:
            return _error(405, f"{request.method} is not allowed on {request.url.path}",
                          **dict(error.headers or {}))
        return _error(error.status_code, str(error.detail))

    async def bug(request: Request, error: Exception) -> JSONResponse:
        log.error("intake: unexpected error on %s", request.url.path, exc_info=error)
        return _error(500, "internal error in the intake; see its log")

    @asynccontextmanager
    async def lifespan(app: Starlette):
        writer.start()
        try:
            yield
        finally:
            await run_in_threadpool(writer.stop)

    return Starlette(
        routes=[
            Route("/v1/calls", post_call, methods=["POST"]),
            Route("/v1/alertmanager", post_alertmanager, methods=["POST"]),
            Route("/v1/ringing", post_ringing, methods=["POST"]),
            Route("/v1/lookup", get_lookup, methods=["GET"]),
            Route("/v1/twilio/voice", post_twilio_voice, methods=["POST"]),
            Route("/v1/health", health, methods=["GET"]),
            Route("/v2/alerts", post_opsgenie_alert, methods=["POST"]),
            Route("/v2/alerts/{identifier:path}/close", opsgenie_action("close"), methods=["POST"]),
            Route("/v2/alerts/{identifier:path}/acknowledge", opsgenie_action("acknowledge"), methods=["POST"]),
            Route("/v2/enqueue", post_pagerduty, methods=["POST"]),
        ],
        exception_handlers={HTTPException: http_error, Exception: bug},
        lifespan=lifespan,
    )
