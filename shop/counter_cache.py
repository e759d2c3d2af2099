"""Rate-limit counters that every instance shares, in the database that every engine has."""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connections, router, transaction
from django.utils.timezone import now


class DatabaseCounterCache(DatabaseCache):
    """Django's database cache with an incr fit for counting (django-ratelimit's add + incr).

    Django's own incr reads the value, then writes it back with the default timeout, so two
    instances can both read 4 and write 5, and a counter's expiry moves from the end of its
    window to "now + TIMEOUT", letting an idle pause reset the count. Here the row stays
    locked from read to write (SELECT ... FOR UPDATE; SQLite's IMMEDIATE transactions already
    queue writers) and its expiry is left as `add` set it.
    """

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        moment = connection.ops.adapt_datetimefield_value(now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s{lock}",
                [key, moment],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, key])
        return value


def create_table(using: str, **kwargs) -> None:
    """After every `migrate` (post_migrate): Django's createcachetable makes the table if it is
    missing, so a new database, the test one included, needs nothing else."""
    call_command("createcachetable", database=using, verbosity=0)
