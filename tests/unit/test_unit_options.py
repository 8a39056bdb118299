"""Forms that choose units (``"x-options": "units"``) and the ``unit_directory`` service task."""
from __future__ import annotations

import pytest

from engine.forms.options import UnitChoice, uses_unit_options, with_unit_options
from engine.forms.validation import check_schema, validate_form
from processes.handlers import HandlerError, unit_directory
from webui.formview import kind_of, options_of

UNITS = [UnitChoice("commerce", "市商务局", "Municipal Bureau of Commerce"), UnitChoice("education", "市教育局")]
FORM = {"type": "object", "required": ["consulted"], "properties": {
    "title": {"type": "string"},
    "consulted": {"type": "array", "minItems": 1, "uniqueItems": True,
                  "items": {"type": "string", "x-options": "units"}},
    "lead": {"type": "string", "x-options": "units"}}}


def test_a_form_that_names_no_unit_choices_is_left_as_it_is():
    plain = {"type": "object", "properties": {"title": {"type": "string"}}}
    assert not uses_unit_options(plain) and with_unit_options(plain, UNITS) is plain


def test_the_units_become_the_choices_by_key_with_their_names():
    assert check_schema(FORM) == []  # a valid schema before the choices are filled in
    resolved = with_unit_options(FORM, UNITS)
    items = resolved["properties"]["consulted"]["items"]
    assert items["enum"] == ["commerce", "education"] and items["enumNames"] == ["市商务局", "市教育局"]
    assert items["enumNames_en"] == ["Municipal Bureau of Commerce", "市教育局"]  # no English name: the Chinese
    assert resolved["properties"]["lead"]["enum"] == ["commerce", "education"]
    assert "enum" not in FORM["properties"]["lead"]  # the deployed form is not changed
    # a list of units is ticked, by name in the reader's language
    consulted, consulted_ui = resolved["properties"]["consulted"], {}
    assert kind_of(consulted, consulted_ui) == "multi"
    assert options_of(consulted, consulted_ui, "en")[0] == ("commerce", "Municipal Bureau of Commerce")


def test_only_the_keys_of_the_units_validate_each_once():
    resolved = with_unit_options(FORM, UNITS)
    assert validate_form(resolved, {"consulted": ["commerce", "education"]}) == []
    assert [e["field"] for e in validate_form(resolved, {"consulted": ["commerce", "市教育局"]})] == ["consulted.1"]
    assert [e["reason"] for e in validate_form(resolved, {"consulted": ["commerce", "commerce"]})] == ["uniqueItems"]
    nothing = with_unit_options(FORM, [])  # no unit in the system: no choice validates
    assert [e["field"] for e in validate_form(nothing, {"consulted": ["commerce"]})] == ["consulted.0"]


class Directory:
    """A service context that knows two units."""

    NAMES = {"commerce": ("市商务局", "Municipal Bureau of Commerce"), "education": ("市教育局", None)}

    def unit_names(self, key: str) -> tuple[str, str | None] | None:
        return self.NAMES.get(key)


def test_the_unit_directory_gives_each_named_unit_once_with_its_names():
    found = unit_directory(Directory(), {"units": ["education", "commerce", "education"]})  # type: ignore[arg-type]
    assert found == [{"key": "education", "name": "市教育局", "name_en": "市教育局"},
                     {"key": "commerce", "name": "市商务局", "name_en": "Municipal Bureau of Commerce"}]
    assert unit_directory(Directory(), {"units": []}) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("units", [["commerce", "tourism"], None, [3]])
def test_the_unit_directory_refuses_what_is_no_unit(units):
    with pytest.raises(HandlerError):
        unit_directory(Directory(), {"units": units})  # type: ignore[arg-type]
