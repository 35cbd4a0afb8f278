"""Tables of the login half of issue 9, kept beside ``user_account`` rather than in it:
credential facts, the optional second factor, its recovery codes and the rate limiter's
counters (in the database, so several web processes share one limit)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.privacy.columns import EncryptedText


class UserCredential(Base):
    """One row per user whose password or second factor was ever set through the account pages."""

    __tablename__ = "user_credential"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # the user must choose a new password at the next login (set by an administrator's reset)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # TOTP (RFC 6238): the base32 secret, AES-GCM-encrypted at rest under the data key (a
    # database dump alone cannot mint codes; migration 0014); enabled only once a code from
    # the app was verified. A secret of up to 64 characters fits the 128-character ciphertext.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText(context="user_credential.totp_secret"))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # the last accepted 30-second step: a code is never accepted twice (RFC 6238 §5.2)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(Base):
    """A one-time code for a lost authenticator; only its argon2id hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateCounter(Base):
    """A fixed-window counter: requests by ``key`` (``login:<ip>:<username>``, ``api:u<id>``,
    ``api:ip:<addr>``) in the window that starts at ``window`` (epoch seconds)."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    expires: Mapped[int] = mapped_column(Integer, index=True)
