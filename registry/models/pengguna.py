"""What the registry keeps of its users beyond Django's ``User``, and the
users' own history."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from simple_history import register

from registry import identity


class ProfilPengguna(models.Model):
    """What the registry knows of a user beyond Django's ``User``: the NIP
    printed beside *Dibuat oleh* on the lists the user prints."""

    pengguna = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="pengguna", on_delete=models.CASCADE, related_name="profil_registri"
    )
    nip = models.CharField(
        "NIP",
        max_length=18,
        blank=True,
        validators=[identity.validate_nip_any],
        help_text="NIP petugas, dicetak pada baris Dibuat oleh di daftar yang dicetaknya.",
    )

    class Meta:
        verbose_name = "profil pengguna"
        verbose_name_plural = "profil pengguna"

    def __str__(self):
        return f"Profil {self.pengguna}"


# Users and their roles (groups) have a history too; the password hash and
# the last login are not history (logins are kept by django-axes).
register(
    User,
    app="registry",
    m2m_fields=["groups"],
    excluded_fields=["password", "last_login"],
    verbose_name="riwayat pengguna",
)
