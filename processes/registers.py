"""Service-task handlers that keep the office's registers (ledgers).

The processes write the registers through these operators, inside the case's transaction; a
case never edits a register by hand. Each write is one entry's change, recorded with who, when
and which case (:meth:`engine.service_tasks.registry.ServiceContext.write_register`).

- ``passport_register`` (``action``: ``issue``, ``lend``, ``return`` or ``cancel``; ``number``;
  optional ``kind`` (``passport`` / ``hk_macao_permit``), ``holder``, ``holder_unit``,
  ``issued_on``, ``expires_on``, ``due_back_on``, ``lent_for``, ``on`` (the day it happened),
  ``member`` (the person, returned with ``document_no`` added so the return stage finds the number)).
  ``lend`` refuses a cancelled document and ``cancel`` one the ledger does not hold in custody
  (:class:`RegisterRefused`, its text in Chinese: the task goes to ERROR and the incident says why).
- ``passport_lookup`` (``number``; optional ``holder``) reads the ledger before a cancellation:
  ``{found, status, kind, holder, holder_unit, due_back_on, cancelled_on, refusal}`` where
  ``refusal`` is empty when the document may be cancelled, else why not (in Chinese, for the
  passport section: unknown, lent and not back, already cancelled, another holder).
- ``sister_city_register`` (``cities``: a list of ``{city, country, since}`` with optional
  ``relation`` (``sister`` / ``exchange``) and ``approving_document``, optional
  ``reviews``: ``[{city, level}]`` of the year's review, where a level other than ``dormant``
  counts as an exchange today) or (``city``, ``last_exchange_on``) for one exchange with a
  registered city (a partner the register does not know is left out).
- ``institution_register`` (``record_number``, ``name``, ``country``, optional ``unit``,
  ``status``, ``registered_on``, ``annual_reports``); ``cancelled_on`` is read from the case.
- outgoing documents are written by ``document_number`` and ``approval_letter``
  (:mod:`processes.handlers`) through :func:`document_numbered` and :func:`document_issued`.
"""
from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from engine.service_tasks.registry import ServiceContext

CHINA = timezone(timedelta(hours=8), "CST")
PASSPORT_KINDS = ("passport", "hk_macao_permit")
PASSPORT_ACTIONS = ("issue", "lend", "return", "cancel")
DOCUMENT_GENRES = ("approval", "reply", "notice", "request", "receipt", "invitation", "task_approval", "report")
"""批复, 复函, 通知, 请示, 回执, 邀请函, 任务批件 (ARCHITECTURE section 10), and 报告 (an incident's closing report)."""


class RegisterParamError(ValueError):
    """A register handler was called with unusable parameters (the task goes to ERROR)."""


class RegisterRefused(RegisterParamError):
    """The ledger forbids the change (lending a cancelled document); the text is for the office."""


KIND_ZH = {"passport": "因公护照", "hk_macao_permit": "往来港澳通行证"}


def _kind_zh(entry: dict[str, Any]) -> str:
    return KIND_ZH.get(str(entry.get("kind") or ""), "证照")


def cancel_refusal(entry: dict[str, Any] | None, holder: str = "") -> str:
    """Why the ledger's ``entry`` may not be cancelled ("" when it may): in Chinese, for the section."""
    if entry is None:
        return "登记簿中没有该号码的证照，请核对证照号码。"
    kind = _kind_zh(entry)
    if entry.get("status") == "cancelled":
        return f"该{kind}已于{entry.get('cancelled_on') or '—'}注销，无需再次注销。"
    if entry.get("status") == "lent":
        return (f"该{kind}已借出（持照人{entry.get('holder') or '—'}，应于{entry.get('due_back_on') or '—'}交回），"
                "须交回保管后再办理注销。")
    if holder and entry.get("holder") and entry["holder"] != holder:
        return f"登记簿所载持照人为{entry['holder']}，与所填持照人{holder}不符，请核对。"
    return ""


def _text(params: dict[str, Any], name: str, required: bool = False) -> str:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RegisterParamError(f"missing parameter {name!r}")
        return ""
    return str(value).strip()


def _day(value: Any) -> str | None:
    """An ISO date (the first ten characters of a date or date-time), or None."""
    text = str(value or "").strip()
    return text[:10] or None


def today(context: ServiceContext) -> str:
    return context.now().astimezone(CHINA).date().isoformat()


