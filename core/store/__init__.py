"""Storage: engines, units of work, migrations. The only place for a dialect's own SQL."""

from core.store.database import SYSTEM_USER, Database, UnitOfWork
from core.store.migrate import open_database

__all__ = ["SYSTEM_USER", "Database", "UnitOfWork", "open_database"]
