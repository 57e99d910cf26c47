"""Posts of official accounts (DESIGN §10), counted from the account's own
exported data; what is read from which export lives in registry.posting,
the figures in registry.keaktifan."""

from django.db import models
from django.db.models import Q

from registry.cakupan import ScopedQuerySet, scope_paths
from registry.models.akun import AkunMedsos, JenisPosting


class PostingQuerySet(ScopedQuerySet):
    path_field = "akun__unit_pemilik__jalur"

    def for_user(self, user):
        """The posts of the official accounts ``user`` sees. Named by id: a
        join to the accounts' units made PostgreSQL walk every account's
        newest posts for an OPD's five (1.63× from 700 to 7,036 accounts);
        a list of ids lets it read each account's posts from its index."""
        if scope_paths(user) is None:
            return self
        accounts = AkunMedsos.objects.for_user(user).filter(instansi__isnull=False).values_list("pk", flat=True)
        return self.filter(akun_id__in=list(accounts))


class Posting(models.Model):
    akun = models.ForeignKey(
        AkunMedsos,
        verbose_name="akun resmi",
        on_delete=models.CASCADE,
        related_name="posting",
        limit_choices_to={"instansi__isnull": False},
        # registry_posting_waktu_idx (akun, waktu) serves every lookup by account.
        db_index=False,
    )
    # Stored in UTC like every time; shown in the unit's zone (keaktifan.zone_of).
    waktu = models.DateTimeField("waktu unggah")
    jenis = models.CharField("jenis", max_length=5, choices=JenisPosting.choices, default=JenisPosting.FEED)
    tautan = models.URLField("tautan", max_length=500, blank=True)
    judul = models.CharField("judul (baris pertama keterangan)", max_length=200, blank=True)
    dicatat_pada = models.DateTimeField("dicatat pada", auto_now_add=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = "posting akun resmi"
        verbose_name_plural = "posting akun resmi"
        ordering = ["-waktu"]
        constraints = [
            # Uploading the same export again, or one that overlaps the last,
            # adds only what is new: a post is known by its link ...
            models.UniqueConstraint(
                fields=["akun", "tautan"],
                condition=~Q(tautan=""),
                name="%(app_label)s_%(class)s_tautan_unik",
                violation_error_message="Posting dengan tautan ini sudah tercatat untuk akun ini.",
            ),
            # ... or, where the export gives none (Instagram's), by its time.
            models.UniqueConstraint(
                fields=["akun", "jenis", "waktu"],
                condition=Q(tautan=""),
                name="%(app_label)s_%(class)s_waktu_unik",
                violation_error_message="Posting pada waktu ini sudah tercatat untuk akun ini.",
            ),
        ]
        indexes = [
            # Every figure, strip and list: WHERE akun = A AND waktu >= D
            # (and the newest post, ORDER BY waktu DESC LIMIT 1).
            models.Index(fields=["akun", "waktu"], name="registry_posting_waktu_idx"),
            # The posts' list, newest first: ORDER BY waktu DESC, id DESC LIMIT 51,
            # read from the index instead of sorting millions.
            models.Index(fields=["waktu", "id"], name="registry_posting_terbaru_idx"),
        ]

    def __str__(self):
        return f"{self.akun} — {self.get_jenis_display()} {self.waktu:%d-%m-%Y %H:%M}"
