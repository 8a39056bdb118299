"""Languages: Flask-Babel with the ``zh_Hans_CN`` and ``en`` catalogues, and local times.

The UI language is ``zh_CN`` or ``en`` (what users choose and ``User.locale`` stores); Babel's
catalogue for Chinese lives in ``translations/zh_Hans_CN`` (a ``zh_CN`` folder is never loaded).
Every text a person reads comes from these catalogues (``gettext``/``lazy_gettext`` in Python,
``_()`` in templates); ``make translations`` compiles them (``pybabel compile``), ``make
i18n-extract`` extracts new message ids into them. :func:`localized_value` only chooses between values that
the data itself holds in both languages (process titles, unit names), never for the UI's own text.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from flask import Flask, current_app, g, request, session
from flask_babel import Babel, force_locale, format_date, format_datetime
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

TRANSLATIONS = Path(__file__).parent / "translations"
LANGS = ("zh_CN", "en")
BABEL_LOCALE = {"zh_CN": "zh_Hans_CN", "en": "en"}
USER_LOCALE, REMEMBER_LOCALE = "fao_user_locale", "fao_remember_locale"


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
        lang = normalise(current_app.extensions[USER_LOCALE]())
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
    current_app.extensions[REMEMBER_LOCALE](lang)


def local_dt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Format an aware datetime in the office time zone (Babel pattern)."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value, "yyyy-MM-dd")


def localized_value(zh: str | None, en: str | None) -> str:
    """Of a value the data holds in both languages, the one for the UI language (else the other)."""
    if ui_lang() == "en":
        return en or zh or ""
    return zh or en or ""


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Words from the catalogues outside a request (the CLI): an app context in ``lang``.

    Args:
        lang: A UI language (``zh_CN``, ``en``); anything else speaks Chinese.
    """
    app = Flask("fao_words")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app)
    with app.app_context(), force_locale(BABEL_LOCALE[normalise(lang) or "zh_CN"]):
        yield


def js_messages(texts: Mapping[str, object]) -> Markup:
    """Catalogue texts for a page's JavaScript: a JSON object, safe inside ``<script>``.

    Keep the message ids in Python with ``lazy_gettext`` (so ``make i18n-extract`` finds them) and
    hand the dict to the template; each is put into words in the request's language::

        EDITOR_TEXTS = {"deploy": lazy_gettext("Deploy"), "saved": lazy_gettext("Saved.")}
        <script id="texts" type="application/json">{{ js_messages(texts) }}</script>
        const TEXTS = JSON.parse(document.getElementById("texts").textContent);

    Args:
        texts: Keys the script uses, mapped to (lazy) catalogue texts.

    Returns:
        ``{"deploy": "发布", ...}`` as markup.
    """
    return htmlsafe_json_dumps({key: str(text) for key, text in texts.items()})


def init_app(app: Flask, user_locale: Callable[[], str | None],
             remember_locale: Callable[[str], None]) -> None:
    """Attach Flask-Babel, the language of each request and the template helpers.

    Args:
        app: The application.
        user_locale: The language the signed-in user chose, if any.
        remember_locale: Stores a language the signed-in user chose.
    """
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("FAO_TIMEZONE", "Asia/Shanghai"))
    app.extensions[USER_LOCALE], app.extensions[REMEMBER_LOCALE] = user_locale, remember_locale
    Babel(app, locale_selector=_locale_selector)
    app.before_request(_remember_choice)
    app.jinja_env.filters["local_dt"] = local_dt
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals["ui_lang"] = ui_lang
    app.jinja_env.globals["localized_value"] = localized_value
    app.jinja_env.globals["js_messages"] = js_messages
