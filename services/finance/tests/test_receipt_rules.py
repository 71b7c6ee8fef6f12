"""收款 allocation rules, directly: money on a deal never exceeds what is due, whatever the
sequence of receipts and voids."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.receipt_rules import (LineNotOpen, OpenLine, Overpayment, after, allocate, remaining_due,
                                            replace_all)

D = Decimal


def lines_of(*amounts):
    return [OpenLine(i, date(2026, 1, i), i, D(a)) for i, a in enumerate(amounts, start=1)]


def test_a_receipt_fills_the_lines_in_due_order():
    assert allocate(lines_of("100.00", "200.00", "300.00"), D("250.00")) == [(1, D("100.00")), (2, D("150.00"))]


def test_a_receipt_aimed_at_a_line_fills_it_first_then_goes_on_in_due_order():
    assert allocate(lines_of("100.00", "200.00", "300.00"), D("350.00"), first=3) == [(3, D("300.00")), (1, D("50.00"))]


def test_more_than_remains_due_is_an_overpayment():
    with pytest.raises(Overpayment):
        allocate(lines_of("100.00", "0.00"), D("100.01"))


def test_a_paid_line_cannot_be_aimed_at():
    with pytest.raises(LineNotOpen):
        allocate(lines_of("0.00", "10.00"), D("5.00"), first=1)


def test_replacing_receipts_on_smaller_lines_leaves_the_excess_unplaced():
    placed, unplaced = replace_all(lines_of("100.00", "50.00"), [(7, D("120.00")), (8, D("60.00"))])
    assert placed == {7: [(1, D("100.00")), (2, D("20.00"))], 8: [(2, D("30.00"))]}
    assert unplaced == D("30.00")


cents = st.integers(min_value=1, max_value=10**9).map(lambda c: D(c) / 100)
ops = st.lists(st.one_of(st.tuples(st.just("receive"), cents, st.one_of(st.none(), st.integers(1, 5))),
                         st.tuples(st.just("void"), st.integers(0, 30), st.none())), max_size=40)


@settings(max_examples=300)
@given(amounts=st.lists(cents, min_size=1, max_size=5), ops=ops)
def test_receipts_never_exceed_what_is_due_for_any_sequence_of_receipts_and_voids(amounts, ops):
    fresh = lines_of(*amounts)
    price = remaining_due(fresh)
    lines, valid = fresh, {}  # receipt index -> its parts
    for n, (op, value, target) in enumerate(ops):
        if op == "receive":
            due = remaining_due(lines)
            try:
                parts = allocate(lines, value, first=target)
            except Overpayment:
                assert value > due
                continue
            except LineNotOpen:
                continue
            assert sum(p for _, p in parts) == value
            lines = after(lines, parts)
            valid[n] = parts
        elif valid:
            key = sorted(valid)[value % len(valid)]
            lines = after(lines, valid.pop(key), sign=-1)
        collected = sum((p for parts in valid.values() for _, p in parts), D("0"))
        assert collected <= price
        assert collected + remaining_due(lines) == price
        assert all(D("0") <= line.remaining <= fresh[i].remaining for i, line in enumerate(lines))


@settings(max_examples=200)
@given(amounts=st.lists(cents, min_size=1, max_size=5), receipts=st.lists(cents, max_size=8))
def test_placing_receipts_again_on_new_lines_keeps_every_cent_and_never_overfills_a_line(amounts, receipts):
    fresh = lines_of(*amounts)
    placed, unplaced = replace_all(fresh, list(enumerate(receipts)))
    on_lines = {}
    for parts in placed.values():
        for line_id, part in parts:
            on_lines[line_id] = on_lines.get(line_id, D("0")) + part
    assert sum(on_lines.values(), D("0")) + unplaced == sum(receipts, D("0"))
    assert all(on_lines.get(line.id, D("0")) <= line.remaining for line in fresh)
    assert unplaced == max(sum(receipts, D("0")) - remaining_due(fresh), D("0"))
