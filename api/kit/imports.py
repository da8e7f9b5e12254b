"""What every file import shares: the upload's size limit, the column mapping, file errors."""

import json
import os
from collections.abc import Iterable
from typing import IO, Any

from api.kit.columns import TabularError, TabularMappingError, TabularTooLargeError
from api.kit.common import TEXT_PATTERN
from api.kit.errors import DomainError, InvalidInputError, PayloadTooLargeError

MAPPING_SCHEMA = {"contentMediaType": "application/json", "pattern": TEXT_PATTERN}
"""The form field `mapping` as its schema states it: JSON, as text."""


def upload_size(file: IO[bytes], limit: int) -> int:
    """The upload's size in bytes; 413 over the limit (the file is left at its start)."""
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    if size > limit:
        raise PayloadTooLargeError(
            f"The file is larger than {limit // (1024 * 1024)} MB; split it into several files.",
            errors=[{"field": "file", "message": "too large"}],
        )
    return size


def read_upload(file: IO[bytes], limit: int) -> bytes:
    """The uploaded bytes; 413 over the limit."""
    upload_size(file, limit)
    return file.read()


def parse_mapping(text: str | None, fields: Iterable[str]) -> dict[str, str] | None:
    """The optional form field `mapping`: JSON {"our_field": "Their Header"}."""
    if not text or not text.strip():
        return None
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise mapping_error(f"not valid JSON ({exc.msg})") from None
    except (ValueError, RecursionError):  # a number of 5,000 digits, lists 100,000 deep
        raise mapping_error("not JSON this service reads (too long a number, too deep)") from None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise mapping_error('give an object of texts, e.g. {"name": "Deltager"}')
    known = list(fields)
    unknown = sorted(set(mapping) - set(known))
    if unknown:
        raise mapping_error(f"unknown fields {unknown}; fields are {', '.join(known)}")
    return mapping


def mapping_error(message: str) -> InvalidInputError:
    return InvalidInputError(
        f"mapping: {message}", errors=[{"field": "mapping", "message": message}]
    )


def file_error(exc: TabularError) -> DomainError:
    """A file that cannot be read, as the problem the client gets (413 or 422)."""
    error: dict[str, Any] = {"field": "mapping" if isinstance(exc, TabularMappingError) else "file"}
    if exc.row is not None:
        error["row"] = exc.row
    if exc.column is not None:
        error["column"] = exc.column
    error["message"] = str(exc)
    kind = PayloadTooLargeError if isinstance(exc, TabularTooLargeError) else InvalidInputError
    return kind(str(exc), errors=[error])


def no_rows_error(header_row: int) -> InvalidInputError:
    message = "The file has a header but no rows below it."
    return InvalidInputError(
        message, errors=[{"field": "file", "row": header_row + 1, "message": message}]
    )
