"""Buttons at the top of an admin change page, beside "History", each answered by a view of
its own: Django's own pattern (extra URLs from get_urls, behind admin_view), declared once for
every admin.

A button that cannot be undone is destructive: it is drawn red, and it asks first (GET shows
what will happen, POST does it). Any other button is a POST form that acts at once.

django-object-actions does the same with GET links by default; these change state, so they
are POST forms with Django's CSRF check, and the pattern is a few dozen lines.
"""

from dataclasses import dataclass

from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST


@dataclass(frozen=True)
class ObjectButton:
    slug: str  # the URL <object_id>/<slug>/, named admin:<app>_<model>_<slug, underscored>
    view: str  # the admin's method that answers it
    label: str
    destructive: bool = False  # red, and confirmed on a page of its own first

    @property
    def url_suffix(self) -> str:
        return self.slug.replace("-", "_")


class ObjectButtonsMixin:
    """`object_buttons` lists the buttons; `shows_button` says which one object offers."""

    object_buttons: tuple[ObjectButton, ...] = ()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        answers = {True: require_http_methods(["GET", "POST"]), False: require_POST}
        buttons = [
            path(
                f"<path:object_id>/{button.slug}/",
                wrap(answers[button.destructive](getattr(self, button.view))),
                name=f"{prefix}_{button.url_suffix}",
            )
            for button in self.object_buttons
        ]
        return [*buttons, *super().get_urls()]

    def shows_button(self, request: HttpRequest, obj, button: ObjectButton) -> bool:
        return True

    def button_url(self, obj, button: ObjectButton) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_{button.url_suffix}"
        return reverse(name, args=[obj.pk])

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["object_buttons"] = [
                {"button": button, "url": self.button_url(obj, button)}
                for button in self.object_buttons
                if self.shows_button(request, obj, button)
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def object_or_404(self, request: HttpRequest, object_id: str, missing: str):
        found = self.get_object(request, unquote(object_id))
        if found is None:
            raise Http404(missing)
        return found

    def confirmation(self, request: HttpRequest, obj, template: str, **context):
        """The page a destructive button's GET shows: what will happen, and Yes/No."""
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "object": obj,
                "change_url": change_url,
                **context,
            },
        )
