"""No link leads a clerk to a page their role refuses.

Each persona follows every link of the admin from the home page, as a
clerk clicking around would (a few variants of each address's query, at
most 500 pages): none answers 403, none 500. Issue 15 found an operator
sent to a 403 by the checker's name on a check and the uploader's name on
an import record.
"""

import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import make_akun, verify

HREF = re.compile(r'href="([^"]+)"')
# Leaving, and the files a page offers (followed, but not read for links).
NOT_FOLLOWED = ("/logout/",)
MOST_PAGES = 500
VARIANTS_PER_PATH = 4


def crawl(client, start="/"):
    """{address: status} of every page reachable from ``start``."""
    seen, queue, variants = {}, deque([start]), Counter()
    while queue and len(seen) < MOST_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith("?"):
                href = urlsplit(url).path + href
            parts = urlsplit(href)
            if parts.netloc or not href.startswith("/") or href.startswith(NOT_FOLLOWED) or "/static/" in href:
                continue
            if href in seen or variants[parts.path] >= VARIANTS_PER_PATH:
                continue
            variants[parts.path] += 1
            queue.append(href)
    return seen


@pytest.fixture
def busy_registry(client, staff, tree, vina, oki):
    """Checks by Vina in Oki's units, and an import Oki made."""
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    verify(staff.siti.akun.get(), "VALID", follows=[humas], pemeriksa=vina)
    verify(staff.rudi.akun.get(), "TIDAK_DITEMUKAN", pemeriksa=vina)
    client.force_login(oki)
    roster = f"NIP;NAMA;UNIT KERJA;STATUS KEPEGAWAIAN\n{staff.siti.nip};Siti Rahayu;Dinas Kesehatan;PNS\n"
    upload = SimpleUploadedFile("roster.csv", roster.encode(), content_type="text/csv")
    record = client.post(reverse("admin:registry_pegawai_import"), {"berkas": upload}).context["record"]
    client.post(reverse("admin:registry_pegawai_process_import"), {"impor": record.pk})
    client.logout()


@pytest.mark.parametrize("persona", ["oki", "dedi", "vina", "ani"])
def test_every_link_a_clerk_can_follow_opens(client, busy_registry, persona, request):
    client.force_login(request.getfixturevalue(persona))
    statuses = crawl(client)
    assert len(statuses) > 40, statuses
    refused = {url: status for url, status in statuses.items() if status in (403, 500)}
    assert not refused, refused
