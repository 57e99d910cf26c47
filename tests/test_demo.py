"""The demo data and the set-up command behind `make run`."""

import re
from collections import Counter
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registry import keaktifan
from registry.models import AkunMedsos, Instansi, Kepatuhan, Pegawai, Posting, StatusKepegawaian


def setup_demo():
    out = StringIO()
    call_command("siapkan_demo", stdout=out)
    return out.getvalue()


def test_demo_is_a_three_level_regency_where_every_state_occurs(db):
    setup_demo()
    units = list(Instansi.objects.all())
    assert len(units) >= 20
    assert max(u.kedalaman for u in units) >= 2
    assert Pegawai.objects.count() >= 300
    assert set(Pegawai.objects.values_list("status_kepegawaian", flat=True)) == set(StatusKepegawaian.values)
    states = Counter(Pegawai.objects.values_list("kepatuhan", flat=True))
    assert all(states[s] > 0 for s in Kepatuhan.values), states
    required = AkunMedsos.objects.filter(wajib_diikuti=True)
    assert {a.instansi.kedalaman for a in required} == {0, 1}
    assert len({a.platform for a in AkunMedsos.objects.filter(pegawai__isnull=False)}) >= 3
    # Every activity list has someone in it: one account quiet, one without data, the rest posting.
    admin = User.objects.get(username="admin")
    assert [str(a) for a in keaktifan.quiet(admin)] == ["Instagram @dinkes.sukamaju"]
    assert [str(a) for a in keaktifan.without_data(admin)] == ["Facebook @pemkab.sukamaju"]
    assert Posting.objects.filter(akun__username="humas.sukamaju", akun__platform="instagram").count() > 150


def test_every_demo_record_passes_validation(db):
    setup_demo()
    for obj in [*Instansi.objects.all(), *Pegawai.objects.all(), *AkunMedsos.objects.all()]:
        obj.full_clean()


def test_demo_users_log_in_with_the_printed_password(client, db):
    output = setup_demo()
    password = re.search(r"Kata sandi semuanya: (\S+)", output).group(1)
    login = reverse("admin:login")
    assert client.post(login, {"username": "admin", "password": password}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.post(login, {"username": "operator.dinkes", "password": password}).status_code == 302
    page = client.get("/registry/pegawai/")
    assert page.status_code == 200
    kodes = {p.instansi.kode for p in page.context["cl"].result_list}
    assert kodes <= {"DINKES", "PKM-SKM", "PKM-CBR", "RSUD"}


def test_running_it_again_changes_nothing(db):
    setup_demo()
    Pegawai.objects.filter(pk=1).update(nama="Diubah Petugas")
    output = setup_demo()
    assert "tidak dimuat ulang" in output and "tidak dibuat" in output
    assert Pegawai.objects.get(pk=1).nama == "Diubah Petugas"
    assert User.objects.count() == 4


def test_demo_keeps_its_own_dates_and_leaves_room_for_new_rows(db):
    setup_demo()
    # Saved in bulk, the fixture's creation dates survive: accounts were
    # registered over the autumn, not all at the moment of loading.
    created = set(AkunMedsos.objects.filter(pegawai__isnull=False).values_list("dibuat_pada__date", flat=True))
    assert len(created) > 20
    assert Pegawai.objects.filter(diubah_pada__date=timezone.localdate()).count() == 0
    # The key sequences start past the fixture's rows (PostgreSQL would
    # otherwise answer a clerk's first new row with a duplicate key).
    unit = Instansi.objects.create(kode="BARU", nama="Unit Baru", induk=Instansi.objects.get(kode="DINKES"))
    person = Pegawai.objects.filter(aktif=True).first()
    account = AkunMedsos.objects.create(platform="instagram", username="akun.baru.demo", pegawai=person)
    account.mengikuti.add(AkunMedsos.objects.filter(wajib_diikuti=True).first())
    assert unit.pk > 22 and account.pk > 475


def test_nothing_in_the_demo_happened_later_than_now(db):
    """The story is moved to end today: a proof shared later today (or days
    on) would read "di masa depan", and its employee's own export, imported
    back, would be refused for it."""
    import datetime
    import json

    from registry.demo import DATE_FIELDS, DEMO_FIXTURE, STORY_ENDS
    from registry.models import BuktiSebar, Konten, Verifikasi

    # Whatever the hour the demo is loaded: nothing after its last day's midnight in Jakarta.
    midnight = datetime.datetime.combine(STORY_ENDS, datetime.time(), timezone.get_default_timezone())
    for obj in json.loads(DEMO_FIXTURE.read_text(encoding="utf-8")):
        for name in DATE_FIELDS:
            value = obj["fields"].get(name)
            assert not value or datetime.datetime.fromisoformat(value) <= midnight, (obj["model"], obj["pk"], name)
    setup_demo()
    now = timezone.now()
    assert not Konten.objects.filter(dibuat_pada__gt=now).exists()
    assert BuktiSebar.objects.count() > 1000
    assert not BuktiSebar.objects.filter(waktu__gt=now).exists()
    assert not BuktiSebar.objects.filter(dibuat_pada__gt=now).exists()
    assert not Verifikasi.objects.filter(waktu__gt=now).exists()
