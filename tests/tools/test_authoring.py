"""The generator in tools/authoring and bpmn_models/ agree: regenerating changes nothing."""
from __future__ import annotations

from pathlib import Path

from tools.authoring.build import write_all

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "bpmn_models"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_regenerating_the_models_changes_no_byte_of_bpmn_models(tmp_path):
    written = write_all(tmp_path)
    generated, committed = _files(tmp_path), _files(MODELS)
    assert len(written) == len(generated)
    assert sorted(generated) == sorted(committed), "files only one side has (make models, then commit)"
    changed = [name for name in generated if generated[name] != committed[name]]
    assert changed == [], f"bpmn_models/ differs from the generator in {changed} (make models, then commit)"


def test_the_generator_is_not_part_of_the_installed_package():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not [pattern for pattern in included if pattern.startswith("tools")]
    assert not (ROOT / "processes" / "authoring").exists()
