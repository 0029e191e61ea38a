"""The translation catalogues (``make translations``): extract every sentence marked ``_()``,
``N_()`` or ``ngettext()`` in core/, cli/, ui/ and main.py into resources/locale/lotbook.pot,
merge it into each language's lotbook.po (new sentences empty, sentences no longer in the code
marked obsolete), and compile each .po into the .mo the app reads.

``--check`` changes nothing and exits 1 when the template or a compiled catalogue is not what the
code and the .po files give (the test suite runs it)."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
TEMPLATE = LOCALE / "lotbook.pot"
SOURCES = ("core", "cli", "ui")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LANGUAGES = ("de", "ko", "zh_CN")
HEADER = "Lotbook's sentences, in the languages it is offered in."


def extract() -> Catalog:
    catalog = Catalog(
        project="Lotbook", header_comment=f"# {HEADER}", copyright_holder="Lotbook", fuzzy=False
    )
    for folder in SOURCES:
        found = extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for filename, line, message, comments, context in found:
            catalog.add(
                message, locations=[(f"{folder}/{filename}", line)], auto_comments=comments,
                context=context,
            )  # fmt: skip
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _stable(data: bytes) -> bytes:
    """A .pot/.po without the lines that change at every run (creation and revision dates)."""
    return b"\n".join(
        line
        for line in data.splitlines()
        if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    )


def update(check: bool) -> list[str]:
    """What is not up to date (check) or what was written."""
    stale: list[str] = []
    template = extract()
    pot = _po_bytes(template)
    if not TEMPLATE.exists() or _stable(TEMPLATE.read_bytes()) != _stable(pot):
        stale.append(str(TEMPLATE.relative_to(ROOT)))
        if not check:
            LOCALE.mkdir(parents=True, exist_ok=True)
            TEMPLATE.write_bytes(pot)
    for code in LANGUAGES:
        folder = LOCALE / code / "LC_MESSAGES"
        po_path, mo_path = folder / "lotbook.po", folder / "lotbook.mo"
        if po_path.exists():
            with po_path.open("rb") as f:
                catalog = read_po(f, locale=code)
        else:
            catalog = Catalog(
                locale=code, project="Lotbook", copyright_holder="Lotbook", fuzzy=False
            )
        catalog.update(template, no_fuzzy_matching=True)
        po = _po_bytes(catalog)
        if not po_path.exists() or _stable(po_path.read_bytes()) != _stable(po):
            stale.append(str(po_path.relative_to(ROOT)))
            if not check:
                folder.mkdir(parents=True, exist_ok=True)
                po_path.write_bytes(po)
        # the .mo is what the .po as kept gives (its header dates included)
        kept = po_path.read_bytes() if po_path.exists() else po
        mo = _mo_bytes(read_po(io.BytesIO(kept), locale=code))
        if not mo_path.exists() or mo_path.read_bytes() != mo:
            stale.append(str(mo_path.relative_to(ROOT)))
            if not check:
                mo_path.write_bytes(mo)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = update(args.check)
    if args.check and stale:
        print("Not up to date (run `make translations`): " + ", ".join(stale), file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
