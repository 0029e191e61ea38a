"""init, user ... : the site and its people."""

from __future__ import annotations

from cli import credentials
from cli.context import acting, db_url, open_db
from cli.output import emit_json, info, table
from core.services import users
from core.services.site import init_site


def cmd_init(args) -> int:
    password = credentials.password(args, "Password for the new administrator: ")
    db = init_site(db_url(args), args.admin, args.full_name, password, time_zone=args.timezone)
    info(f"Created {db.display_name} with administrator '{args.admin.strip().lower()}'.")
    db.dispose()
    return 0


def cmd_user_add(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    initial = credentials.new_password(f"Initial password for {args.name}: ")
    view = users.create_user(db, admin, args.name, args.full_name, args.role, initial)
    info(
        f"Added {view.username} ({view.full_name}, {view.role}); they choose their own password "
        "at first log-in."
    )
    return 0


def cmd_user_deactivate(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    view = users.deactivate_user(db, admin, args.name, args.reason)
    info(
        f"Deactivated {view.username}. The account and its records stay; the name is never reused."
    )
    return 0


def cmd_user_unlock(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    view = users.unlock_user(db, admin, args.name, args.reason)
    info(f"Unlocked {view.username}.")
    return 0


def cmd_user_reset(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    initial = credentials.new_password(f"New initial password for {args.name}: ")
    view = users.reset_password(db, admin, args.name, initial, args.reason)
    info(f"Reset the password of {view.username}; they must choose a new one at next log-in.")
    return 0


def cmd_user_passwd(args) -> int:
    db = open_db(args)
    current = credentials.password(args, "Current password: ")
    new = credentials.new_password()
    view = users.change_password(db, args.user, current, new)
    info(f"Password of {view.username} changed.")
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
            v.role,
            "active" if v.active else "deactivated",
            "locked" if v.locked else "",
            "initial password" if v.must_change_password else "",
        )
        for v in views
    ]
    table(("USERNAME", "FULL NAME", "ROLE", "STATUS", "LOCK", "PASSWORD"), rows)
    return 0


def cmd_settings_show(args) -> int:
    from core.services.settings import MEANINGS, show_policy

    policy = show_policy(open_db(args))
    if args.json:
        emit_json(policy)
        return 0
    rows = [(key, getattr(policy, key) or "—", meaning) for key, meaning in MEANINGS.items()]
    table(("SETTING", "VALUE", "MEANING"), rows)
    return 0


def cmd_settings_set(args) -> int:
    from core.services.settings import set_setting

    db = open_db(args)
    admin = acting(db, args)
    set_setting(db, admin, args.key, args.value, args.reason)
    info(f"{args.key} is now {args.value}.")
    return 0
