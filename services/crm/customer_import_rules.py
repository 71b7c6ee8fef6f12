"""Pure rules of importing an agency's existing customers from its old spreadsheet (issue 16):
the header as offices write it, each row's values checked (mobile, owner among the project's
staff, channel, grade, last follow-up date), a number twice in the file, and how a good row
is judged against the customer the project may already have (the 报备 rules of
customer_rules.registration_outcome). No I/O; the clock is passed in.

Judgements: "new" (no customer with that number), "same" (already the named owner's: the
import updates it), "claim" (in the pool or its 保护期 lapsed: the named owner takes it),
"conflict" (protected by someone else: a 撞单 for the manager, the owner keeps it)."""
import re
import unicodedata
from datetime import date, datetime

from loupan.errors import Invalid
from loupan.schemas.crm_customers import CHANNEL_NAMES, CHANNELS, GRADES
from services.crm.customer_rules import normalise_mobile, registration_outcome

# field -> the header names it is written under (the first is the one the console shows)
NAMES = {
    "name": ("姓名", "客户姓名", "客户名称", "客户"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "电话", "联系方式"),
    "channel": ("渠道", "认知途径", "来源", "客户来源"),
    "partner_name": ("渠道商", "分销商", "渠道公司", "渠道名称"),
    "grade": ("等级", "意向等级", "客户等级"),
    "owner": ("置业顾问", "归属顾问", "顾问", "归属人"),
    "last_follow_up": ("最后跟进", "最后跟进日期", "最近跟进", "最近跟进日期", "最后跟进时间"),
    "notes": ("备注", "说明"),
}
REQUIRED = ("name", "mobile", "channel", "owner")
FIELDS = {re.sub(r"\s+", "", n): field for field, names in NAMES.items() for n in names} \
    | {field: field for field in NAMES}
BRACKETED = re.compile(r"^(?P<name>[^()]+)\([^()]*\)$")  # 手机(必填), 最后跟进（日期）
# what offices call each channel, besides CHANNEL_NAMES' own names and the codes
CHANNEL_SYNONYMS = {"自然来访": "walk_in", "到访": "walk_in", "上门": "walk_in", "来电咨询": "phone",
                    "电话": "phone", "线上": "online", "网络推广": "online", "分销": "channel_partner",
                    "中介": "channel_partner", "老客户介绍": "referral", "老带新介绍": "referral",
                    "转介": "referral", "活动推广": "event"}
CHANNEL_CODES = {v: k for k, v in CHANNEL_NAMES.items()} | {c: c for c in CHANNELS} | CHANNEL_SYNONYMS
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+.*)?$")
MAX_NAME, MAX_NOTES, MAX_PARTNER = 50, 2000, 100
JUDGEMENTS = ("new", "same", "claim", "conflict")


def _normal(text):
    return unicodedata.normalize("NFKC", str(text)).strip()


def header_field(text):
    """The field a header cell names (None: a column the import does not read): full-width
    brackets and spaces as half-width, spaces inside a name dropped, a bracketed note ignored."""
    text = _normal(text).lower()
    match = BRACKETED.match(text)
    name = match["name"] if match else text
    return FIELDS.get(re.sub(r"\s+", "", name))


def read_header(cells):
    """The field of each column (None where unused); refuses a header that names a field twice
    or lacks a required one (400)."""
    columns, seen = [], set()
    for cell in cells:
        field = None if cell is None or not str(cell).strip() else header_field(cell)
        if field is not None and field in seen:
            raise Invalid(f"column {cell} appears twice in the header", "INVALID_SPREADSHEET")
        seen.add(field)
        columns.append(field)
    missing = [f"{NAMES[f][0]}/{f}" for f in REQUIRED if f not in seen]
    if missing:
        raise Invalid(f"the header row lacks: {', '.join(missing)}", "MISSING_COLUMNS")
    return columns


def row_values(columns, cells):
    """{field: cell} of one row by the header's columns."""
    return {f: c for f, c in zip(columns, cells) if f is not None}


