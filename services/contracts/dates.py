"""A deal's dates as recorded, for the one order they follow (loupan/deal_dates.py): every
date entered on a deal is checked against these before it is written."""
from sqlalchemy import select

from loupan import deal_dates
from loupan.errors import RuleViolated
from loupan.types import local_day, today
from services.contracts.models import Contract, Handover, Mortgage


def subscribed_on(deal):
    """The 认购 date: as entered, else the day the deal was made."""
    return deal.subscribed_on or local_day(deal.created_at)


def recorded(session, deal):
    """Every date the deal has so far, by the names of loupan.deal_dates."""
    dates = {"subscribed_on": subscribed_on(deal)}
    contract = session.execute(select(Contract).where(Contract.deal_id == deal.id)).scalar_one_or_none()
    if contract is not None and contract.status != "rejected":
        dates.update(signed_on=contract.signed_on, online_signed_on=contract.online_signed_on,
                     filed_on=contract.filed_on)
    handover = session.execute(select(Handover).where(Handover.deal_id == deal.id)).scalar_one_or_none()
    if handover is not None:
        dates.update(handed_over_on=handover.handed_over_on, title_applied_on=handover.title_applied_on,
                     title_issued_on=handover.title_issued_on, title_delivered_on=handover.title_delivered_on)
    mortgage = session.execute(select(Mortgage).where(Mortgage.deal_id == deal.id)).scalar_one_or_none()
    if mortgage is not None:
        dates.update({step: getattr(mortgage, step) for step in deal_dates.MORTGAGE[1:]})
    return dates


def check(session, deal, chain, **entered):
    """Raise (422) unless the dates `entered` (name=date) keep the deal's `chain` in order and
    none is in the future: every date entered on a deal records a step already taken (签约,
    交房, 批贷 …), so a date after today is a typo (2062 for 2026), not a plan."""
    for name, day in entered.items():
        if day is not None:
            check_happened(day, deal_dates.LABELS[name])
    deal_dates.check(chain, {**recorded(session, deal), **entered})


def check_happened(day, what):
    """A date of something done (认购, 网签, 备案) cannot be in the future."""
    if day > today():
        raise RuleViolated(f"{what} date {day} is in the future", "DATE_IN_FUTURE")
