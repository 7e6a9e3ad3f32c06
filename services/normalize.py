"""Normalisers for the values real rolls contain: names, ID numbers, dates, choices, numbers.

Each takes whatever a cell or a text field may hold and returns a clean value, or raises
`NormalizeError` with a Chinese reason. None of them raises anything else.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache, wraps
from typing import Any, TypeVar

from services.errors import NormalizeError

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

SEXES = ("男", "女")
EDUCATIONS = ("研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下")
MEMBERSHIPS = ("正式党员", "预备党员")
STAFF_STATUSES = ("在职", "离退休")
STATUSES = ("在册", "转出", "去世", "出党", "停止党籍")
LEFT_STATUSES = ("转出", "去世", "出党", "停止党籍")
# Attendance that counts as a person-time and earns the session's hours (DOMAIN.md).
ATTENDED_STATUSES = ("出席", "迟到", "早退")
# An activity in these states takes no more attendance or hours: the attendance grid and the
# training-record import refuse it (services/training/attendance.py, records_import.py).
# A cancelled activity credits nobody and counts in no figure (an archived one still does).
CANCELLED_ACTIVITY = "已取消"
CLOSED_ACTIVITY_STATUSES = (CANCELLED_ACTIVITY, "已归档")
COMMITTEE_POSTS = ("支部书记", "支部副书记", "组织委员", "宣传委员", "纪检委员")
PARTY_POSTS = (*COMMITTEE_POSTS, "党委书记", "党委副书记", "党委委员", "纪委书记", "纪委委员",
               "青年委员", "保密委员", "群工委员", "党小组长")
ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
    "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)

_EDUCATION_SYNONYMS = {
    "博士": "研究生", "博士研究生": "研究生", "硕士": "研究生", "硕士研究生": "研究生", "研究生": "研究生",
    "大学本科": "大学本科", "本科": "大学本科", "大学": "大学本科",
    "大学专科": "大学专科", "专科": "大学专科", "大专": "大学专科",
    "中专": "中专", "中等专科": "中专", "中技": "中专", "技校": "中专", "职高": "中专",
    "高中": "高中", "初中及以下": "初中及以下", "初中": "初中及以下", "小学": "初中及以下",
}
_MEMBERSHIP_SYNONYMS = {"正式党员": "正式党员", "正式": "正式党员", "预备党员": "预备党员", "预备": "预备党员"}
_STAFF_SYNONYMS = {"在职": "在职", "离退休": "离退休", "退休": "离退休", "离休": "离退休", "离岗": "在职"}
_STATUS_SYNONYMS = {s: s for s in STATUSES} | {"正常": "在册", "在籍": "在册", "已转出": "转出",
                                                 "死亡": "去世", "病故": "去世", "开除党籍": "出党"}
_NAME_DOTS = "·•‧∙・⋅.．"

EXCEL_EPOCH = dt.date(1899, 12, 30)
PLAIN_NAME = re.compile("[\u4e00-\u9fff]{2,8}")
_PLAIN_ID = re.compile(r"[0-9]{17}[0-9X]")

_F = TypeVar("_F", bound=Callable[..., Any])


def _memoized(fn: _F) -> _F:
    """Cache a pure normaliser: a big roll repeats the same choices and dates thousands of times.

    Errors are not cached (they propagate); unhashable input bypasses the cache.
    """
    cached = lru_cache(maxsize=8192, typed=True)(fn)

    @wraps(fn)
    def wrapper(*args: Any) -> Any:
        try:
            return cached(*args)
        except TypeError:  # unhashable argument: the normalisers themselves never raise TypeError
            return fn(*args)

    return wrapper  # type: ignore[return-value]


# ---------------------------------------------------------------- text


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    return value if type(value) is str else str(value)


def _visible(text: str, keep: str = "") -> str:
    # Control and zero-width format characters (NUL, U+200B, a stray BOM) are invisible in a cell and
    # break exact matching; they and lone surrogates cannot be written to .xlsx or SQLite.
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


def clean_text(value: Any) -> str:
    """A value as compared or computed: NFKC, stripped, inner white space collapsed; None and NaN give ''.

    For ID numbers, dates, numbers, choices and lookups; never for what the office wrote and wants
    back (names, titles, remarks, places): that is `keep_text`, and its matching key `fold_key`.
    """
    text = _as_text(value)
    if not text:
        return ""
    if not text.isascii():  # ASCII is already NFKC; skipping it keeps big imports fast
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    if not text.isprintable():
        text = " ".join(_visible(text).split())
    return text


def in_quotes(text: str) -> str:
    """`text` set in Chinese double quotes for a printed sentence, its own double quotes turned single (a quote
    inside a quote, GB/T 15834): “‘学思想、强党性’专题党课” rather than ““学思想、强党性”专题党课”.

    For print only: the stored text stays exactly as written.
    """
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def keep_text(value: Any) -> str:
    """Free text exactly as written (full-width punctuation, digits and spaces kept), trimmed at the ends.

    Only what cannot be seen or stored goes: control characters other than line breaks and tabs,
    zero-width format characters, lone surrogates; a Windows line break becomes a plain one.
    """
    text = _as_text(value)
    if not text:
        return ""
    if not text.isprintable():
        text = _visible(text.replace("\r\n", "\n"), "\n\t")
    return text.strip()


@_memoized
def fold_key(value: Any) -> str:
    """The key free text is matched by: NFKC, case-folded, without any white space.

    “学思想、强党性”专题党课（上半年） and “学思想、强党性”专题党课(上半年) have the same key.
    """
    return "".join(clean_text(value).casefold().split())


def is_cjk(ch: str) -> bool:
    return unicodedata.category(ch) == "Lo" and ord(ch) > 0x2E7F


def normalize_name(value: Any) -> str:
    """A person's name as written, except the padding inside a Chinese name (张　伟 → 张伟).

    Characters are kept as they are (no NFKC: a compatibility ideograph in a rare name stays);
    minority-name dots are written '·'. Names are matched through `fold_key`.
    """
    if type(value) is str and PLAIN_NAME.fullmatch(value):
        return value  # the common case, already clean: skip the general path (big imports)
    text = " ".join(keep_text(value).split())
    for dot in _NAME_DOTS:
        text = text.replace(dot, "·")
    text = re.sub(r"\s*·\s*", "·", text)
    # Spaces between CJK characters are padding for alignment (张　伟); spaces between Latin
    # words belong to the name.
    text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    if not text:
        raise NormalizeError("姓名不能为空")
    if len(text) > 50:
        raise NormalizeError("姓名过长（超过50个字符）")
    if any(ch.isdigit() for ch in text):
        raise NormalizeError(f"姓名“{text}”中含有数字")
    if text.strip("·") != text or "··" in text:
        raise NormalizeError(f"姓名“{text}”中的间隔号位置不对")
    for ch in text:
        cat = unicodedata.category(ch)
        if not (cat.startswith("L") or ch in "· " or cat == "Mn"):
            raise NormalizeError(f"姓名“{text}”中含有不允许的字符“{ch}”")
    return text


# ---------------------------------------------------------------- ID numbers


def id_check_digit(first17: str) -> str:
    if len(first17) != len(ID_WEIGHTS):
        raise ValueError(first17)
    total = sum(map(operator.mul, map(int, first17), ID_WEIGHTS))  # C loops: once per row of a roll
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(value: Any) -> str:
    """An 18-character citizen ID number (GB 11643), converting the 15-digit form.

    A number of more than 15 digits stored as an Excel number has already lost its last digits:
    it is refused, never guessed at.
    """
    if type(value) is str and _PLAIN_ID.fullmatch(value):
        _id_birth(value, value)
        if value[17] == id_check_digit(value[:17]):
            return value
    if isinstance(value, bool):
        raise NormalizeError("身份证号码不是有效的文本")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value) or not value.is_integer()):
            raise NormalizeError("身份证号码被存成了数字，末几位已丢失；请把该单元格设为文本格式后重新录入")
        digits = str(int(value))
        if len(digits) > 15:
            raise NormalizeError("身份证号码被存成了数字，末几位已丢失；请把该单元格设为文本格式后重新录入")
        value = digits
    text = clean_text(value).replace(" ", "").replace("-", "").upper()
    if not text:
        raise NormalizeError("身份证号码不能为空")
    if re.fullmatch(r"\d+(\.\d+)?E\+?\d+", text):
        raise NormalizeError("身份证号码被存成了科学计数法数字，末几位已丢失；请把该单元格设为文本格式后重新录入")
    if len(text) == 15:
        if not text.isdigit():
            raise NormalizeError(f"15位身份证号码“{text}”只能由数字组成")
        body = text[:6] + "19" + text[6:]
        _id_birth(body, text)
        return body + id_check_digit(body)
    if len(text) != 18:
        raise NormalizeError(f"身份证号码“{text}”应为18位，实际为{len(text)}位")
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise NormalizeError(f"身份证号码“{text}”格式不对：前17位应为数字，末位为数字或X")
    _id_birth(text, text)
    expected = id_check_digit(text[:17])
    if text[17] != expected:
        raise NormalizeError(f"身份证号码“{text}”校验位错误（按前17位计算应为{expected}），请核对")
    return text


def _id_birth(body: str, shown: str) -> dt.date:
    try:
        birth = dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise NormalizeError(f"身份证号码“{shown}”中的出生日期不存在") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise NormalizeError(f"身份证号码“{shown}”中的出生日期不合理")
    return birth


def id_birth_date(id_number: str) -> dt.date:
    return _id_birth(id_number, id_number)


def id_sex(id_number: str) -> str:
    return "男" if int(id_number[16]) % 2 == 1 else "女"


def mask_id_number(id_number: str | None) -> str:
    """110105********1234: what printouts and lists show by default."""
    if not id_number:
        return ""
    if len(id_number) < 10:
        return id_number
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


# ---------------------------------------------------------------- dates

_DATE_PATTERNS = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"), "d"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"), "d"),
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "m"),
    (re.compile(r"(\d{4})年(\d{1,2})月?"), "m"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "d"),
    (re.compile(r"(\d{4})(\d{2})"), "m"),
)


def _from_excel_serial(value: float) -> dt.date:
    if not 1 <= value < 2958466:
        raise NormalizeError(f"日期“{value}”不是有效的Excel日期")
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


@_memoized
def parse_partial_date(value: Any) -> str | None:
    """A date kept with its precision: '2019-07-01', or '2019-07' when given to the month.

    Accepts date cells, Excel serial numbers and the text forms offices write. Empty gives None.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not 1900 <= value.year <= 2100:
            raise NormalizeError(f"日期“{value.isoformat()}”的年份不合理")
        return value.isoformat()
    if isinstance(value, bool):
        raise NormalizeError("日期格式无法识别")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return parse_partial_date(str(int(number)))
        if number.is_integer() and 190001 <= number <= 210012:
            return parse_partial_date(str(int(number)))
        if 1 <= number < 80000:
            return parse_partial_date(_from_excel_serial(number))
        raise NormalizeError(f"日期“{value}”格式无法识别")
    text = clean_text(value)
    if not text:
        return None
    for pattern, precision in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        year, month = int(m.group(1)), int(m.group(2))
        if not 1900 <= year <= 2100:
            raise NormalizeError(f"日期“{text}”的年份不合理")
        if not 1 <= month <= 12:
            raise NormalizeError(f"日期“{text}”的月份不存在")
        if precision == "m":
            return f"{year:04d}-{month:02d}"
        try:
            return dt.date(year, month, int(m.group(3))).isoformat()
        except ValueError:
            raise NormalizeError(f"日期“{text}”不存在") from None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_partial_date(float(text))
    raise NormalizeError(f"日期“{text}”格式无法识别（可写作 2019-07-01、2019.7、2019年7月1日 等）")


