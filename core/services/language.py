"""The language a person reads Lotbook in: their own choice (``user_setting``, set by themselves at
log-in or in their settings, audited "user.language"), else the site's (the ``language`` site
setting, core/services/settings.py), else English. What is stored never depends on it
(core/i18n.py)."""

from __future__ import annotations

from sqlmodel import Session, select

from core.auth import Actor
from core.auth.policy import read_policy
from core.errors import InvalidValue
from core.i18n import LANGUAGES, PSEUDO, SOURCE, _, language_of
from core.models import UserSetting
from core.records.accounts import acting_user
from core.store import Database

KEY = "language"


def offered() -> dict[str, str]:
    """The languages a person may choose, each in its own words."""
    return dict(LANGUAGES)


def checked_language(code: str) -> str:
    """``code`` as an offered language, or refused naming the offered ones."""
    found = language_of(code)
    if found is None or found == PSEUDO:
        shown = ", ".join(f"{c} ({name})" for c, name in LANGUAGES.items())
        raise InvalidValue(
            _("'{code}' is not a language Lotbook is offered in: {offered}.").format(
                code=code, offered=shown
            )
        )
    return found


def site_language(db: Database) -> str:
    with db.read() as session:
        return _site(session)


def site_reading(db: Database) -> tuple[str, str]:
    """The site's language and its decimal mark setting (auto | point | comma), read together
    when its database is opened."""
    with db.read() as session:
        policy = read_policy(session)
        return language_of(policy.language) or SOURCE, policy.decimal_mark


def _site(session: Session) -> str:
    return language_of(read_policy(session).language) or SOURCE


def user_language(db: Database, username: str) -> str:
    """The language ``username`` reads Lotbook in: their choice, else the site's."""
    with db.read() as session:
        row = session.get(UserSetting, (username, KEY))
        chosen = language_of(row.value) if row is not None else None
        return chosen or _site(session)


def chosen_languages(db: Database) -> dict[str, str]:
    """Every person's own choice (username → language), for the administrator's list."""
    with db.read() as session:
        rows = session.exec(select(UserSetting).where(UserSetting.key == KEY)).all()
        return {row.username: row.value for row in rows}


def set_user_language(db: Database, actor: Actor, code: str) -> str:
    """``actor`` chooses the language they read Lotbook in (their own, nobody else's)."""
    language = checked_language(code)
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor)
        row = uow.session.get(UserSetting, (actor.username, KEY))
        before = row.value if row is not None else None
        if before == language:
            return language
        if row is None:
            uow.session.add(UserSetting(username=actor.username, key=KEY, value=language))
        else:
            row.value = language
            uow.session.add(row)
        uow.audit(
            "user.language",
            "user_setting",
            f"{actor.username}:{KEY}",
            old={KEY: before},
            new={KEY: language},
        )
    return language
