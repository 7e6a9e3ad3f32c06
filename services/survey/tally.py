"""Counting answers: how 问卷星 writes them, what kind a question is, tallies and the satisfaction share.

Pure functions over answer texts, shared by imported and paper surveys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SINGLE, MULTIPLE, SCALE, TEXT = "single", "multiple", "scale", "text"
KINDS = (SINGLE, MULTIPLE, SCALE, TEXT)
KIND_LABELS = {SINGLE: "单选", MULTIPLE: "多选", SCALE: "量表", TEXT: "填空"}
JOIN = "┋"
SKIPPED = "(跳过)"  # a question skipped by the questionnaire's jump logic
NOT_SHOWN = "(空)"  # a question not shown to this respondent (or left empty)
OTHER = "其他"

# Words a respondent wrote beside an option: "其他〖红色教育基地参观〗".
_FILL_IN = re.compile(r"^(.*?)〖(.*)〗$", re.S)
# Satisfaction words, best first; options of the same rank share a number.
SATISFACTION_RANKS = {
    "非常满意": 0, "很满意": 0, "十分满意": 0, "特别满意": 0,
    "满意": 1, "比较满意": 1, "较满意": 1,
    "基本满意": 2, "一般": 2, "还可以": 2,
    "不太满意": 3, "不满意": 3, "较不满意": 3, "不够满意": 3,
    "非常不满意": 4, "很不满意": 4, "十分不满意": 4,
}
# Words that make a question free text; the weak ones only when the answers also look written.
_TEXT_HINTS = ("意见", "请填写", "请写出", "简述", "请说明", "请描述", "谈谈", "留言", "填空", "简答")
_WEAK_TEXT_HINTS = ("建议", "想法", "看法", "补充", "收获", "体会")
_MULTIPLE_HINTS = ("多选", "可多选", "多项选择")
_SINGLE_HINTS = ("单选",)
_SENTENCE = re.compile(r"[，。；！？,;!?]")


def is_blank(value: str | None) -> bool:
    """Not an answer: empty, (跳过) or (空)."""
    if value is None:
        return True
    text = value.strip()
    return not text or fold(text) in (fold(SKIPPED), fold(NOT_SHOWN))


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def split_choice(part: str) -> tuple[str, str | None]:
    """One chosen option and the words written beside it: "其他〖参观〗" → ("其他", "参观")."""
    part = part.strip()
    m = _FILL_IN.match(part)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    return part, None


def choices(value: str, kind: str) -> list[tuple[str, str | None]]:
    """The options one answer chose (several for a multiple-choice question)."""
    parts = value.split(JOIN) if kind == MULTIPLE else [value]
    return [split_choice(p) for p in parts if p.strip()]


def _number(text: str) -> float | None:
    try:
        number = float(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        return None
    return number if number.is_integer() else None


def detect_kind(title: str, answers: Sequence[str]) -> str:
    """single, multiple, scale or text, from the header's words and the answers given."""
    given = [a.strip() for a in answers if not is_blank(a)]
    folded = fold(title)
    if any(JOIN in a for a in given) or any(h in folded for h in _MULTIPLE_HINTS):
        return MULTIPLE
    numbers = [_number(a) for a in given]
    if given and all(n is not None and 0 <= n <= 10 for n in numbers):
        return SCALE
    if any(h in folded for h in _SINGLE_HINTS):
        return SINGLE
    rated = any(a in SATISFACTION_RANKS for a in given)
    if any(h in folded for h in _TEXT_HINTS) and not rated:
        return TEXT
    weak = any(h in folded for h in _WEAK_TEXT_HINTS) and not rated
    if not given:
        return TEXT if weak else SINGLE
    distinct = {split_choice(a)[0] for a in given}
    if weak and (len(distinct) > 8 or max(len(a) for a in given) >= 8 or any(_SENTENCE.search(a) for a in given)):
        return TEXT
    long_answers = sum(1 for a in given if len(a) > 30 or _SENTENCE.search(split_choice(a)[0]))
    if long_answers * 2 > len(given) or (len(distinct) > 12 and len(distinct) * 2 > len(given)):
        return TEXT
    return SINGLE


