from django.contrib import admin
from django.urls import path

from registry.views.galat import tanpa_ikon

# The registry is the admin: it is served at the root of the site.
urlpatterns = [path("favicon.ico", tanpa_ikon), path("", admin.site.urls)]

handler403 = "registry.views.galat.akses_ditolak"
handler404 = "registry.views.galat.tidak_ditemukan"
