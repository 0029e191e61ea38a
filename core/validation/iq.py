"""Installation qualification: is what runs here what was built, on what, and where does it keep
its data? Each item states what was expected and what was observed."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path, PurePosixPath

from core.errors import DomainError
from core.i18n import _, ngettext
from core.validation.model import Item, Outcome, passed
from core.version import app_root, app_version

MANIFEST_NAME = "lotbook-manifest.json"
FONT_FILES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
)
SQLITE_MINIMUM = "3.31"  # generated columns (the audit trail's searchable fields)
SHOWN = 8  # file names listed in one observation before "and N more"


def default_manifest() -> Path | None:
    """The bundle manifest beside the frozen executable; None when running from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).parent / MANIFEST_NAME
    return None


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:SHOWN])
    if len(paths) <= SHOWN:
        return shown
    more = len(paths) - SHOWN
    return ngettext("{names} and {n} more", "{names} and {n} more", more).format(
        names=shown, n=more
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def check_bundle(manifest: Path | None) -> Item:
    """Every file the bundle manifest lists is present with the SHA-256 it was built with."""
    title = _("Installed files match the bundle manifest")
    expected = _("every listed file present with its SHA-256; manifest version = Lotbook version")
    clauses = ("11.10(a)", "A11-4", "A11-7")
    if manifest is None:
        observed = _("running from source (no bundle manifest)")
        return Item("IQ-01", title, expected, observed, Outcome.NOT_APPLICABLE, clauses)
    try:
        data = json.loads(manifest.read_text("utf-8"))
        files = data["files"]
        if not isinstance(files, dict) or not files:
            raise ValueError(_("no files listed"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        observed = _("{manifest}: manifest missing or unreadable ({error})").format(
            manifest=manifest, error=error
        )
        return Item("IQ-01", title, expected, observed, Outcome.FAIL, clauses)
    root = manifest.parent
    missing, changed, unsafe = [], [], []
    for name, digest in sorted(files.items()):
        parts = PurePosixPath(name).parts
        if PurePosixPath(name).is_absolute() or ".." in parts or not parts:
            unsafe.append(name)
            continue
        path = root.joinpath(*parts)
        if not path.is_file():
            missing.append(name)
        elif _sha256(path) != str(digest).lower():
            changed.append(name)
    listed = {PurePosixPath(n).as_posix() for n in files}
    extra = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p != manifest and p.relative_to(root).as_posix() not in listed
    )
    version = str(data.get("version", "?"))
    notes = [
        ngettext(  # the same English for one and many (as before)
            "{n} files checked in {root}; built {built}",
            "{n} files checked in {root}; built {built}",
            len(files),
        ).format(n=len(files), root=root, built=data.get("built_at", "?"))
    ]
    notes.append(_("manifest version {version}").format(version=version))
    if missing:
        notes.append(_("MISSING {n}: {names}").format(n=len(missing), names=_names(missing)))
    if changed:
        notes.append(_("CHANGED {n}: {names}").format(n=len(changed), names=_names(changed)))
    if unsafe:
        notes.append(_("paths outside the bundle: {names}").format(names=_names(unsafe)))
    if version != app_version():
        notes.append(_("VERSION differs from Lotbook {version}").format(version=app_version()))
    if extra:
        notes.append(_("not in the manifest (information): {names}").format(names=_names(extra)))
    ok = not (missing or changed or unsafe) and version == app_version()
    return Item("IQ-01", title, expected, "; ".join(notes), passed(ok), clauses)


# -- versions -----------------------------------------------------------------------------------


@cache
def _declared() -> tuple[str | None, dict[str, str]]:
    """requires-python and the dependency specifiers of pyproject.toml (when it is there)."""
    import tomllib

    try:
        with (app_root() / "pyproject.toml").open("rb") as handle:
            project = tomllib.load(handle)["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None, {}
    specs = {}
    for requirement in project.get("dependencies", []):
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
        if match:
            specs[match.group(1).lower()] = match.group(3).strip()
    return project.get("requires-python"), specs


def _numbers(version: str) -> tuple[int, ...]:
    found = re.match(r"^\s*(\d+(?:\.\d+)*)", version)
    return tuple(int(p) for p in found.group(1).split(".")) if found else ()


def satisfies(version: str, spec: str) -> bool:
    """Whether ``version`` meets a specifier such as "==5.1.0" or ">=48,<49" (numeric parts)."""
    have = _numbers(version)
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        match = re.match(r"^(==|!=|>=|<=|~=|>|<)\s*(.+)$", clause)
        if not match:
            return False
        op, want = match.group(1), _numbers(match.group(2))
        width = max(len(have), len(want))
        a, b = have + (0,) * (width - len(have)), want + (0,) * (width - len(want))
        ok = {
            "==": a == b,
            "!=": a != b,
            ">=": a >= b,
            "~=": a >= b,
            "<=": a <= b,
            ">": a > b,
            "<": a < b,
        }[op]
        if not ok:
            return False
    return True


def qt_version() -> str | None:
    """The Qt binding's version without loading Qt itself (metadata, else the package root)."""
    from importlib import import_module, metadata

    try:
        return metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        pass
    try:  # a frozen bundle may carry no metadata: the package root only, never QtWidgets
        return str(import_module("PySide6").__version__)
    except Exception:
        return None


def _package_version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def version_items() -> list[Item]:
    import sqlite3

    python_spec, specs = _declared()
    clauses = ("11.10(a)", "A11-4")
    items = []
    lotbook = app_version()
    items.append(
        Item(
            "IQ-02",
            _("Lotbook version"),
            _("a released version (from the build)"),
            f"Lotbook {lotbook}",
            passed(lotbook != "0+unknown"),
            clauses,
        )
    )
    python = platform.python_version()
    items.append(
        Item(
            "IQ-03",
            "Python",
            f"Python {python_spec}" if python_spec else _("recorded"),
            f"Python {python} ({platform.python_implementation()})",
            passed(satisfies(python, python_spec) if python_spec else True),
            clauses,
        )
    )
    components = (  # (id, the component, the title shown, its distribution, the version found)
        ("IQ-04", "Qt", "Qt (PySide6)", "pyside6-essentials", qt_version()),
        ("IQ-05", "SQLite", "SQLite", None, sqlite3.sqlite_version),
        (
            "IQ-06",
            "reportlab",
            _("reportlab (PDF reports)"),
            "reportlab",
            _package_version("reportlab"),
        ),
        ("IQ-07", "pyHanko", _("pyHanko (PDF seal)"), "pyhanko", _package_version("pyHanko")),
        (
            "IQ-08",
            "cryptography",
            "cryptography",
            "cryptography",
            _package_version("cryptography"),
        ),
    )
    for item_id, component, name, key, found in components:
        spec = f">={SQLITE_MINIMUM}" if key is None else specs.get(key, "")
        expected = f"{component} {spec}" if spec else _("present (recorded)")
        ok = found is not None and (satisfies(found, spec) if spec else True)
        observed = found or _("not available")
        items.append(Item(item_id, name, expected, observed, passed(ok), clauses))
    items.append(
        Item(
            "IQ-09",
            _("Operating system"),
            _("recorded"),
            platform.platform(),
            Outcome.PASS,
            clauses,
        )
    )
    items.append(
        Item(
            "IQ-10",
            _("Machine name"),
            _("recorded"),
            platform.node() or _("(unnamed)"),
            Outcome.PASS,
            clauses,
        )
    )
    return items


# -- where the data are ---------------------------------------------------------------------------


def _mode(path: Path) -> tuple[str, bool]:
    """The permission bits as octal text, and whether anyone may write (POSIX only)."""
    if os.name == "nt":
        return _("n/a on Windows (access by ACL)"), False
    mode = stat.S_IMODE(path.stat().st_mode)
    return f"{mode:04o}", bool(mode & stat.S_IWOTH)


def data_folder_item(folder: Path, site_db: Path | None) -> Item:
    title = _("Data folder")
    expected = _("exists, writable by Lotbook, not writable by everyone")
    clauses = ("11.10(c)", "A11-12")
    if not folder.is_dir():
        inside = site_db is not None and folder in site_db.resolve().parents
        if not inside:
            observed = _(
                "{folder} does not exist (the site database is kept elsewhere; nothing is stored "
                "there yet)"
            ).format(folder=folder)
            return Item("IQ-11", title, expected, observed, Outcome.NOT_APPLICABLE, clauses)
        observed = _("{folder} does not exist").format(folder=folder)
        return Item("IQ-11", title, expected, observed, Outcome.FAIL, clauses)
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".lotbook-iq-"):
            writable = True
    except OSError:
        writable = False
    mode, world = _mode(folder)
    notes = [str(folder), _("mode {mode}").format(mode=mode)]
    notes.append(_("writable") if writable else _("NOT writable"))
    if world:
        notes.append(_("WRITABLE BY EVERYONE"))
    observed = "; ".join(notes)
    return Item("IQ-11", title, expected, observed, passed(writable and not world), clauses)


def site_database_item(db) -> Item:
    from core.store.migrate import current_revision, head_revision

    head = head_revision()
    current = current_revision(db.engine)
    notes = [db.display_name, _("schema {revision}").format(revision=current)]
    world = False
    if db.path is not None and db.path.exists():
        mode, world = _mode(db.path)
        notes.append(_("file mode {mode}").format(mode=mode))
        if world:
            notes.append(_("WRITABLE BY EVERYONE"))
    return Item(
        "IQ-12",
        _("Site database"),
        _("reachable, schema {revision} (this version's), not writable by everyone").format(
            revision=head
        ),
        "; ".join(notes),
        passed(current == head and not world),
        ("11.10(c)", "A11-7"),
    )


# -- resources shipped with the app ----------------------------------------------------------------


def load_fonts() -> list[str]:
    """Each report font present and readable as a TrueType font; their names with a short hash."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    folder = app_root() / "resources" / "fonts"
    loaded = []
    for name in FONT_FILES:
        path = folder / name
        try:
            TTFontFile(str(path))
        except Exception as error:
            raise DomainError(
                _("The font {path} cannot be read ({error}).").format(path=path, error=error)
            ) from None
        loaded.append(f"{name} ({_sha256(path)[:12]})")
    return loaded


def load_templates() -> list[str]:
    """Every built-in process template loads and validates; their keys and versions."""
    from core.templates.loader import load_builtin_templates

    templates = load_builtin_templates()
    if not templates:
        raise DomainError(
            _("No process template found in {folder}.").format(
                folder=app_root() / "resources" / "templates"
            )
        )
    return [f"{t.key} v{t.version}" for t in templates]


def _resource_item(item_id: str, title: str, expected: str, load, clauses: tuple[str, ...]) -> Item:
    try:
        return Item(item_id, title, expected, "; ".join(load()), Outcome.PASS, clauses)
    except Exception as error:
        return Item(item_id, title, expected, str(error), Outcome.FAIL, clauses)


def run_iq(db, *, manifest: Path | None = None, frozen_default: bool = True) -> list[Item]:
    """The IQ items for the site database ``db``. ``manifest`` is the bundle manifest to check
    (by default the frozen bundle's, or none when running from source)."""
    from core.paths import data_dir

    if manifest is None and frozen_default:
        manifest = default_manifest()
    items = [check_bundle(manifest), *version_items()]
    items.append(data_folder_item(data_dir(), db.path))
    items.append(site_database_item(db))
    items.append(
        _resource_item(
            "IQ-13",
            _("Report fonts"),
            _("DejaVu Sans, Sans Bold, Sans Mono, Sans Mono Bold present and readable"),
            load_fonts,
            ("A11-8",),
        )
    )
    items.append(
        _resource_item(
            "IQ-14",
            _("Process templates"),
            _("every resources/templates/*.toml loads and validates"),
            load_templates,
            ("11.10(a)", "A11-4"),
        )
    )
    return items