def parse_full_date(value: Any) -> dt.date | None:
    """A date that must name the day."""
    partial = parse_partial_date(value)
    if partial is None:
        return None
    if len(partial) != 10:
        raise NormalizeError(f"日期“{clean_text(value)}”需要精确到日")
    return dt.date.fromisoformat(partial)


@lru_cache(maxsize=1 << 17)  # every day of 1900-2100 and more: a big roll's dates all fit
def partial_start(partial: str) -> dt.date:
    """The first day a partial date can mean (2005-07 → 2005-07-01)."""
    if len(partial) == 7:
        return dt.date(int(partial[:4]), int(partial[5:7]), 1)
    return dt.date.fromisoformat(partial)


@lru_cache(maxsize=1 << 17)  # every day of 1900-2100 and more: a big roll's dates all fit
def partial_end(partial: str) -> dt.date:
    """The last day a partial date can mean (2005-07 → 2005-07-31)."""
    if len(partial) == 7:
        y, m = int(partial[:4]), int(partial[5:7])
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date.fromisoformat(partial)


def last_day_on_roll(status: str | None, left_date: str | None) -> dt.date | None:
    """The last day a member who left (转出, 去世 …) was on the roll, from their 转出日期; None while they are on it,
    or when no day is known. Nothing is credited or handed to them after it (hours, attendance, materials, a place
    on a sign-in sheet). Counting, where an unknown day means "never counted", is targets.roll_span."""
    if status == "在册" or not left_date:
        return None
    return partial_end(left_date)


