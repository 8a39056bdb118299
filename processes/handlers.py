"""Service-task handlers of the office's models: document numbers, approval letters, notices.

Operators (``spiffworkflow:serviceTaskOperator id=...``):

- ``document_number`` (``category``: one character such as "审", "接", "护", "友", "新", "备";
  optional ``genre`` for the document register, e.g. "notice", "report") returns e.g.
  "衡外审〔2026〕12号"; the number comes from ``context.next_sequence`` (no gaps, no duplicates
  per category and year, the year in China Standard Time) and enters the document register.
- ``approval_letter`` (``doc_number``, ``title``, ``body``; optional ``decision``, ``applicant``,
  ``recipient``) renders a PDF letter with an embedded Chinese font, stores it as an attachment
  and returns the attachment id.
- The registers' operators (``passport_register``, ``passport_lookup``, ``sister_city_register``,
  ``institution_register``) are in :mod:`processes.registers`; ``document_number`` and
  ``approval_letter`` write the outgoing-document register.
- ``notify_applicant`` (``message_zh``, optional ``message_en``) leaves a notification for the
  user who started the instance; returns True, or False when nobody started it.
- ``unit_directory`` (``units``: a list of unit keys, as a form with ``"x-options": "units"``
  gives them) returns ``[{"key", "name", "name_en"}]`` in the order given (a key named twice
  once), each unit's names as they are now: a model addresses the units' members with
  ``lane_owners`` built from the keys (docs/units.md) and writes the names into what it collects.
  A key that is no unit's is an error (the task goes to ERROR: a supervisor corrects the keys and
  retries).
"""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine.service_tasks.registry import HandlerRegistry, ServiceContext
from processes.registers import (
    document_issued,
    document_numbered,
    institution_register,
    passport_lookup,
    passport_register,
    sister_city_register,
)

CHINA = timezone(timedelta(hours=8), "CST")
ISSUER = "衡阳市人民政府外事办公室"
ISSUER_EN = "Foreign Affairs Office of the Hengyang Municipal People's Government"
FONT_ENV = "FAO_CJK_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
DECISION_ZH = {"approve": "同意", "reject": "不同意", "revise": "退回修改"}


class HandlerError(ValueError):
    """A handler was called with unusable parameters (the task goes to ERROR with this text)."""


def _param(params: dict[str, Any], name: str, required: bool = True) -> str:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise HandlerError(f"missing parameter {name!r}")
        return ""
    return str(value)


def document_number(context: ServiceContext, params: dict[str, Any]) -> str:
    category = _param(params, "category").strip()
    if len(category) != 1:
        raise HandlerError(f"category must be one character, got {category!r}")
    year = context.now().astimezone(CHINA).year
    seq = context.next_sequence(category, year)
    number = f"衡外{category}〔{year}〕{seq}号"
    document_numbered(context, number, _param(params, "genre", required=False))
    return number


@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """Path of a font that covers Chinese: $FAO_CJK_FONT, known Debian paths, then a search."""
    env = os.environ.get(FONT_ENV)
    if env and Path(env).is_file():
        return env
    for c in FONT_CANDIDATES:
        if Path(c).is_file():
            return c
    for root in ("/usr/share/fonts", "/usr/local/share/fonts"):
        base = Path(root)
        if base.is_dir():
            for p in sorted(base.rglob("*")):
                n = p.name.lower()
                if p.suffix.lower() in (".ttc", ".ttf", ".otf") and any(k in n for k in ("wqy", "cjk", "hei", "song")):
                    return str(p)
    return None


def render_letter(doc_number: str, title: str, body: str, *, recipient: str = "", decision: str = "",
                  issued_on: datetime | None = None) -> bytes:
    """The approval letter as PDF bytes (A4, the CJK font embedded)."""
    from fpdf import FPDF  # imported here: no work at import time

    font = find_cjk_font()
    if font is None:
        raise HandlerError("no Chinese font found; set FAO_CJK_FONT to a .ttf/.ttc file")
    issued = (issued_on or datetime.now(UTC)).astimezone(CHINA)
    pdf = FPDF(format="A4")
    pdf.set_title(f"{doc_number} {title}")
    pdf.set_creator(ISSUER_EN)
    pdf.set_margins(25, 30, 25)
    pdf.add_page()
    pdf.add_font("cjk", "", font)  # fpdf2 reads the first face of a .ttc through fontTools
    pdf.set_text_color(200, 0, 0)
    pdf.set_font("cjk", size=22)
    pdf.cell(0, 14, ISSUER, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(200, 0, 0)
    pdf.set_line_width(0.8)
    y = pdf.get_y() + 2
    pdf.line(25, y, 185, y)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, doc_number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, f"关于《{title}》的批复", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    if recipient:
        pdf.multi_cell(0, 8, f"{recipient}：", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, "　　" + body, new_x="LMARGIN", new_y="NEXT")
    if decision:
        pdf.ln(2)
        pdf.multi_cell(0, 8, f"　　审批结论：{DECISION_ZH.get(decision, decision)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(16)
    pdf.cell(0, 8, ISSUER, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"{issued.year}年{issued.month}月{issued.day}日", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def approval_letter(context: ServiceContext, params: dict[str, Any]) -> str:
    doc_number = _param(params, "doc_number")
    title = _param(params, "title")
    body = _param(params, "body", required=False) or f"经审查，同意《{title}》。"
    recipient = _param(params, "recipient", required=False)
    if not recipient:
        recipient = str(context.task_data().get("unit_name") or "")
    content = render_letter(doc_number, title, body, recipient=recipient,
                            decision=_param(params, "decision", required=False), issued_on=context.now())
    safe = "".join(ch for ch in doc_number if ch not in '/\\:*?"<>|')
    attachment_id = context.store_attachment(f"{safe}.pdf", "application/pdf", content)
    document_issued(context, doc_number, title=title, addressee=recipient,
                    genre=_param(params, "genre", required=False) or "approval", attachment_id=attachment_id)
    return attachment_id


def notify_applicant(context: ServiceContext, params: dict[str, Any]) -> bool:
    message = _param(params, "message_zh")
    message_en = _param(params, "message_en", required=False) or None
    if not context.started_by:
        return False
    context.notify(context.started_by, message, message_en)
    return True


def unit_directory(context: ServiceContext, params: dict[str, Any]) -> list[dict[str, Any]]:
    keys = params.get("units")
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise HandlerError("parameter 'units' must be a list of unit keys")
    out = []
    for key in dict.fromkeys(k.strip() for k in keys if k.strip()):
        names = context.unit_names(key)
        if names is None:
            raise HandlerError(f"there is no unit {key!r}")
        out.append({"key": key, "name": names[0], "name_en": names[1] or names[0]})
    return out


def build_handler_registry() -> HandlerRegistry:
    """The registry with the office's operators."""
    return (HandlerRegistry()
            .with_handler("document_number", document_number)
            .with_handler("approval_letter", approval_letter)
            .with_handler("notify_applicant", notify_applicant)
            .with_handler("passport_register", passport_register)
            .with_handler("passport_lookup", passport_lookup)
            .with_handler("sister_city_register", sister_city_register)
            .with_handler("institution_register", institution_register)
            .with_handler("unit_directory", unit_directory))
