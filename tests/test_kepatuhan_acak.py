"""Random sequences of every write, through the functions the admin and the
importers call; after each step, what is stored equals what the rule computes,
for compliance and for spreading (contents, proofs, checks of the sample).

A hypothesis state machine (bounded: CI runs it on SQLite and PostgreSQL).
Each example runs inside a savepoint that is rolled back, so examples do not
see each other's rows.
"""

import datetime
import itertools

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from registry import followers, sebaran
from registry.impor import AkunMedsosResource, BuktiSebarResource, InstansiResource, PegawaiResource
from registry.kepatuhan import drift, misplaced
from registry.models import AkunMedsos, BuktiSebar, HasilBukti, HasilVerifikasi, Instansi, Konten, Pegawai
from registry.verifikasi import record_bulk_result, record_verification
from tests.conftest import nik, nip_pns

PLATFORMS = st.sampled_from(["instagram", "tiktok", "facebook"])
HASIL = st.sampled_from(HasilVerifikasi.values)
STATUS = st.sampled_from(["PNS", "PPPK", "NON_ASN"])
_names = itertools.count(1)


def fresh(model, obj):
    """The row as it is now, or None when a cascade or another step removed it."""
    return model.objects.filter(pk=obj.pk).first()


def csv(*lines):
    return "\n".join(";".join(line) for line in lines).encode()


