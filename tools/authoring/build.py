"""Write ``bpmn_models/`` from the model descriptions: ``python -m tools.authoring.build [DIR]``.

``make models`` runs it into ``bpmn_models/``. The generator and ``bpmn_models/`` agree byte for
byte (tests/tools/test_authoring.py regenerates into a temporary folder and compares): change a
model here, regenerate, and commit both; ``--only KEY`` writes one process and its forms.
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from . import (
    models_abroad,
    models_coordination,
    models_passport,
    models_press,
    models_reception,
    models_sister,
    models_study,
)
from .bpmn_xml import to_xml
from .common_forms import FORMS as COMMON_FORMS
from .dmn import approval_authority_xml
from .dsl import ProcessModel
from .forms import Form

SHARED = {"passport_visa_handling"}
ModelFn = Callable[[], tuple[ProcessModel, tuple[Form, ...]]]


def model_functions() -> tuple[ModelFn, ...]:
    return (models_abroad.MODELS + models_reception.MODELS + models_sister.MODELS + models_study.MODELS
            + models_press.MODELS + models_coordination.MODELS + models_passport.MODELS)


def all_models() -> tuple[list[ProcessModel], list[Form]]:
    models: list[ProcessModel] = []
    forms: list[Form] = list(COMMON_FORMS)
    for fn in model_functions():
        m, fs = fn()
        models.append(m)
        forms.extend(fs)
    names = [f.name for f in forms]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"forms defined twice: {sorted(dupes)}")
    return models, forms


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def write_all(out: Path, only: Iterable[str] | None = None) -> list[Path]:
    models, forms = all_models()
    only = set(only or ())
    written: list[Path] = []
    (out / "shared").mkdir(parents=True, exist_ok=True)
    (out / "forms").mkdir(parents=True, exist_ok=True)
    for m in models:
        if only and m.key not in only:
            continue
        path = out / ("shared" if m.key in SHARED else "") / f"{m.key}.bpmn"
        path.write_text(to_xml(m), encoding="utf-8")
        written.append(path)
    if not only or "approval_authority" in only:
        path = out / "shared" / "approval_authority.dmn"
        path.write_text(approval_authority_xml(), encoding="utf-8")
        written.append(path)
    for f in forms:
        if only and not any(f.name.startswith(k + ".") for k in only):
            continue
        for suffix, doc in ((".schema.json", f.schema()), (".uischema.json", f.ui_schema())):
            path = out / "forms" / f"{f.name}{suffix}"
            path.write_text(_dump(doc), encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", nargs="?", default="bpmn_models")
    ap.add_argument("--only", action="append", help="process key (repeatable)")
    args = ap.parse_args(argv)
    for p in write_all(Path(args.out), args.only):
        print(p)


if __name__ == "__main__":
    main()
