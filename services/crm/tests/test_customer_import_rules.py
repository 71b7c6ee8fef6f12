"""The rules of importing an agency's customer spreadsheet (customer_import_rules.py): headers as
offices write them, each row's checks, duplicates in the file, and the judgement against the
project's customers."""
from datetime import date, datetime, timedelta, timezone

import pytest

from loupan.errors import Invalid
from services.crm import customer_import_rules as rules

TODAY = date(2026, 12, 6)
AT = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)
STAFF = [{"account_id": 11, "full_name": "张伟", "username": "zhangwei"},
         {"account_id": 12, "full_name": "李娜", "username": "lina"},
         {"account_id": 13, "full_name": "王芳", "username": "wangfang1"},
         {"account_id": 14, "full_name": "王芳", "username": "wangfang2"}]


def good(**extra):
    return dict({"name": "赵先生", "mobile": "138 1234 5678", "channel": "自然到访", "grade": "A级",
                 "owner": "张伟", "last_follow_up": datetime(2026, 11, 30), "notes": "看过三房"}, **extra)


def errors(values, staff=STAFF):
    return [(e["field"], e["code"]) for e in rules.check_row(values, staff, TODAY)[1]]


@pytest.mark.parametrize("cell, field", [
    ("姓名", "name"), ("客户姓名", "name"), ("手机", "mobile"), ("手机号", "mobile"), ("联系电话", "mobile"),
    ("渠道", "channel"), ("认知途径", "channel"), ("等级", "grade"), ("意向等级", "grade"),
    ("置业顾问", "owner"), ("归属顾问", "owner"), ("最后跟进", "last_follow_up"),
    ("最后跟进日期", "last_follow_up"), ("备注", "notes"),
    ("手机（必填）", "mobile"), ("置业 顾问", "owner"), (" 姓　名 ", "name"), ("Mobile", "mobile"),
    ("最后跟进(日期)", "last_follow_up"), ("楼栋", None)])
def test_headers_are_read_as_offices_write_them(cell, field):
    assert rules.header_field(cell) == field


def test_a_header_without_a_required_column_or_with_one_twice_is_refused():
    assert rules.read_header(["客户姓名", "手机号", "认知途径", "归属顾问", None, "楼栋"]) == \
        ["name", "mobile", "channel", "owner", None, None]
    with pytest.raises(Invalid) as err:
        rules.read_header(["姓名", "手机", "渠道"])
    assert err.value.code == "MISSING_COLUMNS" and "置业顾问" in err.value.message
    with pytest.raises(Invalid) as err:
        rules.read_header(["姓名", "手机", "联系电话", "渠道", "置业顾问"])
    assert err.value.code == "INVALID_SPREADSHEET"


def test_a_good_row_is_normalised():
    values, problems = rules.check_row(good(), STAFF, TODAY)
    assert problems == []
    assert values == {"name": "赵先生", "mobile": "13812345678", "channel": "walk_in", "partner_name": None,
                      "grade": "A", "owner": "张伟", "owner_id": 11, "owner_name": "张伟",
                      "last_follow_up": "2026-11-30", "notes": "看过三房"}


@pytest.mark.parametrize("written, code", [
    ("自然到访", "walk_in"), ("来电", "phone"), ("网络", "online"), ("老带新", "referral"), ("活动", "event"),
    ("walk_in", "walk_in"), ("中介", "channel_partner"), ("抖音", None)])
def test_channels_by_their_chinese_names(written, code):
    assert rules.channel_code(written) == code


@pytest.mark.parametrize("written, grade", [("A", "A"), ("b", "B"), ("C级", "C"), ("D 类", "D"), ("E", None),
                                            ("意向", None)])
def test_grades(written, grade):
    assert rules.grade_code(written) == grade


@pytest.mark.parametrize("cell, found", [
    (datetime(2026, 5, 1, 15, 30), "2026-05-01"), (date(2026, 5, 1), "2026-05-01"), ("2026-05-01", "2026-05-01"),
    ("2026/5/1", "2026-05-01"), ("2026.5.1", "2026-05-01"), ("2026年5月1日", "2026-05-01"),
    ("2026-05-01 10:00", "2026-05-01"), (None, None), ("", None)])
