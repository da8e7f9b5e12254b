"""CVR numbers: validated with the modulus-11 rule by python-stdnum."""

import re
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from stdnum.dk import cvr
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

CVR_PATTERN = r"^ *(DK|dk)? *([0-9] *){8}$"
"""What a CVR number is written as in a request: 8 digits, spaces and a 'DK' before them."""

# python-stdnum's reasons, in the words staff read.
_CHECK_DIGIT = "kontrolcifferet passer ikke – tjek, at alle cifre er tastet rigtigt"
_LENGTH = "et CVR-nummer har 8 cifre"
_FORMAT = "et CVR-nummer består af 8 cifre og begynder ikke med 0"


def _reason(exc: ValidationError) -> str:
    if isinstance(exc, InvalidChecksum):
        return _CHECK_DIGIT
    if isinstance(exc, InvalidLength):
        return _LENGTH
    return _FORMAT


@lru_cache(maxsize=65536)  # an import repeats the same few thousand companies
def normalise_cvr(value: str) -> str:
    """'DK 13 58 50 28' → '13585028'; ValueError names what is wrong, in Danish."""
    try:
        return cvr.validate(value)
    except ValidationError as exc:
        raise ValueError(f"{value!r} er ikke et gyldigt CVR-nummer: {_reason(exc)}.") from None


def _written_as_cvr(value: str) -> str:
    """A CVR number in a request: written as the schema states, then checked by modulus 11."""
    if not re.fullmatch(CVR_PATTERN, value):
        raise ValueError(f"{value!r} er ikke et gyldigt CVR-nummer: {_FORMAT}.")
    return normalise_cvr(value)


CVR_SCHEMA = {
    "type": "string",
    "format": "cvr",
    "pattern": CVR_PATTERN,
    "description": "A CVR number: 8 digits with a valid check digit (modulus 11); spaces and a "
    "'DK' before them are accepted.",
}
"""The JSON schema of a CVR number: its form; the check digit is format "cvr"'s."""

Cvr = Annotated[str, AfterValidator(_written_as_cvr), WithJsonSchema(CVR_SCHEMA)]
"""A company's CVR number in a request body; given back as its 8 digits."""
