import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from shop import views
from shop.catalog import views as catalog_views

urlpatterns = [
    path("", include("shop.catalog.urls")),
    path("cart/", include("cart.urls")),
    path("", include("shop.orders.urls")),
    path("accounts/sessions/", include("shop.register.urls")),
    path("accounts/", include("accounts.urls")),
    # The register was part of accounts until it became an app: staff bookmarks still work.
    re_path(
        r"^admin/accounts/sessionrecord/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/register/sessionrecord/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("state/", views.state, name="state"),
]

# Product images are generated into MEDIA_ROOT at run time (seed_catalog, admin uploads), so
# whitenoise, which serves only what collectstatic gathered, cannot serve them. This route
# serves them in both modes; only products/ is exposed, and SVGs are sandboxed.
urlpatterns += [
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>products/.+)$",
        catalog_views.product_image,
        name="product-image",
    ),
]

handler400 = "shop.views.bad_request"
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"