def test_last_follow_up_dates(cell, found):
    values, problems = rules.check_row(good(last_follow_up=cell), STAFF, TODAY)
    assert problems == [] and values["last_follow_up"] == found


@pytest.mark.parametrize("cell", ["2026-02-30", "上周", "2027-01-01", date(2026, 12, 7), 45000])
def test_a_future_or_invalid_date_is_a_bad_row(cell):
    assert errors(good(last_follow_up=cell)) == [("last_follow_up", "INVALID_DATE")]


def test_a_follow_up_today_is_not_in_the_future():
    assert errors(good(last_follow_up=TODAY)) == []


def test_bad_rows_name_each_problem():
    assert errors(good(mobile="1381234567")) == [("mobile", "INVALID_MOBILE")]
    assert errors(good(mobile=13812345678.0)) == []  # typed in a number cell
    assert errors(good(owner="陈静")) == [("owner", "UNKNOWN_OWNER")]
    assert errors(good(channel="抖音", grade="E")) == [("channel", "UNKNOWN_CHANNEL"), ("grade", "UNKNOWN_GRADE")]
    assert errors(good(name=None, owner=None, channel=None)) == [
        ("name", "MISSING_NAME"), ("channel", "MISSING_CHANNEL"), ("owner", "MISSING_OWNER")]
    assert errors(good(channel="渠道")) == [("partner_name", "MISSING_PARTNER")]
    assert errors(good(channel="渠道", partner_name="链家")) == []
    assert errors(good(grade=None)) == []  # a grade is optional


def test_the_owner_by_full_name_or_login_name_among_the_project_staff():
    assert rules.check_row(good(owner="lina"), STAFF, TODAY)[0]["owner_id"] == 12
    assert rules.check_row(good(owner="LiNa"), STAFF, TODAY)[0]["owner_id"] == 12
    assert rules.check_row(good(owner="李娜 "), STAFF, TODAY)[0]["owner_id"] == 12
    assert errors(good(owner="王芳")) == [("owner", "AMBIGUOUS_OWNER")]
    assert rules.check_row(good(owner="wangfang2"), STAFF, TODAY)[0]["owner_id"] == 14
    assert errors(good(owner="张伟"), staff=[]) == [("owner", "UNKNOWN_OWNER")]


def test_a_number_twice_in_the_file_is_a_bad_row_after_the_first():
    checked = rules.check_rows([(2, good()), (3, good(mobile="13812345678", owner="李娜")),
                                (4, good(mobile="13900000001")), (5, good(mobile="bad"))], STAFF, TODAY)
    assert [(r["row"], [e["code"] for e in r["errors"]]) for r in checked] == [
        (2, []), (3, ["DUPLICATE_IN_FILE"]), (4, []), (5, ["INVALID_MOBILE"])]
    assert "row 2" in checked[1]["errors"][0]["message"]


def test_the_judgement_against_the_project_customer():
    later, earlier = AT + timedelta(days=3), AT - timedelta(days=1)
    assert rules.judge(None, 11, AT) == "new"
    assert rules.judge((11, "lead", later), 11, AT) == "same"
    assert rules.judge((11, "lead", earlier), 11, AT) == "same"
    assert rules.judge((None, "lead", None), 11, AT) == "claim"  # the pool
    assert rules.judge((12, "lead", earlier), 11, AT) == "claim"  # 保护期 lapsed
    assert rules.judge((12, "lead", later), 11, AT) == "conflict"  # 撞单
    assert rules.judge((12, "signed", earlier), 11, AT) == "conflict"  # a deal never lapses


def test_counts():
    rows = [{"errors": [], "judgement": "new"}, {"errors": [], "judgement": "conflict"},
            {"errors": [{"code": "INVALID_MOBILE"}], "judgement": None}]
    assert rules.counts(rows) == {"rows": 3, "invalid": 1, "valid": 2, "new": 1, "same": 0, "claim": 0,
                                  "conflict": 1}
