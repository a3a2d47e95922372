"""Reading instants the way CLI.md says: an instant without offset is MSP-local."""
from __future__ import annotations

from datetime import datetime

from dispatch_app.domain.localtime import BadInstant, InstantOutOfRange, parse_local_or_instant, resolve, UTC
from dispatch_app.errors import DispatchError
from dispatch_app.services.environment import msp_timezone


def read_instant(db, text: str, *, option: str = "instant") -> datetime:
    """``text`` as a UTC instant; without an offset it is read in the MSP time zone. The year
    must lie in the range of ``domain.localtime.check_in_range``."""
    try:
        value = parse_local_or_instant(text)
    except InstantOutOfRange as error:
        raise DispatchError(f"{option}: {text!r}: {error}") from None
    except BadInstant:
        raise DispatchError(
            f"{option}: {text!r} is not an ISO 8601 instant (for example 2026-11-28T05:00:00Z "
            "or 2026-11-27T23:00 in the MSP time zone)"
        ) from None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return resolve(value, msp_timezone(db))
