"""Catalogue texts handed to a page's JavaScript."""
from __future__ import annotations

import json

from flask_babel import lazy_gettext

from webui.i18n import js_messages, speaking

TEXTS = {"sign_in": lazy_gettext("Sign in"), "closing": "</script><b>"}


def test_texts_for_scripts_are_worded_in_the_language_asked_for():
    with speaking("zh_CN"):
        chinese = json.loads(js_messages(TEXTS))
    with speaking("en"):
        english = json.loads(js_messages(TEXTS))
    assert chinese["sign_in"] == "登录" and english["sign_in"] == "Sign in"


def test_texts_for_scripts_cannot_close_the_script_element():
    with speaking("en"):
        rendered = str(js_messages(TEXTS))
    assert "</script>" not in rendered and json.loads(rendered)["closing"] == "</script><b>"
