#!/usr/bin/env python3
"""CI gate for translations.

1. Every string marked in the code is in the catalogues (runs makemessages into a
   scratch copy and compares msgids; needs GNU gettext's xgettext).
2. Every English msgid has a translation that is not fuzzy (Chinese is the source
   language, so its catalogue may leave msgstr empty).
3. The committed .mo files say exactly what their .po files say.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "eoms" / "locale"
LANGS = ["en", "zh_Hans"]


def catalogue(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def msgids(po: polib.POFile) -> set[tuple[str, str]]:
    return {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}


def check_current() -> list[str]:
    if not shutil.which("xgettext"):
        return ["xgettext is missing: install gettext to check that catalogues are current"]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "eoms"
        shutil.copytree(ROOT / "eoms", copy, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "eoms.settings",
               "EOMS_DATA_DIR": tmp, "PYTHONPATH": str(ROOT)}
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "en", "-l", "zh_Hans",
             "--no-obsolete", "--add-location", "file", "-i", "static/*"],
            cwd=copy, env=env, check=True, capture_output=True)
        for lang in LANGS:
            fresh = msgids(polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / "django.po")))
            committed = msgids(polib.pofile(str(catalogue(lang))))
            missing = sorted(fresh - committed)
            if missing:
                problems.append(f"{lang}: {len(missing)} marked strings are not in django.po "
                                f"(run `make messages`), e.g. {missing[0][1]!r}")
    return problems


def check_translated() -> list[str]:
    po = polib.pofile(str(catalogue("en")))
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    if untranslated:
        return [f"en: {len(untranslated)} strings without an English translation, e.g. "
                f"{untranslated[0]!r}"]
    return []


def check_compiled() -> list[str]:
    problems = []
    for lang in LANGS:
        po = polib.pofile(str(catalogue(lang)))
        mo_path = catalogue(lang).with_suffix(".mo")
        if not mo_path.exists():
            problems.append(f"{lang}: django.mo is missing (run `make messages`)")
            continue
        with mo_path.open("rb") as fh:
            compiled = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        for entry in po.translated_entries():
            if entry.msgid_plural:
                continue
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            if compiled.get(key) != entry.msgstr:
                problems.append(f"{lang}: django.mo is older than django.po "
                                f"(run `make messages`): {entry.msgid!r}")
                break
    return problems


def main() -> int:
    problems = check_translated() + check_compiled() + check_current()
    for p in problems:
        print("translations:", p, file=sys.stderr)
    if not problems:
        print("translations: complete and current")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