def passport_register(context: ServiceContext, params: dict[str, Any]) -> Any:
    action = _text(params, "action", required=True)
    if action not in PASSPORT_ACTIONS:
        raise RegisterParamError(f"action must be one of {', '.join(PASSPORT_ACTIONS)}, got {action!r}")
    number = _text(params, "number", required=True).upper()
    on = _day(params.get("on")) or today(context)
    values: dict[str, Any] = {}
    for name in ("holder", "holder_unit", "lent_for"):
        if _text(params, name):
            values[name] = _text(params, name)
    kind = _text(params, "kind")
    if kind:
        if kind not in PASSPORT_KINDS:
            raise RegisterParamError(f"kind must be one of {', '.join(PASSPORT_KINDS)}, got {kind!r}")
        values["kind"] = kind
    entry = context.read_register("passports", number) if action in ("lend", "cancel") else None
    if action == "lend" and entry is not None and entry.get("status") == "cancelled":
        raise RegisterRefused(f"{_kind_zh(entry)}（持照人{entry.get('holder') or '—'}）已于"
                              f"{entry.get('cancelled_on') or '—'}注销，不能再借出；请核对出访人员所持证照，"
                              "或为其重新办理。")
    if action == "cancel":
        refusal = cancel_refusal(entry)
        if refusal:
            raise RegisterRefused(refusal)
    if action == "issue":
        values.update(status="in_custody", issued_on=_day(params.get("issued_on")) or on,
                      expires_on=_day(params.get("expires_on")), cancelled_on=None)
        action_done = "issued"
    elif action == "lend":
        values.update(status="lent", lent_on=on, lent_instance_id=context.instance_id,
                      due_back_on=_day(params.get("due_back_on")), returned_on=None, reminded_on=None)
        action_done = "lent"
    elif action == "return":
        values.update(status="in_custody", returned_on=on)
        action_done = "returned"
    else:
        values.update(status="cancelled", cancelled_on=on)
        action_done = "cancelled"
    context.write_register("passports", number, values, action_done)
    member = params.get("member")
    if isinstance(member, dict):
        return dict(member, document_no=number)
    return number


def passport_lookup(context: ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    """The ledger's word on a document about to be cancelled (see the module's docstring)."""
    number = _text(params, "number", required=True).upper()
    entry = context.read_register("passports", number)
    found = {name: (entry or {}).get(name) or "" for name in
             ("status", "kind", "holder", "holder_unit", "due_back_on", "cancelled_on")}
    return dict(found, found=entry is not None, refusal=cancel_refusal(entry, _text(params, "holder")))


def sister_city_register(context: ServiceContext, params: dict[str, Any]) -> int:
    """Returns how many entries were written."""
    city = _text(params, "city")
    if city:
        written = context.write_register("sister_cities", city,
                                         {"last_exchange_on": _day(params.get("last_exchange_on")) or today(context)},
                                         "exchange", create=False)
        return 0 if written is None else 1
    cities = params.get("cities")
    if not isinstance(cities, list):
        raise RegisterParamError("give 'city' or a list 'cities'")
    levels = {str(r.get("city")): r.get("level") for r in params.get("reviews") or [] if isinstance(r, dict)}
    written = 0
    for c in cities:
        if not isinstance(c, dict) or not str(c.get("city") or "").strip():
            continue
        name = str(c["city"]).strip()
        values: dict[str, Any] = {"country": str(c.get("country") or "")}
        if c.get("relation") in ("sister", "exchange"):
            values["relation"] = c["relation"]
        if str(c.get("approving_document") or "").strip():
            values["approving_document"] = str(c["approving_document"]).strip()
        if c.get("since"):
            values["established_on"] = f"{int(c['since']):04d}-01-01"
        level = levels.get(name)
        if level is not None and level != "dormant":
            values["last_exchange_on"] = today(context)
        context.write_register("sister_cities", name, values, "reviewed" if level else "recorded")
        written += 1
    return written


def institution_register(context: ServiceContext, params: dict[str, Any]) -> int:
    number = _text(params, "record_number", required=True)
    values: dict[str, Any] = {"name": _text(params, "name", required=True), "country": _text(params, "country")}
    if _text(params, "unit"):
        values["unit"] = _text(params, "unit")
    status = _text(params, "status") or "active"
    values["status"] = "cancelled" if status == "cancelled" else "active"
    if params.get("registered_on"):
        values["registered_on"] = _day(params["registered_on"])
    if status == "cancelled":
        values["cancelled_on"] = _day(context.task_data().get("cancelled_on")) or today(context)
    reports = params.get("annual_reports")
    if isinstance(reports, list):
        values["annual_reports"] = [{"year": r.get("year"), "on": _day(r.get("on"))} for r in reports
                                    if isinstance(r, dict)]
    entry = context.write_register("institutions", number, values, status if status == "cancelled" else "recorded")
    return int(entry or 0)


def document_numbered(context: ServiceContext, number: str, genre: str = "") -> None:
    """A number was given out: the document enters the register with its day and case (and its
    genre when the model names it; a letter written later names its own)."""
    data = context.task_data()
    values = {"issued_on": today(context), "title": str(data.get("title") or "")}
    if genre:
        if genre not in DOCUMENT_GENRES:
            raise RegisterParamError(f"genre must be one of {', '.join(DOCUMENT_GENRES)}, got {genre!r}")
        values["genre"] = genre
    context.write_register("documents", number, values, "numbered")


def document_issued(context: ServiceContext, number: str, *, title: str, addressee: str, genre: str,
                    attachment_id: str) -> None:
    """The document was written: its genre, title, addressee and file."""
    if genre not in DOCUMENT_GENRES:
        raise RegisterParamError(f"genre must be one of {', '.join(DOCUMENT_GENRES)}, got {genre!r}")
    context.write_register("documents", number, {"genre": genre, "title": title, "addressee": addressee,
                                                 "attachment_id": attachment_id}, "issued")
