"""The import profiles a site has: the built-in ones and the TOML ones (resources/profiles and
any folders a site adds), looked up by name or by recognising a file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from core.errors import NotFound
from core.i18n import _
from core.instruments.bioreactor import BioreactorLog
from core.instruments.generic import ProfileInvalid, load_profile
from core.instruments.model import InstrumentFileInvalid, Profile
from core.instruments.nucleoview import NucleoViewNC200
from core.instruments.vicell import ViCellBlu
from core.version import app_root


def builtin_profiles() -> list[Profile]:
    return [ViCellBlu(), NucleoViewNC200(), BioreactorLog()]


def profiles_folder() -> Path:
    """Where the TOML profiles shipped with Lotbook are."""
    return app_root() / "resources" / "profiles"


def load_profiles(extra_dirs: Iterable[Path] = ()) -> list[Profile]:
    """Built-ins, then every ``*.toml`` in resources/profiles and in ``extra_dirs`` (name order).

    A folder that does not exist holds no profiles. A malformed profile, or a name used twice,
    raises: a site must not import with a profile other than the one it wrote.
    """
    profiles = builtin_profiles()
    where: dict[str, str | None] = {profile.name: None for profile in profiles}  # None: built in
    for folder in [profiles_folder(), *(Path(d) for d in extra_dirs)]:
        if not folder.exists():
            continue
        if not folder.is_dir():
            raise NotFound(
                _("The profile folder {folder} is a file, not a folder.").format(folder=folder)
            )
        for path in sorted(folder.glob("*.toml")):
            profile = load_profile(path)
            if profile.name in where:
                raise ProfileInvalid(
                    str(path),
                    None,
                    _(
                        "the name {name} is already used ({where}); give this profile another name."
                    ).format(name=profile.name, where=where[profile.name] or _("built in")),
                )
            where[profile.name] = str(path)
            profiles.append(profile)
    return profiles


def find(profiles: Sequence[Profile], name: str) -> Profile:
    for profile in profiles:
        if profile.name == name.strip():
            return profile
    raise NotFound(
        _("No import profile is named '{name}'. Profiles: {profiles}.").format(
            name=name, profiles=", ".join(p.name for p in profiles)
        )
    )


def recognise(profiles: Sequence[Profile], text: str, file: str | None = None) -> Profile:
    """The one profile that recognises ``text`` (decoded); none or several is a refusal asking
    for the profile by name (``file``: its name in the refusal, "This file" without one)."""
    matches = [profile for profile in profiles if _recognises(profile, text)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(p.name for p in profiles)
    if not matches:
        reason = _(
            "no import profile recognises this file (profiles: {names}): ask an administrator "
            "to add one for this instrument's export."
        ).format(names=names)
        hint = _("If one of them fits, name it with --profile.")
    else:
        reason = _(
            "several import profiles recognise this file "
            "({names}), so it cannot be told which one reads it: "
            "ask an administrator to make them tell it apart."
        ).format(names=", ".join(p.name for p in matches))
        hint = _("Name the right one with --profile.")
    shown = file if file is not None else _("This file")
    raise InstrumentFileInvalid(shown, None, reason, cli_hint=hint)


def _recognises(profile: Profile, text: str) -> bool:
    try:
        return bool(profile.recognises(text))
    except Exception:  # a profile's guess must never stop the others from being asked
        return False