def format_partial(partial: str | None, sep: str = ".") -> str:
    """As offices write it: 2005.07.01, or 2005.07 when known to the month."""
    if not partial:
        return ""
    return partial.replace("-", sep)


# ---------------------------------------------------------------- choices


def _choice(value: Any, synonyms: dict[str, str], label: str, allowed: tuple[str, ...]) -> str | None:
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    if text in synonyms:
        return synonyms[text]
    raise NormalizeError(f"{label}“{text}”不在可选范围内（{'、'.join(allowed)}）")


@_memoized
def normalize_sex(value: Any) -> str | None:
    return _choice(value, {"男": "男", "女": "女", "男性": "男", "女性": "女"}, "性别", SEXES)


@_memoized
def normalize_ethnicity(value: Any) -> str | None:
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    if text in ETHNICITIES:
        return text
    if text + "族" in ETHNICITIES:
        return text + "族"
    if text == "蒙古":
        return "蒙古族"
    raise NormalizeError(f"民族“{text}”不是56个民族之一")


@_memoized
def normalize_education(value: Any) -> str | None:
    return _choice(value, _EDUCATION_SYNONYMS, "学历", EDUCATIONS)


@_memoized
def normalize_membership(value: Any) -> str | None:
    return _choice(value, _MEMBERSHIP_SYNONYMS, "党员类别", MEMBERSHIPS)


