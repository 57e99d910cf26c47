from django.contrib import admin
from django.urls import path

# The registry is the admin: it is served at the root of the site.
urlpatterns = [path("", admin.site.urls)]
