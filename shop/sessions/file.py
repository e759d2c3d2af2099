"""Sessions in files on this instance's disk (SESSION_BACKEND=file).

Django's file engine, under the digest of each key, in SESSION_FILE_PATH: every process of
the instance reads them and they survive its restart; other instances never see them, so
several instances need sticky routing, and a lost disk loses its sessions. A change holds
an exclusive lock (flock) on one of a fixed set of lock files until its write, so two
processes cannot both write a session they read at the same time.
"""

import fcntl
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.file import SessionStore as DjangoSessionStore
from django.core.exceptions import ImproperlyConfigured

from shop.sessions.base import NewKeysUnlookedMixin, ShopStoreMixin, digest
from shop.sessions.outage import SessionsUnavailable

FILE_PREFIX = "session-"
LOCK_TIMEOUT_SECONDS = 5
LOCK_RETRY_SECONDS = 0.005
LOCK_FILES = 64  # sessions sharing one lock file wait for each other briefly; files stay few


class SessionStore(NewKeysUnlookedMixin, ShopStoreMixin, DjangoSessionStore):
    """One file per session, named by the digest of its key, written whole by rename."""

    engine = "file"
    place = "on the disk of the server that served you, one file per session"
    ended_guests_polled = True  # staff on another instance cannot reach this disk

    _lock_file = None  # the open lock file while this request holds the session
    _locked_digest = ""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.storage_path = str(self.storage_path_made())

    @classmethod
    def storage_path(cls) -> Path:
        return Path(settings.SESSION_FILE_PATH)

    @classmethod
    def storage_path_made(cls) -> Path:
        path = cls.storage_path()
        try:
            try:
                path.mkdir(mode=0o700, parents=True, exist_ok=True)
            except FileExistsError:  # deleted while being made (a lost disk): once more
                path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise ImproperlyConfigured(
                f"SESSION_FILE_PATH={str(path)!r} cannot be made a folder: {error}."
            ) from error
        return path

    @classmethod
    def _get_storage_path(cls) -> str:
        return str(cls.storage_path_made())  # Django caches it on the class: not across settings

    @classmethod
    def file_of(cls, key_digest: str) -> Path:
        return cls.storage_path() / f"{FILE_PREFIX}{key_digest}"

    def _key_to_file(self, session_key: str | None = None) -> str:
        # Django's own methods that name the file are all replaced; this keeps any other to digests.
        return str(self.file_of(digest(session_key or self._get_or_create_session_key())))

    def load(self) -> dict:
        data = self.read_key(self.session_key)
        if data is None:
            self._session_key = None  # missing, expired or unreadable: start afresh
            return {}
        return data

    def read_key(self, session_key: str | None) -> dict | None:
        if not session_key or not self.could_hold(session_key):
            return None
        return self.read_stored(digest(session_key))

    @classmethod
    def read_stored(cls, key_digest: str) -> dict | None:
        """The live data stored under a digest; None where there is none (or it expired)."""
        path = cls.file_of(key_digest)
        try:
            text = path.read_text(encoding="ascii")
            expires_at = path.stat().st_mtime
        except (OSError, UnicodeDecodeError):
            return None
        data = cls().decode(text) if text else {}
        if not isinstance(data, dict) or not data or expires_at <= time.time():
            return None
        return data

    def hold(self) -> None:
        if not self.session_key or not self.could_hold(self.session_key):
            self._session_key, self._session_cache = None, {}  # nothing stored to guard
            return
        self._locked_digest = digest(self.session_key)
        self._lock_file = take_lock(self._locked_digest)
        self._session_cache = self.load()

    def let_go(self) -> None:
        if self._lock_file is not None:
            self._lock_file, lock_file = None, self._lock_file
            lock_file.close()  # closing the file releases its flock

    def save(self, must_create: bool = False) -> None:
        try:
            if self.session_key is None:
                return self.create()
            key_digest = digest(self.session_key)
            data = self._get_session(no_load=must_create)  # before the expiry, which reads it
            expires_at = time.time() + self.get_expiry_age()
            if must_create:
                return self.write_new(key_digest, data, expires_at)
            if not self.file_of(key_digest).exists():
                raise UpdateError  # ended meanwhile: Django's answer
            # Held by this request unless a caller saves without holding, as Django's does.
            self.write_stored(key_digest, data, expires_at)
        finally:
            self.let_go()

    @classmethod
    def write_new(cls, key_digest: str, data: dict, expires_at: float) -> None:
        """Write a new session's file; CreateError if one exists (link() never replaces)."""
        written = cls.written(data, expires_at)
        try:
            os.link(written, cls.file_of(key_digest))
        except FileExistsError:
            raise CreateError from None
        finally:
            written.unlink()

    @classmethod
    def write_stored(cls, key_digest: str, data: dict, expires_at: float) -> None:
        """Replace the whole file by rename: a reader never sees half of it."""
        os.replace(cls.written(data, expires_at), cls.file_of(key_digest))

    @classmethod
    def written(cls, data: dict, expires_at: float) -> Path:
        """A temporary file in the folder holding `data`, its modification time when it
        expires."""
        handle, temporary = tempfile.mkstemp(dir=cls.storage_path_made(), prefix=".writing-")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as output:
                output.write(cls().encode(data))
            os.utime(temporary, (expires_at, expires_at))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return Path(temporary)

    def exists(self, session_key: str | None) -> bool:
        return (
            bool(session_key)
            and self.could_hold(session_key)
            and (self.file_of(digest(session_key)).exists())
        )

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key and self.could_hold(session_key):
            self.delete_stored(digest(session_key))

    @classmethod
    def delete_stored(cls, key_digest: str) -> None:
        cls.file_of(key_digest).unlink(missing_ok=True)

    @classmethod
    def replace_stored(cls, key_digest: str, data: dict) -> None:
        # Unlocked, as on the other engines: the request may itself hold a session sharing
        # the lock file; one holding this session may write over it, and its user's row
        # still ends it.
        try:
            expires_at = cls.file_of(key_digest).stat().st_mtime
        except FileNotFoundError:
            return
        cls.write_stored(key_digest, data, expires_at)

    @classmethod
    def reachable(cls) -> bool:
        return os.access(cls.storage_path_made(), os.W_OK)

    @classmethod
    def clear_expired(cls) -> None:
        now = time.time()
        for path in cls.storage_path_made().glob(f"{FILE_PREFIX}*"):
            try:
                if path.stat().st_mtime <= now:
                    path.unlink(missing_ok=True)
            except FileNotFoundError:
                pass  # deleted meanwhile


def lock_path(key_digest: str) -> Path:
    folder = Path(settings.SESSION_FILE_PATH) / "locks"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / str(int(key_digest[:8], 16) % LOCK_FILES)


def take_lock(key_digest: str):
    """The open lock file of this session, locked; SessionsUnavailable after the timeout."""
    lock_file = open(lock_path(key_digest), "a")  # noqa: SIM115  closed by let_go
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    while True:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock_file
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock_file.close()
                raise SessionsUnavailable(
                    "another request held this session for too long"
                ) from None
            time.sleep(LOCK_RETRY_SECONDS)
