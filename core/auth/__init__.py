"""Users, roles, permissions, password hashing, lockout and idle-lock policy."""

from core.auth.identity import Actor
from core.auth.roles import Permission, Role, require

__all__ = ["Actor", "Permission", "Role", "require"]
