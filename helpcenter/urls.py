from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Help center administration"
admin.site.site_title = "Help center admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("faq.urls")),
]

handler500 = "faq.views.server_error"
