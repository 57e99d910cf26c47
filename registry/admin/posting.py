"""Posts of official accounts: listed, read-only (they come from the
accounts' own exports, registry.posting), and made contents to spread."""

from django.contrib import admin, messages
from django.utils.html import format_html

from registry import posting
from registry.admin.dasar import ScopedAdmin
from registry.aturan_sebar import official_accounts
from registry.models import Posting


@admin.register(Posting)
class PostingAdmin(ScopedAdmin):
    list_display = ["waktu", "akun", "jenis", "tautan_tampil", "judul"]
    list_filter = ["jenis"]
    list_select_related = ["akun"]
    search_fields = ["akun__username", "judul"]
    search_help_text = "Cari nama akun resmi atau judul."
    actions = ["jadikan_konten", "hapus_posting"]

    def has_add_permission(self, request):
        # Posts come from the accounts' own exports (Akun resmi › Unggah data posting).
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Django's deletion would leave the account's newest post as it was: *hapus_posting* keeps it true.
        return False

    def has_hapus_permission(self, request):
        return request.user.has_perm("registry.delete_posting")

    def has_add_konten_permission(self, request):
        # The action below makes contents: who may register them may run it.
        return request.user.has_perm("registry.add_konten")

    @admin.display(description="tautan")
    def tautan_tampil(self, obj):
        if not obj.tautan:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">buka</a>', obj.tautan)

    @admin.action(description="Jadikan konten untuk disebarkan", permissions=["add_konten"])
    def jadikan_konten(self, request, queryset):
        allowed = queryset.filter(akun__in=official_accounts(request.user)).select_related("akun__instansi")
        made, skipped = posting.to_contents(allowed)
        messages.success(request, f"{made} posting menjadi konten untuk disebarkan; {skipped} dilewati (tanpa "
                                  "tautan atau sudah menjadi konten).")

    @admin.action(description="Hapus posting terpilih (unggahan yang keliru)", permissions=["hapus"])
    def hapus_posting(self, request, queryset):
        deleted = posting.remove(queryset)
        messages.success(request, f"{deleted} posting dihapus; posting terakhir tiap akun dihitung ulang.")
