"""The world of the spreading tests (tests/data/make_sebaran.py writes its
files): official accounts, three contents, four staff with valid accounts.

    Pemerintah Kabupaten Uji   @humas.uji (Instagram, TikTok)   K1, K2
    ├── Dinas Kesehatan        @dinkes.uji (Instagram)          K3
    │   │  Siti Rahayu   @siti.rahayu (IG), @siti_rahayu (TikTok)
    │   └── UPTD Puskesmas Kota      Rudi Hartono   @rudi.hartono
    └── Dinas Pendidikan               Maya Sari (Non-ASN)   @maya.sari
        └── SMP Negeri 1               Joko Susilo   @joko.susilo
"""

import datetime
from types import SimpleNamespace

import pytest

from registry import handles
from registry.models import Konten, Pengaturan
from tests.conftest import make_akun, make_pegawai, verify
from tests.data.make_sebaran import JOKO, K1, K2, K3, MAYA_NIK, RUDI, SITI

TERBIT = datetime.date(2026, 12, 1)


def make_konten(akun, link, judul="", terbit=TERBIT, **fields):
    post = handles.parse_post(link)
    return Konten.objects.create(akun=akun, tautan=post.url if post.username else link, platform=post.platform,
                                 kode=post.kode, judul=judul, terbit=terbit, **fields)


@pytest.fixture
def sebaran(tree):
    # The sample files are dated: proofs of their contents stay acceptable whenever the tests run.
    settings_row = Pengaturan.current()
    settings_row.tenggang_bukti_hari = 36500
    settings_row.save()
    humas_ig = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    humas_tt = make_akun(tree.pemda, "tiktok", "humas.uji")
    dinkes_ig = make_akun(tree.dinkes, "instagram", "dinkes.uji")
    siti = make_pegawai(tree.dinkes, "Siti Rahayu", nip=SITI)
    rudi = make_pegawai(tree.pkm, "Rudi Hartono", status="PPPK", nip=RUDI)
    maya = make_pegawai(tree.disdik, "Maya Sari", status="NON_ASN", nik=MAYA_NIK)
    joko = make_pegawai(tree.smpn1, "Joko Susilo", nip=JOKO)
    accounts = SimpleNamespace(
        siti_ig=make_akun(siti, "instagram", "siti.rahayu"),
        siti_tt=make_akun(siti, "tiktok", "siti_rahayu"),
        rudi_ig=make_akun(rudi, "instagram", "rudi.hartono"),
        maya_ig=make_akun(maya, "instagram", "maya.sari"),
        joko_ig=make_akun(joko, "instagram", "joko.susilo"),
    )
    for akun in vars(accounts).values():
        verify(akun)
    return SimpleNamespace(
        tree=tree, humas_ig=humas_ig, humas_tt=humas_tt, dinkes_ig=dinkes_ig,
        siti=siti, rudi=rudi, maya=maya, joko=joko, akun=accounts,
        k1=make_konten(humas_ig, K1, "Peluncuran Mal Pelayanan Publik"),
        k2=make_konten(humas_tt, K2, "Cara mengurus KTP"),
        k3=make_konten(dinkes_ig, K3, "Cek kesehatan gratis"),
    )
