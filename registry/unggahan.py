"""Pictures clerks upload (check screenshots, the letterhead logo): what
type and size each may be, checked before anything is stored."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator

LOGO_MAX_BYTES = 512 * 1024


def image_validators(what, size_validator):
    """An uploaded picture (screenshot, logo): its type, then its size."""
    return [
        FileExtensionValidator(
            ["png", "jpg", "jpeg", "webp"], message=f"{what} harus berupa gambar PNG, JPG atau WEBP."
        ),
        size_validator,
    ]


def validate_screenshot_size(file):
    if file.size > 5 * 1024 * 1024:
        raise ValidationError("Tangkapan layar paling besar 5 MB; perkecil gambarnya lalu unggah ulang.")


def validate_logo_size(file):
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError("Logo paling besar 512 KB; perkecil gambarnya lalu unggah ulang.")
