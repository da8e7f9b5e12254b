"""What both command-line clients share: the service's address, the file to send, the server's
problem answers, retries with backoff, Danish numbers, and the one exception that stops a run
(exit code 2)."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

API_PATH = "/api/v1"
FIRST_DELAY = 0.5  # seconds before the first new attempt; doubled each time
MAX_DELAY = 30.0
MAX_RETRY_AFTER = 300.0  # a server asking for longer than this is waited on for this long


class ImportFailed(Exception):
    """Something stopped the import as a whole (exit code 2); the lines say what."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


def normalise_url(url: str) -> str:
    """The service's API base ('…/api/v1', no trailing slash) from what the user typed."""
    base = url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImportFailed(
            f"Ugyldig adresse {url!r}: skriv den som https://server eller http://server:8000."
        )
    if parts.query or parts.fragment:
        raise ImportFailed(f"Ugyldig adresse {url!r}: den må ikke have ? eller #.")
    return base if base.endswith(API_PATH) else base + API_PATH


def open_file(path: Path) -> IO[bytes]:
    """The file opened for reading; ImportFailed naming the path when it cannot be."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        reason = "filen findes ikke"
    except IsADirectoryError:
        reason = "det er en mappe, ikke en fil"
    except PermissionError:
        reason = "ingen adgang til at læse den"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise ImportFailed(f"Kan ikke læse filen {path}: {reason}.")


def json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def error_line(error: dict[str, Any]) -> str:
    where = []
    if error.get("row") is not None:
        where.append(f"række {error['row']}")
    if error.get("column"):
        where.append(f"kolonne {error['column']!r}")
    if error.get("field"):
        where.append(f"felt {error['field']}")
    message = str(error.get("message", ""))
    return f"{', '.join(where)}: {message}" if where else message


def retry_after(response: httpx.Response) -> float | None:
    """The server's Retry-After in seconds (a number or an HTTP date), if it sent one."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def backoff(attempt: int) -> float:
    """The wait before new attempt number `attempt` (1, 2, …): 0.5 s, 1, 2, 4, … at most 30."""
    delay: float = FIRST_DELAY * 2 ** (attempt - 1)  # int ** int is typed Any
    return min(delay, MAX_DELAY)


def danish_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")
