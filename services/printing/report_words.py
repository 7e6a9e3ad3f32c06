"""How the office writes its figures: "共计8次", "100余次", "11万余元", "16人", "169人次"."""

from __future__ import annotations

from collections.abc import Sequence


def fmt(value: float) -> str:
    """A figure as the report prints it: 61.2, 169, 24.11 (no trailing zeros)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def fmt_share(share: float) -> str:
    """A share (0.8125) as a percentage (81.25%)."""
    return fmt(round(share * 100, 2)) + "%"


def about(n: int, unit: str) -> str:
    """A count as the office rounds a large one: 8次, 100余次 (100–199), 1200余人次."""
    if n >= 100:
        return f"{n // 100 * 100}余{unit}"
    return f"{n}{unit}"


def money(amount: float) -> str:
    """"X万余元" when the sum is at least X万 and below X+1万; smaller sums exactly (3200元)."""
    if amount >= 10000:
        return f"{int(amount // 10000)}万余元"
    return f"{fmt(round(amount, 2))}元"


def places(names: Sequence[str], most: int = 4) -> str:
    """西柏坡、延安、井冈山等地 (at most `most` names; 等 when there are more)."""
    shown = list(names)[:most]
    if not shown:
        return ""
    return "、".join(shown) + ("等地" if len(names) > most or len(names) > 1 else "")


def names(people: Sequence[str], most: int = 10) -> str:
    """张三、李四等12名 — at most `most` names, then 等."""
    shown = "、".join(people[:most])
    return shown + ("等" if len(people) > most else "")
