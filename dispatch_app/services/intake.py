"""The intake as a use case (INTAKE.md): the token, reading what machines send, and writing it
in batches that are answered only once committed.

- The token lives in the system keyring (service ``dispatch-app``, user ``intake-token``) and
  nowhere else; it is compared in constant time (:func:`hmac.compare_digest`).
- :func:`parse_call` and :func:`parse_alertmanager` turn a request body into checked values or
  raise :class:`BadRequest` naming the field; they accept any bytes without raising anything
  else (the fuzz test holds them to it).
- :class:`IntakeWriter` is a single writer thread doing group commit: every request that
  arrives while a transaction is being written waits for the next one, which takes them all.
  A request is answered after its transaction has committed, so an acknowledged call survives
  the process being killed right after. Database trouble fails the whole batch (nothing
  half-written) with :class:`DatabaseUnavailable`; a batch that fails for any other reason is
  written again one request at a time, so one bad request cannot sink its neighbours.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import queue
import secrets as random_secrets
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import exc as sa_exc

from dispatch_app import secrets, store
from dispatch_app.domain import timeline as tl
from dispatch_app.domain.model import IMPACTS, Environment
from dispatch_app.errors import DispatchError
from dispatch_app.services import calls, inputs
from dispatch_app.services.environment import load_environment
from dispatch_app.store import Database, alert_rows, call_rows, feed_rows

log = logging.getLogger(__name__)

BODY_LIMIT = 256 * 1024
SUMMARY_MAX = inputs.SUMMARY_MAX
TEXT_MAX = inputs.TEXT_MAX
"""Longest client, system, caller, source or external id accepted (a summary takes 2000)."""
SOURCE_MAX = inputs.SOURCE_MAX
ALERTMANAGER_SOURCE = "alertmanager"
DEFAULT_SOURCE = "http"
FIRING, RESOLVED = "firing", "resolved"


class BadRequest(DispatchError):
    """The body is not what INTAKE.md accepts; the message names the field (HTTP 400)."""


class DatabaseUnavailable(DispatchError):
    """The database does not answer; nothing was written (HTTP 503, the sender retries)."""


# ---------------------------------------------------------------- the token


def intake_token() -> str | None:
    """The token in the system keyring, or None when none was made yet."""
    return secrets.get_secret(secrets.INTAKE_TOKEN)


def ensure_token() -> tuple[str, bool]:
    """The token, made now when there is none: ``(token, made_now)``."""
    token = intake_token()
    if token:
        return token, False
    return rotate_token(), True


def rotate_token() -> str:
    """A new random token, kept in the keyring in place of the old one."""
    token = random_secrets.token_urlsafe(32)
    secrets.set_secret(secrets.INTAKE_TOKEN, token)
    return token


def bearer_matches(authorization: str | None, token: str | None) -> bool:
    """Whether an ``Authorization`` header value carries ``Bearer <token>``; constant time in
    the token's content (length differences show, as they must)."""
    if not token or not authorization:
        return False
    scheme, _, presented = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8"))


class TokenGuard:
    """Checks requests against the keyring's token, read again at most every ``ttl`` seconds
    (a rotation in the console takes effect within that), or against a fixed token."""

    def __init__(self, token: str | None = None, *, ttl: float = 5.0) -> None:
        self._fixed = token
        self._ttl = ttl
        self._cached: str | None = None
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def token(self) -> str | None:
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            if time.monotonic() - self._read_at > self._ttl:
                try:
                    self._cached = intake_token()
                except DispatchError as error:  # keep the last one; the message names no secret
                    log.warning("intake: %s", error)
                self._read_at = time.monotonic()
            return self._cached

    def allows(self, authorization: str | None) -> bool:
        return bearer_matches(authorization, self.token())


# ---------------------------------------------------------------- reading bodies


@dataclass(frozen=True)
class CallInput:
    """A checked ``POST /v1/calls`` body."""

    summary: str
    client: str | None = None
    caller_phone: str | None = None
    caller_name: str | None = None
    system: str | None = None
    impact: str | None = None
    source: str = DEFAULT_SOURCE
    external_id: str | None = None