def _text(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 13800138000 typed in a number cell
    if isinstance(value, datetime):
        return value.date().isoformat()
    text = _normal(value) if isinstance(value, str) else str(value)
    return text or None


def channel_code(text):
    """The channel code of what the office wrote (自然到访, 来电, 渠道, walk_in ...), else None."""
    key = re.sub(r"\s+", "", _normal(text)).lower()
    return CHANNEL_CODES.get(key)


def grade_code(text):
    """A/B/C/D from "A", "a", "A级", "A类", "A 级", else None."""
    key = re.sub(r"\s+", "", _normal(text)).upper().removesuffix("级").removesuffix("类")
    return key if key in GRADES else None


def follow_up_date(value, today):
    """The date of the last follow-up: a date cell, or text 2024-05-01, 2024/5/1, 2024.5.1,
    2024年5月1日 (a time after it ignored). (date, None) or (None, why)."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    else:
        match = DATE_TEXT.match(_normal(value)) if isinstance(value, str) else None
        if match is None:
            return None, f"{_text(value)} is not a date (2024-05-01)"
        try:
            found = date(*(int(g) for g in match.groups()))
        except ValueError:
            return None, f"{_text(value)} is not a date (2024-05-01)"
    if found > today:
        return None, f"{found.isoformat()} is in the future"
    return found, None


def resolve_owner(text, staff):
    """The account a name in the 置业顾问 column means among `staff` ([{account_id,
    full_name, username}], the project's advisors and supervisors): by full name, else by
    login name. (account, None) or (None, (code, why))."""
    wanted = _normal(text)
    by_name = [s for s in staff if s.get("full_name") and _normal(s["full_name"]) == wanted]
    if len(by_name) > 1:
        return None, ("AMBIGUOUS_OWNER", f"{wanted}: {len(by_name)} advisors of the project have this name; "
                                         f"write their login name")
    if by_name:
        return by_name[0], None
    by_login = [s for s in staff if s.get("username") and s["username"].lower() == wanted.lower()]
    if by_login:
        return by_login[0], None
    return None, ("UNKNOWN_OWNER", f"{wanted} is not an active advisor of the project")


def _error(field, code, message):
    return {"field": field, "code": code, "message": message}


def check_row(values, staff, today):
    """One row: (the values as the import takes them, [errors]). The values are JSON-ready
    (dates as ISO text) so a dry run can be stored and confirmed later."""
    errors, out = [], {}
    name = _text(values.get("name"))
    if name is None:
        errors.append(_error("name", "MISSING_NAME", "姓名 is empty"))
    elif len(name) > MAX_NAME:
        errors.append(_error("name", "NAME_TOO_LONG", f"姓名 is longer than {MAX_NAME} characters"))
    out["name"] = name
    raw_mobile = _text(values.get("mobile"))
    out["mobile"] = raw_mobile
    try:
        out["mobile"] = normalise_mobile(raw_mobile)
    except Invalid:
        errors.append(_error("mobile", "INVALID_MOBILE", f"{raw_mobile or '(empty)'} is not a mainland mobile "
                                                         "number (11 digits starting with 1)"))
    channel = _text(values.get("channel"))
    out["channel"] = channel_code(channel) if channel else None
    if channel is None:
        errors.append(_error("channel", "MISSING_CHANNEL", "渠道 is empty"))
    elif out["channel"] is None:
        errors.append(_error("channel", "UNKNOWN_CHANNEL", f"{channel} is not a channel ("
                                                           f"{'、'.join(CHANNEL_NAMES.values())})"))
    out["partner_name"] = _text(values.get("partner_name"))
    if out["channel"] == "channel_partner" and not out["partner_name"]:
        errors.append(_error("partner_name", "MISSING_PARTNER", "a 渠道 customer names the partner (渠道商)"))
    elif out["partner_name"] and len(out["partner_name"]) > MAX_PARTNER:
        errors.append(_error("partner_name", "PARTNER_TOO_LONG", f"渠道商 is longer than {MAX_PARTNER} characters"))
    grade = _text(values.get("grade"))
    out["grade"] = grade_code(grade) if grade else None
    if grade and out["grade"] is None:
        errors.append(_error("grade", "UNKNOWN_GRADE", f"{grade} is not a grade (A, B, C, D)"))
    owner = _text(values.get("owner"))
    out["owner"], out["owner_id"], out["owner_name"] = owner, None, None
    if owner is None:
        errors.append(_error("owner", "MISSING_OWNER", "置业顾问 is empty"))
    else:
        account, problem = resolve_owner(owner, staff)
        if problem:
            errors.append(_error("owner", *problem))
        else:
            out["owner_id"] = account["account_id"]
            out["owner_name"] = account.get("full_name") or account["username"]
    out["last_follow_up"] = None
    if values.get("last_follow_up") is not None and _text(values["last_follow_up"]) is not None:
        found, why = follow_up_date(values["last_follow_up"], today)
        if why:
            errors.append(_error("last_follow_up", "INVALID_DATE", f"最后跟进: {why}"))
        else:
            out["last_follow_up"] = found.isoformat()
    notes = _text(values.get("notes"))
    if notes and len(notes) > MAX_NOTES:
        errors.append(_error("notes", "NOTES_TOO_LONG", f"备注 is longer than {MAX_NOTES} characters"))
    out["notes"] = notes
    return out, errors


def check_rows(rows, staff, today):
    """[(row number, {field: cell})] -> [{row, values, errors}], a number repeated in the file
    an error of each later row (the first is kept)."""
    checked, first = [], {}
    for row_no, values in rows:
        out, errors = check_row(values, staff, today)
        mobile = out["mobile"]
        if not any(e["field"] == "mobile" for e in errors):
            if mobile in first:
                errors.append(_error("mobile", "DUPLICATE_IN_FILE", f"{mobile} is also on row {first[mobile]}"))
            else:
                first[mobile] = row_no
        checked.append({"row": row_no, "values": out, "errors": errors})
    return checked


def judge(existing, owner_id, at):
    """How a good row meets the project's customer of the same number: `existing` None or
    (owner_id, status, protected_until)."""
    if existing is None:
        return "new"
    outcome = registration_outcome(*existing, owner_id, at)
    return {"existing": "same", "claimed": "claim", "conflict": "conflict"}[outcome]


def counts(rows):
    """How many rows are bad, and how many good ones fall under each judgement."""
    result = {"rows": len(rows), "invalid": sum(1 for r in rows if r["errors"])}
    result["valid"] = result["rows"] - result["invalid"]
    for judgement in JUDGEMENTS:
        result[judgement] = sum(1 for r in rows if not r["errors"] and r.get("judgement") == judgement)
    return result
