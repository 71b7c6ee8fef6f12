"""Column types that keep money, areas and times exact on both PostgreSQL and SQLite."""
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the sales offices' calendar: their days and months


def to_decimal2(value):
    """Decimal with exactly two places (half-up), from str/int/Decimal; floats are refused
    because they already lost the cents."""
    if isinstance(value, float):
        raise TypeError("use a decimal string, not a float, for money and areas")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Decimal2(TypeDecorator):
    """A two-decimal amount (CNY, m²) stored as an integer count of hundredths:
    SQLite has no exact NUMERIC, and integers compare and sum exactly everywhere."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(to_decimal2(value) * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENT)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in and out; SQLite would otherwise hand back naive times."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC times only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow():
    return datetime.now(timezone.utc)
