"""Users and site settings."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.types import utc_column


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    password_hash: str
    must_change_password: bool = True
    active: bool = True
    failed_attempts: int = 0
    locked: bool = False
    created_at: datetime = Field(sa_column=utc_column())
    password_changed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class SiteSetting(SQLModel, table=True):
    __tablename__ = "site_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str


class UserSetting(SQLModel, table=True):
    """A person's own preference (the language they read Lotbook in): not GxP data, so not
    sealed; each change is audited."""

    __tablename__ = "user_setting"

    username: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)
