"""Who a class is for (培训对象) and who ran it (organiser level): the words the report speaks in."""

from __future__ import annotations

import re

from services.normalize import fold_key

ALL_MEMBERS = "全体党员"
# The audiences of the 2024–2028 plan and the office's report; the office may use its own words too.
AUDIENCES = (
    ALL_MEMBERS, "党委理论学习中心组成员", "基层党组织书记和党务干部", "纪检干部", "新党员",
    "发展对象和入党积极分子", "党员干部", "优秀共产党员", "流动党员", "老党员",
)
# Headers a training-record file may use for the audience column.
AUDIENCE_HEADERS = ("培训对象", "对象", "参训对象", "培训对象类别")

BUREAU = "bureau"
HIGHER = "higher"
LEVEL_LABELS = {BUREAU: "本局（局党委及所属支部）", HIGHER: "上级组织"}
# Organisers above the bureau: the city's organisation department and working committee,
# provincial and central bodies. Anything else (局党委, a branch, empty) is the bureau itself.
_HIGHER = re.compile(
    r"(市委|区委|县委|省委|中央|中共中央|中组部|中宣部|市直机关工委|直属机关工委|机关工委|工委|"
    r"组织部|宣传部|党校|行政学院|干部学院|干部网络学院|市纪委|省纪委|中纪委|国家)")


def audience_of(target_group: str | None) -> str:
    """The audience of an activity as the report groups it; empty means every member."""
    text = (target_group or "").strip()
    if not text:
        return ALL_MEMBERS
    key = fold_key(text)
    for known in AUDIENCES:
        if fold_key(known) == key:
            return known
    return text


def organiser_level(organiser: str | None) -> str:
    """BUREAU for the bureau's own Party committee and branches, HIGHER for bodies above it."""
    text = fold_key(organiser)
    if not text:
        return BUREAU
    if "局党委" in text or "支部" in text or text.startswith("本局"):
        return BUREAU
    return HIGHER if _HIGHER.search(text) else BUREAU
