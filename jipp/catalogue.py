"""The Indonesian catalogue: compile it without GNU gettext, and check it is complete.

python -m jipp.catalogue compile   # locale/*/LC_MESSAGES/django.po -> .mo
python -m jipp.catalogue check     # exit 1 on an untranslated or fuzzy entry
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def problems(path: Path) -> list[str]:
    """Every entry a reader would see in English: untranslated, fuzzy, or half-done plurals."""
    found = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                found.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            found.append(f"untranslated: {entry.msgid!r}")
    return found


def compile_all() -> None:
    for path in catalogues():
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


def main(argv: list[str]) -> int:
    if argv == ["compile"]:
        compile_all()
        return 0
    if argv == ["check"]:
        failures = [f"{path}: {p}" for path in catalogues() for p in problems(path)]
        print("\n".join(failures) or "catalogue complete")
        return 1 if failures else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
