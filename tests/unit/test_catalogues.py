"""Every text the code and templates ask the catalogue for has a Chinese translation."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}  # as `make i18n-extract`


def used_message_ids() -> set[str]:
    with (ROOT / "webui" / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _c, _ctx in found}


def chinese_catalogue() -> dict[str, str]:
    path = ROOT / "webui" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po)
    return {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}


def test_every_message_id_in_code_and_templates_has_a_chinese_translation():
    missing = sorted(used_message_ids() - set(chinese_catalogue()))
    assert missing == [], "untranslated in zh_Hans_CN (run make i18n-extract, then translate):\n" + "\n".join(missing)


def test_the_extraction_finds_python_templates_and_lazy_texts():
    used = used_message_ids()
    assert {"Bad request", "Sign in", "There is no such task."} <= used
