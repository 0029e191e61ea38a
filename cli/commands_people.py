"""init, user ... : the site and its people."""

from __future__ import annotations

from cli import credentials
from cli.context import acting, db_url, open_db
from cli.output import emit_json, info, table
from core.auth.roles import role_words
from core.i18n import _
from core.services import users
from core.services.site import init_site


def cmd_init(args) -> int:
    password = credentials.password(args, _("Password for the new administrator: "))
    db = init_site(db_url(args), args.admin, args.full_name, password, time_zone=args.timezone)
    info(
        _("Created {database} with administrator '{admin}'.").format(
            database=db.display_name, admin=args.admin.strip().lower()
        )
    )
    db.dispose()
    return 0


def cmd_user_add(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    initial = credentials.new_password(_("Initial password for {name}: ").format(name=args.name))
    view = users.create_user(db, admin, args.name, args.full_name, args.role, initial)
    info(
        _("Added {user} ({name}, {role}); they choose their own password at first log-in.").format(
            user=view.username, name=view.full_name, role=role_words(view.role)
        )
    )
    return 0


def cmd_user_deactivate(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    view = users.deactivate_user(db, admin, args.name, args.reason)
    info(
        _("Deactivated {user}. The account and its records stay; the name is never reused.").format(
            user=view.username
        )
    )
    return 0


def cmd_user_unlock(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    view = users.unlock_user(db, admin, args.name, args.reason)
    info(_("Unlocked {user}.").format(user=view.username))
    return 0


def cmd_user_reset(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    initial = credentials.new_password(
        _("New initial password for {name}: ").format(name=args.name)
    )
    view = users.reset_password(db, admin, args.name, initial, args.reason)
    info(
        _("Reset the password of {user}; they must choose a new one at next log-in.").format(
            user=view.username
        )
    )
    return 0


def cmd_user_passwd(args) -> int:
    db = open_db(args)
    current = credentials.password(args, _("Current password: "))
    new = credentials.new_password()
    view = users.change_password(db, args.user, current, new)
    info(_("Password of {user} changed.").format(user=view.username))
    return 0


def cmd_user_list(args) -> int:
    views = users.list_users(open_db(args))
    if args.json:
        emit_json(views)
        return 0
    rows = [
        (
            v.username,
            v.full_name,
            role_words(v.role),
            _("active") if v.active else _("deactivated"),
            _("locked") if v.locked else "",
            _("initial password") if v.must_change_password else "",
        )
        for v in views
    ]
    headers = (_("USERNAME"), _("FULL NAME"), _("ROLE"), _("STATUS"), _("LOCK"), _("PASSWORD"))
    table(headers, rows)
    return 0


def cmd_settings_show(args) -> int:
    from core.services.settings import MEANINGS, show_policy

    policy = show_policy(open_db(args))
    if args.json:
        emit_json(policy)
        return 0
    rows = [(key, getattr(policy, key) or "—", _(meaning)) for key, meaning in MEANINGS.items()]
    table((_("SETTING"), _("VALUE"), _("MEANING")), rows)
    return 0


def cmd_settings_set(args) -> int:
    from core.services.settings import set_setting

    db = open_db(args)
    admin = acting(db, args)
    set_setting(db, admin, args.key, args.value, args.reason)
    info(_("{setting} is now {value}.").format(setting=args.key, value=args.value))
    return 0
