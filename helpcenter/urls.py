from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from faq.sitemaps import sitemaps
from helpcenter.health import healthz, readyz

admin.site.site_header = "Help center administration"
admin.site.site_title = "Help center admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path(
        "sitemap.xml",
        require_safe(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    *i18n_patterns(path("", include("faq.urls")), prefix_default_language=False),
]

handler400 = "faq.views.bad_request"
handler404 = "faq.views.page_not_found"
handler500 = "faq.views.server_error"
