"""Column types that keep money, areas and times exact on both PostgreSQL and SQLite."""
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")
# What the edge lets in (loupan/validators.py: Money, Area, Percent; docs/kernel.md,
# "Money at the edge"); a Decimal2 column holds far more, so sums and totals fit as well.
MAX_MONEY = Decimal(10) ** 11  # CNY: 1,000 亿
MAX_AREA = Decimal(10) ** 6  # m²
MAX_HUNDREDTHS = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite: ±92,233,720,368,547,758.07
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the sales offices' calendar: their days and months


def to_decimal2(value):
    """Decimal with exactly two places (half-up), from str/int/Decimal; floats are refused
    because they already lost the cents."""
    if isinstance(value, float):
        raise TypeError("use a decimal string, not a float, for money and areas")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Decimal2(TypeDecorator):
    """A two-decimal amount (CNY, m²) stored as an integer count of hundredths:
    SQLite has no exact NUMERIC, and integers compare and sum exactly everywhere. The same
    64-bit range on both (MAX_HUNDREDTHS); a value beyond it is refused here, with the same
    error on both, rather than by the driver (SQLite: OverflowError)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("use a decimal string, not a float, for money and areas")
        value = Decimal(value)
        # more digits than the decimal context's 28 cannot be quantized: beyond the range too
        hundredths = int(to_decimal2(value) * 100) if value.adjusted() < 26 else None
        if hundredths is None or abs(hundredths) > MAX_HUNDREDTHS:
            raise ValueError(f"{value} is beyond the range of a Decimal2 column")
        return hundredths

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


def local_day(instant):
    """The Asia/Shanghai calendar day of an aware instant."""
    return instant.astimezone(SHANGHAI).date()


def today(now=None):
    """The sales offices' today (Asia/Shanghai), or the day of the aware instant `now`."""
    return local_day(datetime.now(SHANGHAI) if now is None else now)