@dataclass(frozen=True)
class AlertInput:
    """One alert of a monitoring source (an Alertmanager payload's alert, an Opsgenie or a
    PagerDuty event), read into the call it raises or the update of its open call.

    ``call`` is None for an update that cannot raise a call by itself (an Opsgenie close or
    acknowledge names only the alias): with no open call of its key it changes nothing."""

    fingerprint: str
    state: str  # firing | resolved | acknowledged
    starts_at: str
    call: CallInput | None
    source: str = ALERTMANAGER_SOURCE
    key_field: str = "fingerprint"
    """The name the source gives its key, kept in the alert event (fingerprint, alias, dedup_key)."""
    note: str = ""
    """The text of an update without a call (an Opsgenie close's note)."""
    extra: tuple[tuple[str, str], ...] = ()
    """What else the source said, kept in the alert event (its priority, who acknowledged)."""

    @property
    def dedup_key(self) -> str:
        """The alert's identity across its firings: the open call with this key is updated."""
        return f"{self.source}:{self.fingerprint}"

    @property
    def text(self) -> str:
        return self.call.summary if self.call is not None else self.note

    @property
    def external_id(self) -> str:
        """One firing's identity (idempotency: the same firing twice records one call)."""
        return f"{self.dedup_key}:{self.starts_at}"


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8 JSON" \
            if isinstance(error, UnicodeDecodeError) else "nested too deeply" if isinstance(error, RecursionError) \
            else "not JSON"
        raise BadRequest(f"body: not JSON ({reason})") from None


def _clean(value: str, where: str) -> str:
    """Text a database can hold: no NUL, no lone surrogate."""
    if "\x00" in value:
        raise BadRequest(f"{where}: contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"{where}: is not valid Unicode text (a lone surrogate)") from None
    return value


def _optional_text(data: Mapping[str, Any], key: str, maximum: int = TEXT_MAX, where: str | None = None) -> str | None:
    where = where or key
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{where}: must be a string")
    value = _clean(value, where).strip()
    if len(value) > maximum:
        raise BadRequest(f"{where}: {len(value)} characters, at most {maximum}")
    return value or None


def _summary(value: Any, where: str = "summary") -> str:
    if value is None:
        raise BadRequest(f"{where}: required")
    if not isinstance(value, str):
        raise BadRequest(f"{where}: must be a string")
    text = _clean(value, where).strip()
    if not 1 <= len(text) <= SUMMARY_MAX:
        raise BadRequest(f"{where}: must be 1 to {SUMMARY_MAX} characters, not {len(text)}")
    return text


def _impact(value: Any, where: str = "impact") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in IMPACTS:
        shown = json.dumps(value)[:60] if not isinstance(value, str) else repr(value[:60])
        raise BadRequest(f"{where}: {shown} is not one of {', '.join(IMPACTS)}")
    return value


def parse_call(body: bytes) -> CallInput:
    """A ``POST /v1/calls`` body, checked (INTAKE.md); unknown fields are ignored."""
    data = _json_body(body)
    if not isinstance(data, dict):
        raise BadRequest("body: must be a JSON object")
    summary = _summary(data.get("summary"))
    fields = {key: _optional_text(data, key) for key in ("client", "caller_phone", "caller_name", "system",
                                                         "external_id")}
    source = _optional_text(data, "source", SOURCE_MAX) or DEFAULT_SOURCE
    return CallInput(summary=summary, impact=_impact(data.get("impact")), source=source, **fields)


@dataclass(frozen=True)
class AlertLabels:
    """Which Alertmanager labels name the client, the system, the impact and the severity.
    From the environment: ``DISPATCH_INTAKE_CLIENT_LABEL``, ``..._SYSTEM_LABEL``,
    ``..._IMPACT_LABEL``, ``..._SEVERITY_LABEL``."""

    client: str = "client"
    system: str = "system"
    impact: str = "impact"
    severity: str = "severity"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, **overrides: str | None) -> "AlertLabels":
        environ = os.environ if environ is None else environ
        values = {}
        for name in ("client", "system", "impact", "severity"):
            given = overrides.get(name) or environ.get(f"DISPATCH_INTAKE_{name.upper()}_LABEL") or ""
            if given.strip():
                values[name] = given.strip()
        return cls(**values)