@_memoized
def normalize_staff_status(value: Any) -> str | None:
    return _choice(value, _STAFF_SYNONYMS, "人员类别", STAFF_STATUSES)


@_memoized
def normalize_status(value: Any) -> str | None:
    return _choice(value, _STATUS_SYNONYMS, "状态", STATUSES)


def normalize_phone(value: Any) -> str | None:
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    if not text:
        return None
    compact = re.sub(r"[\s\-()（）]", "", text)
    if not re.fullmatch(r"\+?\d{5,20}(转\d{1,6})?", compact):
        raise NormalizeError(f"联系电话“{text}”格式不对")
    return compact


BRANCH_NAME_MOST = 100


def normalize_branch_name(value: Any) -> str | None:
    """A branch's name as the office wrote it (keep_text: full-width brackets and spaces kept), on one line;
    empty gives None. Branches are found by `fold_key` of their names. Over BRANCH_NAME_MOST characters is
    refused here, where a roll's rows are checked, not first when the branch is made."""
    text = keep_text(value)
    if "\n" in text or "\t" in text:  # a line break typed into a cell: the name is one line in every list
        text = re.sub(r"[\t\n]+", " ", text)
    if len(text) > BRANCH_NAME_MOST:
        raise NormalizeError(f"支部名称过长（超过{BRANCH_NAME_MOST}个字符）")
    return text or None


@_memoized
def normalize_optional_text(value: Any, limit: int = 200) -> str | None:
    """Free text (a title, a place, a remark) exactly as written, trimmed; empty gives None."""
    text = keep_text(value)
    if not text:
        return None
    if len(text) > limit:
        raise NormalizeError(f"内容过长（超过{limit}个字符）")
    return text


# ---------------------------------------------------------------- numbers


def round_hours(number: float) -> float:
    """Hours to two decimals as the office rounds (四舍五入) what it reads: 2.125 is 2.13 and 1.005 is 1.01,
    where round() gives 2.12 and 1.0 (binary floats, halves to even)."""
    return float(Decimal(repr(number)).quantize(Decimal("0.01"), ROUND_HALF_UP)) + 0.0


def parse_hours(value: Any) -> float | None:
    """Credit hours: 3, 3.5, '3学时', '3.5 学时'. Empty gives None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NormalizeError("学时应为数字")
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isnan(number):
            return None
    else:
        text = clean_text(value).replace(" ", "")
        if not text:
            return None
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:学时|课时|小时|h)?", text, re.I)
        if not m:
            raise NormalizeError(f"学时“{text}”应为数字，如 3 或 3.5")
        number = float(m.group(1))
    if math.isinf(number) or number < 0 or number > 1000:
        raise NormalizeError(f"学时“{value}”不在合理范围（0～1000）")
    return round_hours(number)  # + 0.0 there: -0.0 (typed "-0") is 0, not shown as "-0学时"
