"""CVR numbers: validated with the modulus-11 rule by python-stdnum."""

from stdnum.dk import cvr
from stdnum.exceptions import ValidationError


def normalise_cvr(value: str) -> str:
    """'DK 13 58 50 28' → '13585028'; ValueError names what is wrong."""
    try:
        return cvr.validate(value)
    except ValidationError as exc:
        raise ValueError(f"{value!r} is not a valid CVR number ({exc.message})") from None