class Writes(RuleBasedStateMachine):
    units = Bundle("units")
    staff = Bundle("staff")
    accounts = Bundle("accounts")
    officials = Bundle("officials")
    contents = Bundle("contents")
    proofs = Bundle("proofs")

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.ani = User.objects.create_superuser(f"ani{next(_names)}", password="x")
        # A root requiring its Instagram, a dinas requiring its TikTok with a
        # unit below it, another dinas, one employee with two accounts in each: state for the
        # first steps to act on.
        root = Instansi.objects.create(kode="PEMDA", nama="Pemkab")
        dinas = Instansi.objects.create(kode="DINAS", nama="Dinas A", induk=root)
        below = Instansi.objects.create(kode="UPTD", nama="UPTD A", induk=dinas)
        other = Instansi.objects.create(kode="DINAS-B", nama="Dinas B", induk=root)
        self.regency = [root, dinas, below, other]
        self.required = [
            AkunMedsos.objects.create(instansi=root, platform="instagram", username="humas", wajib_diikuti=True),
            AkunMedsos.objects.create(instansi=dinas, platform="tiktok", username="dinas", wajib_diikuti=True),
        ]
        self.first_staff = [
            Pegawai.objects.create(instansi=unit, nama=f"Pegawai {unit.kode}", status_kepegawaian="PNS",
                                   nip=nip_pns())
            for unit in self.regency
        ]
        self.first_accounts = [
            AkunMedsos.objects.create(pegawai=person, platform=platform, username=f"akun{next(_names)}")
            for person in self.first_staff for platform in ("instagram", "tiktok")
        ]

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize(target=units)
    def the_regency(self):
        return multiple(*self.regency)

    @initialize(target=officials)
    def its_required_accounts(self):
        return multiple(*self.required)

    @initialize(target=staff)
    def its_staff(self):
        return multiple(*self.first_staff)

    @initialize(target=accounts)
    def their_accounts(self):
        return multiple(*self.first_accounts)

    # The tree -------------------------------------------------------------

    @rule(target=units, parent=st.none() | units)
    def add_unit(self, parent):
        n = next(_names)
        parent = parent and fresh(Instansi, parent)
        return Instansi.objects.create(kode=f"U{n}", nama=f"Unit {n}", induk=parent)

    @rule(unit=units, parent=units)
    def move_unit(self, unit, parent):
        """Admin form: an instansi moved under another parent, with its subtree."""
        unit, parent = fresh(Instansi, unit), fresh(Instansi, parent)
        if parent.jalur.startswith(unit.jalur):
            return
        unit.induk = parent
        unit.save()

    @rule(unit=units, parent=units)
    def import_units(self, unit, parent):
        """Unit import: a known code moved under another parent, and a new unit."""
        unit, parent = fresh(Instansi, unit), fresh(Instansi, parent)
        if parent.jalur.startswith(unit.jalur):
            return
        n = next(_names)
        self.run_import(InstansiResource, csv(("KODE", "NAMA", "INDUK"), (unit.kode, unit.nama, parent.kode),
                                              (f"U{n}", f"Unit {n}", unit.kode)))

    # Employees ------------------------------------------------------------

    @rule(target=staff, unit=units, status=STATUS)
    def add_employee(self, unit, status):
        identity = {"nik": nik()} if status == "NON_ASN" else {"nip": nip_pns()}
        return Pegawai.objects.create(instansi=fresh(Instansi, unit), nama=f"Pegawai {next(_names)}",
                                      status_kepegawaian=status, **identity)

    @rule(person=staff, unit=units, aktif=st.booleans())
    def edit_employee(self, person, unit, aktif):
        """Admin form: moved, deactivated or reactivated."""
        person = fresh(Pegawai, person)
        if person:
            person.instansi, person.aktif = fresh(Instansi, unit), aktif
            person.save()

    @rule(person=staff)
    def delete_employee(self, person):
        """Admin delete: the accounts go with the employee (never checked ones: history protects them)."""
        person = fresh(Pegawai, person)
        if person and not person.akun.filter(verifikasi__isnull=False).exists() and not person.bukti_sebar.exists():
            person.delete()

    @rule(people=st.lists(staff, min_size=1, max_size=4, unique_by=lambda p: p.pk), unit=units,
          sync=st.booleans())
    def import_employees(self, people, unit, sync):
        """Employee import: the listed staff moved to ``unit``, one new employee;
        with ``sync``, the unit's staff missing from the file deactivated."""
        unit = fresh(Instansi, unit)
        lines = [("NIP", "NIK", "NAMA", "UNIT KERJA", "STATUS KEPEGAWAIAN")]
        for person in filter(None, (fresh(Pegawai, p) for p in people)):
            status = "Non-ASN" if person.status_kepegawaian == "NON_ASN" else person.status_kepegawaian
            lines.append((person.nip or "", person.nik or "", person.nama, unit.kode, status))
        lines.append((nip_pns(), "", f"Pegawai {next(_names)}", unit.kode, "PNS"))
        options = {"instansi": unit.pk, "sinkron": True} if sync else {}
        self.run_import(PegawaiResource, csv(*lines), options)

    # Accounts -------------------------------------------------------------

    @rule(target=accounts, person=staff, platform=PLATFORMS)
    def add_account(self, person, platform):
        person = fresh(Pegawai, person)
        if person is None:
            return multiple()
        return AkunMedsos.objects.create(pegawai=person, platform=platform, username=f"akun{next(_names)}")

    @rule(akun=accounts, person=staff, platform=PLATFORMS)
    def edit_account(self, akun, person, platform):
        """Admin form: moved to another owner, or to another platform."""
        akun, person = fresh(AkunMedsos, akun), fresh(Pegawai, person)
        if akun and person:
            akun.pegawai, akun.platform = person, platform
            akun.save()

    @rule(akun=accounts)
    def delete_account(self, akun):
        akun = fresh(AkunMedsos, akun)
        if akun and not akun.verifikasi.exists() and not akun.bukti_sebar.exists():
            akun.delete()

    @rule(person=staff, platform=PLATFORMS)
    def import_account(self, person, platform):
        person = fresh(Pegawai, person)
        if person:
            self.run_import(AkunMedsosResource, csv(
                ("NIP", "NIK", "PLATFORM", "AKUN"), (person.nip or "", person.nik or "", platform,
                                                     f"@impor{next(_names)}")))

    # Verifications and follows ---------------------------------------------

    @rule(akun=accounts, hasil=HASIL, data=st.data())
    def verify(self, akun, hasil, data):
        """The queue and the Verifikasi admin: one check, follows as seen."""
        akun = fresh(AkunMedsos, akun)
        if akun is None:
            return
        required = list(akun.required_official())
        seen = data.draw(st.lists(st.sampled_from(required), unique=True)) if required else []
        record_verification(akun, self.ani, hasil, seen=seen, checked=required)

    @rule(chosen=st.lists(accounts, min_size=1, max_size=4), hasil=HASIL)
    def bulk_result(self, chosen, hasil):
        record_bulk_result(AkunMedsos.objects.filter(pk__in=[a.pk for a in chosen]), self.ani, hasil)

    @rule(akun=accounts)
    def undo_latest_check(self, akun):
        """A superuser deletes the latest check (Verifikasi admin)."""
        akun = fresh(AkunMedsos, akun)
        latest = akun and akun.verifikasi.order_by("-waktu", "-pk").first()
        if latest:
            latest.delete()
            akun.refresh_status()

    @rule(official=officials, chosen=st.lists(accounts, max_size=5))
    def follower_list(self, official, chosen):
        official = fresh(AkunMedsos, official)
        if official is None:
            return
        names = set(AkunMedsos.objects.filter(pk__in=[a.pk for a in chosen]).values_list("username", flat=True))
        followers.apply(official, followers.FollowerList(names | {"warga.lain"}, 0), self.ani, "pengikut.txt")

    # Official accounts -------------------------------------------------------

    @rule(target=officials, unit=units, platform=PLATFORMS, wajib=st.booleans())
    def add_official(self, unit, platform, wajib):
        return AkunMedsos.objects.create(instansi=fresh(Instansi, unit), platform=platform,
                                         username=f"resmi{next(_names)}", wajib_diikuti=wajib)

    @rule(official=officials, unit=units, wajib=st.booleans())
    def edit_official(self, official, unit, wajib):
        """Admin form: moved to another unit, or its wajib diikuti toggled."""
        official = fresh(AkunMedsos, official)
        if official:
            official.instansi, official.wajib_diikuti = fresh(Instansi, unit), wajib
            official.save()

    @rule(official=officials)
    def delete_official(self, official):
        official = fresh(AkunMedsos, official)
        if official and not official.verifikasi.exists() and not official.konten.exists():
            official.delete()

    # Contents and proofs ------------------------------------------------------

    @rule(target=contents, official=officials, days=st.integers(-12, 0), wajib=st.booleans())
    def add_content(self, official, days, wajib):
        official = fresh(AkunMedsos, official)
        if official is None:
            return multiple()
        n = next(_names)
        return Konten.objects.create(akun=official, platform=official.platform, kode=f"p/K{n:08d}",
                                     tautan=f"https://www.instagram.com/p/K{n:08d}/", judul=f"Konten {n}",
                                     terbit=timezone.localdate() + datetime.timedelta(days=days), wajib=wajib)

    @rule(konten=contents, shift=st.integers(-20, 20), wajib=st.booleans())
    def edit_content(self, konten, shift, wajib):
        """Admin form: its date (into another month, perhaps), deadline or wajib changed."""
        konten = fresh(Konten, konten)
        if konten:
            konten.terbit += datetime.timedelta(days=shift)
            konten.batas = konten.terbit + datetime.timedelta(days=abs(shift) % 4)
            konten.wajib = wajib
            konten.save()

    @rule(target=proofs, konten=contents, akun=accounts, late=st.integers(-1, 3))
    def add_proof(self, konten, akun, late):
        """The employee's page: a proof, on time or late."""
        konten, akun = fresh(Konten, konten), fresh(AkunMedsos, akun)
        if not konten or not akun or BuktiSebar.objects.filter(konten=konten, pegawai_id=akun.pegawai_id).exists():
            return multiple()
        moment = datetime.datetime.combine(konten.batas + datetime.timedelta(days=late), datetime.time(9))
        return BuktiSebar.objects.create(konten=konten, pegawai_id=akun.pegawai_id, akun=akun,
                                         waktu=timezone.make_aware(moment))

    @rule(proof=proofs, hasil=st.sampled_from(HasilBukti.values))
    def check_proof(self, proof, hasil):
        """The spot-check queue: valid, not valid, or taken back."""
        proof = fresh(BuktiSebar, proof)
        if proof:
            proof.hasil = hasil
            proof.diperiksa_pada = None if hasil == HasilBukti.BELUM_DIPERIKSA else timezone.now()
            proof.save()

    @rule(proof=proofs)
    def delete_proof(self, proof):
        proof = fresh(BuktiSebar, proof)
        if proof:
            proof.delete()

    @rule(konten=contents, chosen=st.lists(accounts, min_size=1, max_size=4))
    def import_proofs(self, konten, chosen):
        """Proof import, one a row: each account's share of the content, named by its handle."""
        konten = fresh(Konten, konten)
        if konten is None:
            return
        lines = [("NIP", "NIK", "KONTEN", "TAUTAN BUKTI")]
        for akun in filter(None, (fresh(AkunMedsos, a) for a in chosen)):
            n = next(_names)
            link = {"instagram": f"https://www.instagram.com/stories/{akun.username}/{n}000/",
                    "tiktok": f"https://www.tiktok.com/@{akun.username}/video/{n}000",
                    "facebook": f"https://www.facebook.com/{akun.username}/posts/{n}000"}[akun.platform]
            lines.append((akun.pegawai.nip or "", akun.pegawai.nik or "", str(konten.pk), link))
        if len(lines) > 1:
            self.run_import(BuktiSebarResource, csv(*lines))

    # ------------------------------------------------------------------------

    def run_import(self, resource_class, data, options=None):
        """What the import confirm does: plan, then check again and apply the valid rows."""
        resource = resource_class(user=self.ani)
        plan = resource.plan(data, "berkas.csv", options)
        resource.apply(plan)

    @invariant()
    def stored_equals_computed(self):
        differing, first, units = drift()
        assert (differing, units) == (0, set()), f"kepatuhan tersimpan keliru: {first}, unit {units}"
        assert misplaced() == 0, "unit_pemilik akun atau verifikasi keliru"
        assert sebaran.drift() == {}, "sebaran tersimpan keliru"


@pytest.mark.django_db
def test_random_writes_keep_stored_compliance_true():
    run_state_machine_as_test(
        Writes,
        settings=settings(
            max_examples=25,
            stateful_step_count=50,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
