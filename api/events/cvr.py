"""CVR numbers: validated with the modulus-11 rule by python-stdnum."""

from functools import lru_cache

from stdnum.dk import cvr
from stdnum.exceptions import ValidationError


@lru_cache(maxsize=65536)  # an import repeats the same few thousand companies
def normalise_cvr(value: str) -> str:
    """'DK 13 58 50 28' → '13585028'; ValueError names what is wrong."""
    try:
        return cvr.validate(value)
    except ValidationError as exc:
        raise ValueError(f"{value!r} is not a valid CVR number ({exc.message})") from None