def _string_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise BadRequest(f"{where}: must be an object of strings")
    return {k: _clean(v, f"{where}.{k}") for k, v in value.items()}


def parse_alertmanager(body: bytes, labels: AlertLabels = AlertLabels()) -> list[AlertInput]:
    """An Alertmanager webhook payload (``version`` "4"), one :class:`AlertInput` per alert.

    Summary: annotation ``summary``, else ``description``, else the ``alertname`` label (cut
    to 2000 characters: an alert is never refused for a long text). Impact: the impact label
    when it is a known impact, else ``down`` for severity ``critical``, ``degraded`` otherwise.
    A missing fingerprint is made from the labels, as Alertmanager makes its own.
    """
    data = _json_body(body)
    if not isinstance(data, dict):
        raise BadRequest("body: must be a JSON object")
    if data.get("version") != "4":
        raise BadRequest(f"version: must be \"4\" (the Alertmanager webhook payload), not {json.dumps(data.get('version'))[:40]}")
    alerts = data.get("alerts")
    if not isinstance(alerts, list):
        raise BadRequest("alerts: must be a list")
    group_status = data.get("status") if data.get("status") in (FIRING, RESOLVED) else FIRING
    out = []
    for index, alert in enumerate(alerts):
        where = f"alerts[{index}]"
        if not isinstance(alert, dict):
            raise BadRequest(f"{where}: must be an object")
        alert_labels = _string_map(alert.get("labels"), f"{where}.labels")
        annotations = _string_map(alert.get("annotations"), f"{where}.annotations")
        state = alert.get("status", group_status)
        if state not in (FIRING, RESOLVED):
            raise BadRequest(f"{where}.status: must be \"firing\" or \"resolved\"")
        fingerprint = _optional_text(alert, "fingerprint", 128, f"{where}.fingerprint")
        if fingerprint is None:
            canonical = json.dumps(sorted(alert_labels.items()), ensure_ascii=False)
            fingerprint = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
        starts_at = _optional_text(alert, "startsAt", 64, f"{where}.startsAt") or ""
        text = next((t.strip() for t in (annotations.get("summary"), annotations.get("description"),
                                          alert_labels.get("alertname")) if t and t.strip()), "")
        if not text:
            raise BadRequest(f"{where}: needs an annotation summary or description, or an alertname label")
        impact = alert_labels.get(labels.impact)
        if impact not in IMPACTS:
            impact = "down" if alert_labels.get(labels.severity, "").strip().lower() == "critical" else "degraded"
        call = CallInput(
            summary=text[:SUMMARY_MAX].strip(),
            client=_optional_text(alert_labels, labels.client, TEXT_MAX, f"{where}.labels.{labels.client}"),
            system=_optional_text(alert_labels, labels.system, TEXT_MAX, f"{where}.labels.{labels.system}"),
            impact=impact, source=ALERTMANAGER_SOURCE)
        item = AlertInput(fingerprint=fingerprint, state=state, starts_at=starts_at, call=call)
        out.append(replace(item, call=replace(call, external_id=item.external_id)))
    return out


# ---------------------------------------------------------------- answers


@dataclass(frozen=True)
class CallAnswer:
    """What ``POST /v1/calls`` answers: 201 when ``created``, else 200 with the first call."""

    id: int
    priority: str | None
    verdict: str | None
    unmatched: bool
    created: bool

    def document(self) -> dict[str, Any]:
        return {"id": self.id, "priority": self.priority, "verdict": self.verdict, "unmatched": self.unmatched}


