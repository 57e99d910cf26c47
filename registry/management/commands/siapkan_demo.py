import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from registry.demo import load_demo
from registry.models import Instansi

# username, group, kode of the operated instansi
DEMO_USERS = [
    ("verifikator", "Verifikator BKD", None),
    ("operator.disdik", "Operator OPD", "DISDIK"),
    ("operator.dinkes", "Operator OPD", "DINKES"),
]


class Command(BaseCommand):
    help = (
        "Muat data demo bila registri masih kosong, dan buat pengguna demo bila belum ada "
        "pengguna sama sekali. Tidak mengubah data yang sudah ada."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if Instansi.objects.exists():
            self.stdout.write("Data sudah ada; data demo tidak dimuat ulang.")
        else:
            load_demo()
            self.stdout.write(self.style.SUCCESS("Data demo dimuat."))

        User = get_user_model()
        if User.objects.exists():
            self.stdout.write(
                "Pengguna sudah ada; pengguna demo tidak dibuat. "
                "Lupa kata sandi? python manage.py changepassword admin"
            )
            return

        password = secrets.token_urlsafe(9)
        User.objects.create_superuser("admin", password=password, first_name="Admin BKD")
        for username, group, kode in DEMO_USERS:
            user = User.objects.create_user(username, password=password, is_staff=True)
            user.groups.add(Group.objects.get(name=group))
            if kode:
                Instansi.objects.get(kode=kode).operator.add(user)

        names = ", ".join(["admin", *(u for u, _, _ in DEMO_USERS)])
        self.stdout.write(
            self.style.SUCCESS(
                f"\nPengguna demo dibuat: {names}\n"
                f"Kata sandi semuanya: {password}\n"
                f"Masuk di http://127.0.0.1:8000/ sebagai admin (Admin BKD).\n"
            )
        )
