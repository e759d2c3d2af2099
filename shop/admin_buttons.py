"""Buttons on an admin change page that POST to a view of their own: Django's own pattern
(extra URLs from get_urls, behind admin_view and POST only), declared once for every admin.

django-object-actions does the same with GET links by default; these change state, so they
are POST forms with Django's CSRF check, and the pattern is a dozen lines.
"""

from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest
from django.urls import path
from django.views.decorators.http import require_POST


class ObjectButtonsMixin:
    """`object_buttons` lists (slug, view method name): each answers POST
    <object_id>/<slug>/, named admin:<app>_<model>_<slug with underscores>."""

    object_buttons: tuple[tuple[str, str], ...] = ()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        buttons = [
            path(
                f"<path:object_id>/{slug}/",
                wrap(require_POST(getattr(self, view))),
                name=f"{prefix}_{slug.replace('-', '_')}",
            )
            for slug, view in self.object_buttons
        ]
        return [*buttons, *super().get_urls()]

    def object_or_404(self, request: HttpRequest, object_id: str, missing: str):
        found = self.get_object(request, unquote(object_id))
        if found is None:
            raise Http404(missing)
        return found
