"""Data formats shared by every service's schemas (formats, not business rules)."""
import re
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from loupan.types import MAX_AREA, MAX_MONEY, to_decimal2

MOBILE = re.compile(r"^1\d{10}$")
ID = validate.Range(1, 2**63 - 1, error="must be an id: a whole number from 1 to 2^63 - 1")


def normalise_mobile(value):
    """Mainland mobile number: digits only, optional +86/86 prefix dropped; 11 digits from 1."""
    digits = re.sub(r"[\s\-()]", "", str(value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE.match(digits):
        raise ValidationError("must be an 11-digit mainland mobile number starting with 1")
    return digits


def not_blank(value):
    """A text field that must say something: spaces alone are refused."""
    if not value.strip():
        raise ValidationError("must not be blank")


def mask_mobile(phone):
    """138****5678: what everyone but the owner and managers sees."""
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) == 11 else phone


class Mobile(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_mobile(super()._deserialize(value, attr, data, **kwargs))


class Amount(fields.Field):
    """Money or area in JSON as a decimal string ("1234567.89"); numbers given as JSON
    integers are accepted, floats are refused (they already lost the cents)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(to_decimal2(value))

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError("must be a decimal string such as \"1234.56\"")
        try:
            result = to_decimal2(value)
        except (ArithmeticError, ValueError, TypeError):
            raise ValidationError("must be a decimal string such as \"1234.56\"") from None
        if not result.is_finite():
            raise ValidationError("must be a finite amount")
        return result


DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.([0-9]+))?")  # ASCII only: Decimal() would take "１２３"


class Exact(fields.Field):
    """A decimal input at the edge, one rule for every contract (docs/kernel.md,
    "Money at the edge"): a JSON string of ASCII digits with an optional "-" and at most
    `places` decimals ("1234.56"), or a JSON integer; between `low` and `high` (`low`
    itself excluded with low_inclusive=False). Anything else is refused, never rounded:
    floats and bools, exponents, spaces, full-width digits, a decimal too many. Loaded as a
    Decimal (padded to `places` with pad=True); dumped as a string."""

    def __init__(self, low, high, places=2, *, low_inclusive=True, pad=True, **kwargs):
        self.low, self.high, self.places = Decimal(low), Decimal(high), places
        self.low_inclusive, self.pad = low_inclusive, pad
        self.example = "1.25" if self.high <= 100 else "1234.56"
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        value = Decimal(value)
        if self.pad and self.places == 2:
            return str(to_decimal2(value))
        return str(value.quantize(Decimal(1).scaleb(-self.places)) if self.pad else value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError(f"must be a decimal string such as \"{self.example}\"")
        text = str(value)
        match = DECIMAL_TEXT.fullmatch(text)
        if match is None:
            raise ValidationError(f"must be a decimal string of ASCII digits such as \"{self.example}\"")
        if match.group(1) is not None and len(match.group(1)) > self.places:
            raise ValidationError(f"must have at most {self.places} decimal places" if self.places
                                  else "must be a whole number")
        result = Decimal(text)
        below = result < self.low if self.low_inclusive else result <= self.low
        if below or result > self.high:
            raise ValidationError(self.range_message())
        if result.is_zero():
            result = abs(result)  # no "-0"
        return result.quantize(Decimal(1).scaleb(-self.places)) if self.pad else result

    def range_message(self):
        if self.low_inclusive:
            return f"must be between {self.low:f} and {self.high:f}"
        return f"must be more than {self.low:f} and at most {self.high:f}"


class Money(Exact):
    """CNY, 2 decimals, 0 to MAX_MONEY (10^11) unless a field narrows it."""

    def __init__(self, low=0, high=MAX_MONEY, **kwargs):
        super().__init__(low, high, 2, **kwargs)


class Area(Exact):
    """m², 2 decimals, more than 0 to MAX_AREA (10^6)."""

    def __init__(self, **kwargs):
        super().__init__(0, MAX_AREA, 2, low_inclusive=False, **kwargs)


class Percent(Exact):
    """A percent ("1.2" = 1.2 %), 0 to `high` (100), 2 decimals (commission and agency
    rates: 4); a ratio is Exact(0, 1, 4)."""

    def __init__(self, high=100, places=2, **kwargs):
        kwargs.setdefault("metadata", {"description": "percent, \"1.2\" = 1.2 %"})
        super().__init__(0, high, places, **kwargs)
