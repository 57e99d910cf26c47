"""Pengguna: a user set up in one form (role, operator's unit, NIP)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError

from registry import identity
from registry.admin.dasar import RiwayatAdmin
from registry.cakupan import ADMIN_BKD, OPERATOR_OPD, ROLES, role_of
from registry.filters import UnitChoiceField
from registry.models import Instansi, ProfilPengguna


class PeranForm(forms.ModelForm):
    """The user form's part that sets a user up in one place: the role, an
    operator's instansi, and the NIP printed under *Dibuat oleh*."""

    peran = forms.ChoiceField(label="Peran", choices=[("", "— pilih peran —"), *ROLES.items()])
    instansi = UnitChoiceField(
        label="Instansi yang dioperasikan",
        queryset=Instansi.objects.filter(aktif=True),
        required=False,
        empty_label="— pilih instansi —",
        help_text="Untuk Operator OPD: instansi ini beserta sub-unitnya. Operator beberapa instansi: tambahkan "
        "instansi lainnya di halaman Instansi (kotak Operator).",
    )
    nip = forms.CharField(
        label="NIP",
        required=False,
        max_length=30,
        help_text="NIP petugas, dicetak pada baris Dibuat oleh di daftar yang dicetaknya.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance
        if user.pk:
            self.initial.setdefault("peran", role_of(user))
            operated = Instansi.objects.filter(operator=user).order_by("jalur").first()
            self.initial.setdefault("instansi", operated.pk if operated else None)
            profile = ProfilPengguna.objects.filter(pengguna=user).first()
            self.initial.setdefault("nip", profile.nip if profile else "")

    def clean_nip(self):
        nip = self.cleaned_data["nip"].strip()
        if not nip:
            return ""
        try:
            return identity.validate_nip_any(nip)
        except ValidationError as e:
            raise ValidationError(f"NIP tidak sah: {e.messages[0]}.") from None

    def clean(self):
        data = super().clean()
        if data.get("peran") == OPERATOR_OPD and not data.get("instansi"):
            self.add_error("instansi", "Pilih instansi yang dioperasikan Operator OPD ini.")
        return data

    def save_role(self):
        """The role's group, and for an operator the instansi; after the user is saved."""
        user, role = self.instance, self.cleaned_data["peran"]
        user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
        user.groups.add(Group.objects.get(name=role))
        before = self.initial.get("instansi")
        # From the unit's side: that is the side its history records
        # (simple_history follows an m2m from its own model only).
        chosen = self.cleaned_data["instansi"] if role == OPERATOR_OPD else None
        for unit in Instansi.objects.filter(operator=user).exclude(pk=getattr(chosen, "pk", None)):
            if chosen is None or unit.pk == before:
                unit.operator.remove(user)
        if chosen is not None:
            chosen.operator.add(user)
        ProfilPengguna.objects.update_or_create(pengguna=user, defaults={"nip": self.cleaned_data["nip"]})


class PenggunaForm(PeranForm, UserChangeForm):
    pass


class PenggunaBaruForm(PeranForm, UserCreationForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class PenggunaAdmin(RiwayatAdmin, UserAdmin):
    form = PenggunaForm
    add_form = PenggunaBaruForm
    list_display = ["username", "nama_lengkap", "peran", "unit_dioperasikan", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Data pribadi", {"fields": ["first_name", "last_name", "email", "nip"]}),
        ("Peran di registri", {"fields": ["peran", "instansi", "is_active"]}),
        ("Izin tambahan (lanjutan)", {"classes": ["collapse"], "fields": ["user_permissions"]}),
        ("Tanggal penting", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        ("Data pribadi", {"fields": ["first_name", "last_name", "nip"]}),
        ("Peran di registri", {"fields": ["peran", "instansi"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "instansi_dioperasikan")

    @admin.display(description="nama")
    def nama_lengkap(self, obj):
        return obj.get_full_name()

    @admin.display(description="peran")
    def peran(self, obj):
        if obj.is_superuser:
            return ADMIN_BKD
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"

    @admin.display(description="instansi")
    def unit_dioperasikan(self, obj):
        return ", ".join(u.nama for u in obj.instansi_dioperasikan.all()) or "—"

    def save_model(self, request, obj, form, change):
        obj.is_staff = True
        obj.is_superuser = form.cleaned_data["peran"] == ADMIN_BKD
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_role()
