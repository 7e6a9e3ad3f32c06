"""The sessions (课次) of an activity as a dialog or a command gives them: checked, in the words of a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.errors import FieldProblem, NormalizeError
from services.normalize import clean_text, normalize_optional_text, parse_full_date, parse_hours

SESSION_LABELS = {"date": "日期", "start_time": "开始时间", "end_time": "结束时间", "hours": "学时",
                  "topic": "主题", "place": "地点", "lecturer": "授课人"}


def _clean_time(value: Any) -> str | None:
    text = clean_text(value).replace("：", ":")
    if not text:
        return None
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    parts = text.split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        h, m = int(parts[0]), int(parts[1])
        if 0 <= h < 24 and 0 <= m < 60:
            return f"{h:02d}:{m:02d}"
    raise NormalizeError(f"时间“{text}”应写作 09:00 这样的形式")


def clean_sessions(raw_sessions: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    cleaned: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for index, raw in enumerate(raw_sessions, start=1):
        item: dict[str, Any] = {"id": raw.get("id")}

        def problem(key: str, message: str, index: int = index) -> None:
            problems.append(FieldProblem(f"sessions.{index}.{key}", f"第{index}课次：{message}",
                                         column=SESSION_LABELS.get(key, key)))

        for key, fn in (("date", parse_full_date), ("start_time", _clean_time), ("end_time", _clean_time),
                        ("hours", parse_hours), ("topic", lambda v: normalize_optional_text(v, 200)),
                        ("place", lambda v: normalize_optional_text(v, 200)),
                        ("lecturer", lambda v: normalize_optional_text(v, 100))):
            try:
                item[key] = fn(raw.get(key))
            except NormalizeError as exc:
                problem(key, exc.message)
        if "date" in item and item["date"] is None:
            problem("date", "日期不能为空")
        if item.get("hours") is None and "hours" not in {p.field.rsplit(".", 1)[-1] for p in problems}:
            item["hours"] = 0.0
        if item.get("start_time") and item.get("end_time") and item["end_time"] <= item["start_time"]:
            problem("end_time", "结束时间应晚于开始时间")
        cleaned.append(item)
    return cleaned, problems