def database_answers(db: Database) -> bool:
    """True when the database answers a query now."""
    try:
        with db.session() as session:
            feed_rows.current_counter(session)
        return True
    except (DispatchError, sa_exc.SQLAlchemyError, OSError):
        return False


# ---------------------------------------------------------------- the writer


def _unavailable(error: BaseException, db: Database) -> DatabaseUnavailable | None:
    """The 503 for a database that does not answer (server down, file locked); None for a bug."""
    if isinstance(error, DatabaseUnavailable):
        return error
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)) or (
            isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated):
        original = getattr(error, "orig", None) or error
        reason = " ".join(str(original).split("\n")[0].split())[:200]
        return DatabaseUnavailable(f"the database {db.display_url} does not answer ({reason}); nothing was stored, "
                                   "try again")
    if isinstance(error, DispatchError) and (isinstance(error.__cause__, sa_exc.SQLAlchemyError)
                                             or str(error).startswith(_STORE_TROUBLE)):
        return DatabaseUnavailable(f"{error} (nothing was stored)")  # the store's own wording
    return None


_STORE_TROUBLE = ("cannot open the database", "lost the connection to the database", "the database ",
                  "cannot write to the database", "cannot create the directory")


@dataclass
class _Job:
    at: datetime
    future: Future = field(default_factory=Future)


@dataclass
class _CallJob(_Job):
    request: CallInput | None = None
    prepared: calls.PreparedCall | None = None
    result: tuple[Any, bool] | None = None  # (Call, created)


@dataclass
class _AlertJob(_Job):
    alerts: Sequence[AlertInput] = ()
    prepared: list[calls.PreparedCall | None] = field(default_factory=list)
    result: list[int] = field(default_factory=list)


@dataclass
class _Step:
    """One write of a job: its call, or one alert of its payload (``index``)."""

    job: _Job
    index: int | None
    last: bool


def _distinct(jobs) -> list[_Job]:
    seen: dict[int, _Job] = {}
    for job in jobs:
        seen.setdefault(id(job), job)
    return list(seen.values())


_STOP = object()


