from datetime import timedelta

from django.contrib.sessions.management.commands import clearsessions
from django.utils import timezone

from shop.register.ending import engines_polled
from shop.register.models import SessionRecord

# Ended rows stay a day so "your devices" and the admin can show what just happened.
ENDED_ROWS_KEPT_FOR = timedelta(days=1)
# An ended signed cookie is refused only while its row says it was ended: keep that row
# until the cookie itself expires.


class Command(clearsessions.Command):
    help = (
        "Deletes expired sessions from the store, as Django's clearsessions does, and the "
        "register rows no one needs any more: run it from cron."
    )

    def handle(self, **options):
        super().handle(**options)
        now = timezone.now()
        expired = SessionRecord.objects.filter(expires_at__lte=now)
        ended = SessionRecord.objects.filter(ended_at__lte=now - ENDED_ROWS_KEPT_FOR).exclude(
            engine__in=engines_polled()
        )
        removed = expired.delete()[0] + ended.delete()[0]
        if options["verbosity"] >= 1:
            self.stdout.write(f"Pruned {removed} register rows.")
