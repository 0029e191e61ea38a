"""The import profiles a site has: the built-in ones and the TOML ones (resources/profiles and
any folders a site adds), looked up by name or by recognising a file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from core.errors import NotFound
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
    where = {profile.name: "built in" for profile in profiles}
    for folder in [profiles_folder(), *(Path(d) for d in extra_dirs)]:
        if not folder.exists():
            continue
        if not folder.is_dir():
            raise NotFound(f"The profile folder {folder} is a file, not a folder.")
        for path in sorted(folder.glob("*.toml")):
            profile = load_profile(path)
            if profile.name in where:
                raise ProfileInvalid(
                    str(path),
                    None,
                    f"the name {profile.name} is already used ({where[profile.name]}); "
                    "give this profile another name.",
                )
            where[profile.name] = str(path)
            profiles.append(profile)
    return profiles


def find(profiles: Sequence[Profile], name: str) -> Profile:
    for profile in profiles:
        if profile.name == name.strip():
            return profile
    raise NotFound(
        f"No import profile is named '{name}'. Profiles: {', '.join(p.name for p in profiles)}."
    )


def recognise(profiles: Sequence[Profile], text: str, file: str = "This file") -> Profile:
    """The one profile that recognises ``text`` (decoded); none or several is a refusal asking
    for the profile by name."""
    matches = [profile for profile in profiles if _recognises(profile, text)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(p.name for p in profiles)
    if not matches:
        reason = (
            f"no import profile recognises this file (profiles: {names}): ask an administrator "
            "to add one for this instrument's export."
        )
        hint = "If one of them fits, name it with --profile."
    else:
        reason = (
            f"several import profiles recognise this file "
            f"({', '.join(p.name for p in matches)}), so it cannot be told which one reads it: "
            "ask an administrator to make them tell it apart."
        )
        hint = "Name the right one with --profile."
    raise InstrumentFileInvalid(file, None, reason, cli_hint=hint)


def _recognises(profile: Profile, text: str) -> bool:
    try:
        return bool(profile.recognises(text))
    except Exception:  # a profile's guess must never stop the others from being asked
        return False