class IntakeWriter:
    """One thread writing what the intake receives, a batch per transaction (group commit).

    ``submit_call`` and ``submit_alerts`` answer a :class:`concurrent.futures.Future` that is
    done once the request's transaction committed (or failed: :class:`BadRequest`,
    :class:`DatabaseUnavailable`, or a bug's exception).
    """

    def __init__(self, db: Database, *, max_batch: int = 256, transaction_budget: float = 0.1,
                 pause: float = 0.03) -> None:
        self.db = db
        self.max_batch = max_batch
        self.transaction_budget = transaction_budget
        """Seconds a transaction may hold the write lock before it commits (at least one write)."""
        self.pause = pause
        """Seconds the writer leaves the SQLite lock free between two transactions of one
        batch: longer than SQLite's busy handler sleeps between two tries (25 ms for a writer
        that has waited less than 0.1 s), so a waiting writer is sure to get in."""
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._env: tuple[int, Environment] | None = None
        self.batches = 0
        self.written = 0

    # ------------------------------------------------------------ life

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="dispatch-intake-writer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Write what was submitted, then end the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    def submit_call(self, request: CallInput, at: datetime) -> Future:
        return self._submit(_CallJob(at=at, request=request))

    def submit_alerts(self, alerts: Sequence[AlertInput], at: datetime) -> Future:
        if not alerts:
            done: Future = Future()
            done.set_result([])
            return done
        return self._submit(_AlertJob(at=at, alerts=tuple(alerts)))

    def _submit(self, job: _Job) -> Future:
        if self._thread is None:
            raise RuntimeError("the intake writer is not running")
        self._queue.put(job)
        return job.future

    # ------------------------------------------------------------ the loop

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is _STOP:
                break
            batch = [item]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            try:
                self._write_batch(batch)
            except BaseException as error:  # noqa: BLE001 - never leave a request waiting
                log.exception("intake writer failed")
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(error)

    def _environment(self) -> Environment:
        """The whole environment, loaded again only when an environment table changed."""
        with self.db.session() as session:
            seq = feed_rows.feed_state(session).environment_seq
        if self._env is None or self._env[0] != seq:
            self._env = (seq, load_environment(self.db))
        return self._env[1]

    def _write_batch(self, batch: list[_Job]) -> None:
        try:
            env = self._environment()
        except Exception as error:  # noqa: BLE001
            self._fail(batch, error)
            return
        ready = [job for job in batch if self._prepare(job, env)]
        if ready:
            self._write(ready, env)

    def _prepare(self, job: _Job, env: Environment) -> bool:
        """Checks and triage before the transaction; False (and the job answered) when refused."""
        try:
            if isinstance(job, _CallJob):
                job.prepared = self._prepared(job.request, job.at, env)
            elif isinstance(job, _AlertJob):
                job.prepared = [self._prepared(alert.call, job.at, env) if alert.call is not None else None
                                for alert in job.alerts]
            return True
        except Exception as error:  # noqa: BLE001
            self._fail([job], error)
            return False

    def _prepared(self, request: CallInput, at: datetime, env: Environment) -> calls.PreparedCall:
        return calls.prepare_call(
            self.db, actor=None, summary=request.summary, at=at, client=request.client,
            caller_phone=request.caller_phone, system=request.system, impact=request.impact,
            caller_name=request.caller_name, source=request.source, external_id=request.external_id,
            keep_unknown_client=True, env=env)

    def _write(self, jobs: list[_Job], env: Environment) -> None:
        """Write the jobs' calls and alerts in transactions of at most :attr:`transaction_budget`
        seconds each (one alert or call at least), answering every job once its last write
        committed. Between two transactions of one long write (a large Alertmanager payload)
        the writer pauses on SQLite, whose lock has no queue: another program's writer, polling
        for the lock, gets it then (PostgreSQL queues lock waiters by itself).

        Database trouble fails every job not yet answered (nothing of a failed transaction is
        stored). Any other failure of a transaction holding several jobs writes them again one
        job at a time, so one bad request cannot sink its neighbours."""
        steps: deque[_Step] = deque()
        for job in jobs:
            if isinstance(job, _AlertJob):
                job.result = [0] * len(job.alerts)
                steps.extend(_Step(job, index, index == len(job.alerts) - 1) for index in range(len(job.alerts)))
            else:
                steps.append(_Step(job, None, True))
        at = max(job.at for job in jobs)
        one_job_each = False
        while steps:
            if steps[0].job.future.done():  # failed in an earlier transaction: drop its rest
                steps.popleft()
                continue
            written: list[tuple[_Step, Any]] = []
            started = time.monotonic()
            try:
                with self.db.session(write=True) as session:
                    store.record_change(session, at=at)
                    while steps and (not written or time.monotonic() - started < self.transaction_budget):
                        step = steps[0]
                        if written and one_job_each and step.job is not written[0][0].job:
                            break
                        if step.job.future.done():
                            steps.popleft()
                            continue
                        written.append((step, self._write_step(session, step)))
                        steps.popleft()
            except Exception as error:  # noqa: BLE001
                steps.extendleft(step for step, _ in reversed(written))
                involved = _distinct(step.job for step, _ in written) or [steps[0].job]
                if _unavailable(error, self.db) is not None:
                    self._fail(_distinct(step.job for step in steps), error)
                    return
                if len(involved) == 1:
                    self._fail(involved, error)
                else:
                    log.warning("intake: a batch of %d failed (%s); writing them one by one", len(involved), error)
                    one_job_each = True
                continue
            self.batches += 1
            for step, result in written:
                if step.index is None:
                    step.job.result = result
                else:
                    step.job.result[step.index] = result
                if step.last:
                    self.written += 1
                    self._answer(step.job, env)
            if steps and self.db.dialect == "sqlite":
                time.sleep(self.pause)

    def _write_step(self, session, step: "_Step") -> Any:
        job = step.job
        if isinstance(job, _CallJob):
            assert job.prepared is not None
            return calls.write_prepared(session, job.prepared)
        assert isinstance(job, _AlertJob) and step.index is not None
        return self._write_alert(session, job.alerts[step.index], job.prepared[step.index], job.at)

    @staticmethod
    def _write_alert(session, alert: AlertInput, prepared: calls.PreparedCall | None, at: datetime) -> int:
        """Update the open call of this key, else record the call (idempotent by the firing's
        external id). An event is added only when the alert's state or text changed, so a
        source's repeats do not flood the timeline. An update with no call of its own and no
        open call of its key changes nothing (0)."""
        call_id = alert_rows.open_call_with_key(session, alert.dedup_key)
        created = False
        if call_id is None:
            if prepared is None:
                return 0
            call, created = calls.write_prepared(session, prepared)
            call_id = call.id
            if created:
                alert_rows.set_dedup_key(session, call_id, alert.dedup_key)
        if created and alert.state == FIRING:
            return call_id
        call_rows.lock_call(session, call_id)
        events = call_rows.load_events(session, call_id)
        last_state, last_text = FIRING, next((e.data.get("summary") for e in events if e.kind == tl.CREATED), None)
        for event in events:
            if event.kind == tl.ALERT:
                last_state, last_text = event.data.get("state"), event.data.get("text")
        if created or last_state != alert.state or last_text != alert.text:
            data = tl.alert_data(alert.state, text=alert.text, source=alert.source)
            data.update(alert.extra)
            data[alert.key_field] = alert.fingerprint
            call_rows.append_events(session, call_id, [tl.EventDraft(at, None, tl.ALERT, data)])
        return call_id

    def _answer(self, job: _Job, env: Environment) -> None:
        try:
            if isinstance(job, _CallJob):
                assert job.result is not None and job.prepared is not None
                call, created = job.result
                if created:
                    verdict = job.prepared.triage.verdict if job.prepared.triage is not None else None
                else:
                    verdict = self._verdict_again(env, call)
                job.future.set_result(CallAnswer(call.id, call.priority, verdict, bool(call.unmatched), created))
            elif isinstance(job, _AlertJob):
                job.future.set_result(list(job.result))
        except Exception as error:  # noqa: BLE001 - written, but the answer failed: say so
            job.future.set_exception(error)

    def _verdict_again(self, env: Environment, call) -> str | None:
        """The verdict answered for a call seen again (the same ``external_id``): the triage
        at its receive time, or, when the environment changed so that it cannot be computed
        any more (its system or client gone), the verdict the call was recorded with. A
        retry is answered 200 with the first call whatever changed meanwhile (INTAKE.md)."""
        if call.client is not None and env.client(call.client) is not None:
            try:
                triage = calls.recorded_triage(env, call, call.received_at, None)
            except DispatchError:
                triage = None
            if triage is not None:
                return triage.verdict
        try:
            with self.db.session() as session:
                events = call_rows.load_events(session, call.id)
        except Exception:  # noqa: BLE001 - the answer stands without a verdict
            log.warning("intake: the verdict of call %s could not be read again", call.id)
            return None
        recorded = {status: verdict for verdict, status in calls.VERDICT_STATUS.items()}
        first = next((e for e in events if e.kind == tl.STATUS and e.data.get("from") == tl.NEW), None)
        return recorded.get(first.data.get("to")) if first is not None else None

    def _fail(self, jobs: Sequence[_Job], error: BaseException) -> None:
        problem: BaseException | None = _unavailable(error, self.db)
        if problem is None:
            if isinstance(error, DispatchError):
                problem = BadRequest(str(error))
            else:
                log.error("intake: unexpected error", exc_info=error)
                problem = error
        for job in jobs:
            if not job.future.done():
                job.future.set_exception(problem)


def now() -> datetime:
    return datetime.now(timezone.utc)
