"""Languages: Flask-Babel with the ``zh_Hans_CN`` and ``en`` catalogues, and local times.

The UI language is ``zh_CN`` or ``en`` (what users choose and ``User.locale`` stores); Babel's
catalogue for Chinese lives in ``translations/zh_Hans_CN`` (a ``zh_CN`` folder is never loaded).
Catalogues are compiled from ``.po`` to ``.mo`` at start when the ``.mo`` is missing or older.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, g, request, session
from flask_babel import Babel, format_date, format_datetime

TRANSLATIONS = Path(__file__).parent / "translations"
LANGS = ("zh_CN", "en")
BABEL_LOCALE = {"zh_CN": "zh_Hans_CN", "en": "en"}


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every ``messages.po`` whose ``.mo`` is missing or older.

    Args:
        directory: the translations folder.

    Returns:
        The ``.mo`` files written.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written


def normalise(lang: str | None) -> str | None:
    """Map ``zh_CN``/``zh-CN``/``zh``/``en``/``en_US`` to a UI language, else None."""
    if not lang:
        return None
    lang = lang.replace("-", "_")
    if lang.lower().startswith("zh"):
        return "zh_CN"
    if lang.lower().startswith("en"):
        return "en"
    return None


def ui_lang() -> str:
    """The UI language of this request: ``?lang=``, the user's choice, the session, the default."""
    if "fao_lang" in g:
        return g.fao_lang
    lang = normalise(request.args.get("lang")) if request else None
    if lang is None:
        from webui.security import current_user_locale

        lang = normalise(current_user_locale())
    if lang is None and request:
        lang = normalise(session.get("lang"))
    lang = lang or normalise(current_app.config.get("FAO_DEFAULT_LOCALE")) or "zh_CN"
    g.fao_lang = lang
    return lang


def _locale_selector() -> str:
    return BABEL_LOCALE[ui_lang()]


def _remember_choice() -> None:
    """``?lang=`` switches the language and keeps it: in the session and on the user."""
    lang = normalise(request.args.get("lang"))
    if lang is None:
        return
    session["lang"] = lang
    from webui.security import remember_locale

    remember_locale(lang)


def local_dt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Format an aware datetime in the office time zone (Babel pattern)."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def local_date(value) -> str:
    if value is None:
        return ""
    return format_date(value, "yyyy-MM-dd")


def pick(zh: str | None, en: str | None) -> str:
    """The text for the UI language, falling back to the other one."""
    if ui_lang() == "en":
        return en or zh or ""
    return zh or en or ""


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("FAO_TIMEZONE", "Asia/Shanghai"))
    try:
        compile_catalogues()
    except OSError:  # a read-only install ships its .mo files
        app.logger.warning("could not compile the translation catalogues")
    Babel(app, locale_selector=_locale_selector)
    app.before_request(_remember_choice)
    app.jinja_env.filters["local_dt"] = local_dt
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals["ui_lang"] = ui_lang
    app.jinja_env.globals["pick"] = pick
