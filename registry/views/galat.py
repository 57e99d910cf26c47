"""The error pages a clerk may meet (403, 404), in the admin's own frame:
its header, the user's name and the logout button, so that a refused page
still shows where the clerk is and how to go on."""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render


def akses_ditolak(request, exception=None):
    return render(request, "403.html", admin.site.each_context(request), status=403)


def tidak_ditemukan(request, exception=None):
    return render(request, "404.html", admin.site.each_context(request), status=404)


def tanpa_ikon(request):
    """The site has no icon: browsers ask for /favicon.ico anyway (error pages
    ignore the page's own icon link) and log a 404 for it."""
    return HttpResponse(status=204)
