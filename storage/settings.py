"""One typed settings object, read from the environment (prefix-free names, see fields).

The environment is injectable (`Settings.from_env(mapping)`) so tests never touch
`os.environ`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "secret", "dev-secret-change-me"})
DEV_SECRET = "dev-secret-change-me"

Locale = Literal["en", "es", "fr"]


class SettingsError(ValueError):
    """The environment describes a configuration Baton refuses to run with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, populate_by_name=True)

    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL"))
    app_database_url: str | None = Field(default=None, validation_alias=AliasChoices("BATON_APP_DATABASE_URL"))
    app_db_role: str = Field(default="baton_app", validation_alias=AliasChoices("BATON_APP_DB_ROLE"))
    app_db_password: str | None = Field(default=None, validation_alias=AliasChoices("BATON_APP_DB_PASSWORD"))
    data_dir: Path = Field(default=Path("var"), validation_alias=AliasChoices("BATON_DATA_DIR"))
    secret: str = Field(default=DEV_SECRET, validation_alias=AliasChoices("BATON_SECRET"))
    # Unset: development mode exactly when the database is the embedded one.
    dev_mode: bool | None = Field(default=None, validation_alias=AliasChoices("BATON_DEV"))
    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("BATON_HOST"))
    port: int = Field(default=8080, ge=1, le=65535, validation_alias=AliasChoices("BATON_PORT"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("BATON_LOG_LEVEL")
    )
    default_locale: Locale = Field(default="en", validation_alias=AliasChoices("BATON_DEFAULT_LOCALE"))
    session_idle_minutes: int = Field(default=30, ge=1, validation_alias=AliasChoices("BATON_SESSION_IDLE_MINUTES"))
    allowed_origins: list[str] = Field(default_factory=list, validation_alias=AliasChoices("BATON_ALLOWED_ORIGINS"))
    login_max_failures: int = Field(default=5, ge=1, validation_alias=AliasChoices("BATON_LOGIN_MAX_FAILURES"))
    login_window_minutes: int = Field(default=15, ge=1, validation_alias=AliasChoices("BATON_LOGIN_WINDOW_MINUTES"))
    login_ip_max_failures: int = Field(default=20, ge=1, validation_alias=AliasChoices("BATON_LOGIN_IP_MAX_FAILURES"))
    # Unset: load the demo tenant into an empty database in development mode only.
    load_demo: bool | None = Field(default=None, validation_alias=AliasChoices("BATON_LOAD_DEMO"))

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,  # type: ignore[no-untyped-def,override]
                                   file_secret_settings):
        """Only what `from_env` passes in: the environment is read there, injectably."""
        return (init_settings,)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if not self.database_url:
            self.database_url = None  # DATABASE_URL="" means unset: the embedded server
        if self.dev_mode is None:
            self.dev_mode = self.database_url is None
        if not self.dev_mode and (self.secret in PLACEHOLDER_SECRETS or len(self.secret) < 32):
            raise SettingsError(
                "BATON_SECRET is a placeholder or shorter than 32 characters; set a long random value "
                "(for example: python3 -c 'import secrets; print(secrets.token_urlsafe(48))') "
                "or set BATON_DEV=1 for a development machine."
            )
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `env` (default: the process environment)."""
        source = dict(os.environ if env is None else env)
        known = {
            name
            for field in cls.model_fields.values()
            for name in (field.validation_alias.choices if isinstance(field.validation_alias, AliasChoices) else [])
        }
        values = {k: v for k, v in source.items() if k.upper() in known}
        upper = {k.upper(): v for k, v in values.items()}
        if "BATON_ALLOWED_ORIGINS" in upper:
            upper["BATON_ALLOWED_ORIGINS"] = [o.strip() for o in upper["BATON_ALLOWED_ORIGINS"].split(",") if o.strip()]
        return cls.model_validate(upper, by_alias=True)

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def pgdata(self) -> Path:
        return (self.data_dir / "pgdata").resolve()
