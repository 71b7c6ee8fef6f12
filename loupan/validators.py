"""Data formats shared by every service's schemas (formats, not business rules)."""
import re

from marshmallow import ValidationError, fields

from loupan.types import to_decimal2

MOBILE = re.compile(r"^1\d{10}$")


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