@dataclass
class Tally:
    """One question's figures: how many answered, the count of each option, the written words."""

    number: int
    title: str
    kind: str
    answered: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    answers: list[str] = field(default_factory=list)  # text questions: every answer, in order
    others: dict[str, list[str]] = field(default_factory=dict)  # option → words written beside it

    def share(self, option: str) -> float:
        return self.counts.get(option, 0) / self.answered if self.answered else 0.0

    def to_json(self) -> dict[str, object]:
        base: dict[str, object] = {"number": self.number, "title": self.title, "kind": self.kind,
                                   "answered": self.answered}
        if self.kind == TEXT:
            base["answers"] = list(self.answers)
        else:
            base["counts"] = dict(self.counts)
        return base


def _option_order(options: Iterable[str], designed: Sequence[str], kind: str) -> list[str]:
    seen = list(dict.fromkeys(options))
    if kind == SCALE:
        values = sorted({int(_number(o) or 0) for o in seen} | {int(_number(o) or 0) for o in designed})
        if designed:
            return [str(v) for v in values]
        low = 0 if values and values[0] == 0 else 1
        high = 5 if values and values[-1] <= 5 else 10
        return [str(v) for v in range(low, high + 1)]
    ordered = list(designed) + [o for o in seen if o not in designed]
    if all(o in SATISFACTION_RANKS for o in ordered):
        ordered.sort(key=lambda o: SATISFACTION_RANKS[o])
    if not designed and OTHER in ordered:  # 其他 last, as questionnaires put it
        ordered = [o for o in ordered if o != OTHER] + [OTHER]
    return ordered


def tally(number: int, title: str, kind: str, answers: Iterable[str | None],
          designed: Sequence[str] = ()) -> Tally:
    """Count one question's answers; blank ones ((跳过), (空), empty) are not answers."""
    result = Tally(number, title, kind)
    raw: dict[str, int] = {}
    for value in answers:
        if value is None or is_blank(value):
            continue
        result.answered += 1
        if kind == TEXT:
            result.answers.append(value.strip())
            continue
        for option, words in choices(value, kind):
            if kind == SCALE:
                n = _number(option)
                option = str(int(n)) if n is not None else option
            raw[option] = raw.get(option, 0) + 1
            if words:
                result.others.setdefault(option, []).append(words)
    if kind != TEXT:
        result.counts = {o: raw.get(o, 0) for o in _option_order(raw, designed, kind)}
    return result


def is_satisfaction(t: Tally) -> bool:
    if t.kind == SCALE:
        return "满意" in t.title
    return t.kind == SINGLE and (any(o in SATISFACTION_RANKS and "满意" in o for o in t.counts)
                                 or "满意度" in t.title)


def best_two(t: Tally) -> list[str]:
    """The two best options of a satisfaction question (the top of the ladder is implied)."""
    if t.kind == SCALE:
        points = sorted(t.counts, key=lambda o: _number(o) or 0, reverse=True)
        return points[:2]
    ranked = sorted((SATISFACTION_RANKS[o], o) for o in t.counts if o in SATISFACTION_RANKS)
    if not ranked:
        return list(t.counts)[:2]
    # The best rank is always on the questionnaire (非常满意) even when nobody chose it.
    below_top = sorted({r for r, _ in ranked if r > 0})
    limit = below_top[0] if below_top else 0
    return [o for r, o in ranked if r <= limit]


def satisfaction(t: Tally) -> tuple[int, int]:
    """(those choosing one of the two best options, those who answered)."""
    return sum(t.counts.get(o, 0) for o in best_two(t)), t.answered


def heading(x: Tally) -> str:
    """1、题目（单选，40人作答）, as the report, `survey show` and the window head a question; a title that already
    says its kind (问卷星's “（多选）”) does not say it twice."""
    kind = KIND_LABELS[x.kind]
    said = x.title.rstrip().endswith(tuple(f"{o}{k}{c}" for k in (kind, kind + "题")
                                           for o, c in (("（", "）"), ("(", ")"), ("[", "]"), ("【", "】"))))
    return f"{x.number}、{x.title}（{'' if said else kind + '，'}{x.answered}人作答）"
