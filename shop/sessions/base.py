"""What the shop asks of every session store beyond Django's SessionStore contract."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import router, transaction


class ShopStoreMixin:
    # True once the store could not be reached in this request (only `redis` ever sets it).
    unavailable = False

    def stored_size(self) -> int:
        """Bytes the session's data takes where it is stored."""
        return len(self.encode(self._get_session())) if not self.is_empty() else 0

    def has_room(self) -> bool:
        """Whether the current data can be stored; only a cookie has a hard size limit."""
        return True

    @classmethod
    @contextmanager
    def exclusive(cls, session_key: str | None) -> Iterator[None]:
        """Keep other requests from writing this session until the block ends.

        Django writes a whole session at the end of each request, so two requests that
        change it at once lose one change. A signed cookie has no server copy to guard.
        Raises SessionsUnavailable when the store cannot be reached.
        """
        yield


class DatabaseLockMixin(ShopStoreMixin):
    """db and cached_db: a row lock on the stored session, held by a transaction."""

    @classmethod
    @contextmanager
    def exclusive(cls, session_key: str | None) -> Iterator[None]:
        if not session_key:
            yield  # a new session: no stored row to guard yet
            return
        model = cls.get_model_class()
        with transaction.atomic(using=router.db_for_write(model)):
            list(model.objects.select_for_update().filter(pk=session_key).values_list("pk"))
            yield
