"""NIP and NIK: normalise what a clerk typed or pasted, then validate it.

The rules are in DESIGN §5. Every error is a ``ValidationError`` with an
Indonesian message a clerk can act on; callers add the row and column.
"""

import datetime
import re

from django.core.exceptions import ValidationError

NUMBER_CELL_MESSAGE = (
    "{label} tersimpan sebagai angka, sehingga Excel sudah membulatkan digit terakhirnya; "
    "format kolom {label} sebagai Teks lalu ketik atau tempel ulang nomornya"
)

# Excel shows a long number as "1,98503E+17" and a copy of that cell into a
# text column keeps exactly that string.
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")
# Spaces of every kind (a cell copied from a web page brings U+00A0), dots
# and dashes are only visual grouping of the digits.
_SEPARATORS = re.compile(r"[\s\u00a0\u2007\u202f\u200b.\-\u2010-\u2015]+")
# A pasted "NIP: …"; a combined "NIP/NIK" column may hold either label.
_LABELS = {
    label: re.compile(rf"^(?:{words})\s*[:.]?\s*", re.IGNORECASE)
    for label, words in [("NIP", "NIP"), ("NIK", "NIK"), ("NIP/NIK", "NIP|NIK")]
}


def normalise(value, label):
    """Return the bare digits of a NIP or NIK, or "" when nothing was given.

    ``label`` ("NIP", "NIK", or "NIP/NIK" for a combined column) names the
    number in error messages.
    Anything that came through an Excel number cell is rejected, never
    repaired: the lost digits cannot be recovered.
    """
    if value is None:
        return ""
    if type(value) is str and value.isdigit():
        # Already bare digits: the common case in a bulk import.
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValidationError(NUMBER_CELL_MESSAGE.format(label=label), code="number_cell")
    text = str(value).strip().lstrip("'\u2018\u2019").strip()
    text = _LABELS[label].sub("", text)
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise ValidationError(NUMBER_CELL_MESSAGE.format(label=label), code="number_cell")
    return _SEPARATORS.sub("", text)


def _digits(text, length, label):
    if not text:
        raise ValidationError(f"{label} belum diisi", code="required")
    if not text.isdigit() or not text.isascii():
        raise ValidationError(
            f"{label} hanya boleh berisi angka; periksa huruf atau tanda baca di dalamnya",
            code="not_digits",
        )
    if len(text) != length:
        raise ValidationError(
            f"{label} harus {length} digit, yang diisi {len(text)} digit",
            code="length",
        )


def _birth_date(text, label):
    try:
        born = datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValidationError(
            f"8 digit pertama {label} ({text[0:8]}) bukan tanggal lahir yang sah (TTTTBBHH)",
            code="birth_date",
        ) from None
    if born.year < 1900 or born > datetime.date.today():
        raise ValidationError(
            f"tanggal lahir pada {label} ({born:%d-%m-%Y}) tidak masuk akal",
            code="birth_date",
        )
    return born


def _gender_and_sequence(text, label):
    if text[14] not in "12":
        raise ValidationError(
            f"digit ke-15 {label} (jenis kelamin) harus 1 atau 2, bukan {text[14]}",
            code="gender",
        )
    if text[15:18] == "000":
        raise ValidationError(
            f"nomor urut {label} (3 digit terakhir) tidak boleh 000; bila nomornya pernah "
            f"tersimpan sebagai angka di Excel, 3 digit terakhir berubah menjadi 000: "
            f"ketik ulang dari SK",
            code="sequence",
        )


def validate_nip_pns(value):
    """A PNS NIP: birth date, CPNS appointment YYYYMM, gender, sequence."""
    nip = normalise(value, "NIP")
    _digits(nip, 18, "NIP")
    born = _birth_date(nip, "NIP")
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            f"digit ke-13 dan 14 NIP (bulan pengangkatan CPNS) harus 01–12, bukan {nip[12:14]}",
            code="appointment",
        )
    if (year, month) <= (born.year, born.month):
        raise ValidationError(
            f"bulan pengangkatan pada NIP ({nip[12:14]}-{nip[8:12]}) harus sesudah tanggal lahir",
            code="appointment",
        )
    _gender_and_sequence(nip, "NIP")
    return nip


def validate_nip_pppk(value):
    """A PPPK NIP: birth date, appointment year, two free digits, gender, sequence.

    The two digits after the year are not a month and are not validated.
    """
    nip = normalise(value, "NIP")
    _digits(nip, 18, "NIP")
    born = _birth_date(nip, "NIP")
    if int(nip[8:12]) <= born.year:
        raise ValidationError(
            f"tahun pengangkatan pada NIP PPPK ({nip[8:12]}) harus sesudah tahun lahir",
            code="appointment",
        )
    _gender_and_sequence(nip, "NIP")
    return nip


def validate_nip_any(value):
    """A NIP of either kind, when the status is not known (a clerk's own):
    every PNS NIP also passes the looser PPPK rule."""
    return validate_nip_pppk(value)


def validate_nik(value):
    """A NIK: region PPKKCC, birth DDMMYY (+40 on the day for women), sequence."""
    nik = normalise(value, "NIK")
    _digits(nik, 16, "NIK")
    if not 11 <= int(nik[0:2]) <= 94:
        raise ValidationError(
            f"2 digit pertama NIK (kode provinsi) harus 11–94, bukan {nik[0:2]}",
            code="province",
        )
    day, month = int(nik[6:8]), int(nik[8:10])
    if day > 40:
        day -= 40
    # The century is unknown, so 29 February is always allowed.
    try:
        datetime.date(2000, month, day)
    except ValueError:
        raise ValidationError(
            f"digit ke-7 sampai 12 NIK ({nik[6:12]}) bukan tanggal lahir yang sah "
            f"(HHBBTT, hari ditambah 40 untuk perempuan)",
            code="birth_date",
        ) from None
    if nik[12:16] == "0000":
        raise ValidationError("nomor urut NIK (4 digit terakhir) tidak boleh 0000", code="sequence")
    return nik


def gender_from_nip(nip):
    """"L" or "P" from the 15th digit of a NIP; "" while it is malformed."""
    if len(nip) != 18 or nip[14] not in "12":
        return ""
    return "L" if nip[14] == "1" else "P"


def gender_from_nik(nik):
    """"L" or "P" from the birth day of a NIK; "" while it is malformed."""
    if len(nik) != 16 or not nik[6:8].isdigit():
        return ""
    return "P" if int(nik[6:8]) > 40 else "L"


def masked(nik):
    """A NIK as seen by those who do not edit Non-ASN staff: 3273**********01."""
    return f"{nik[:4]}{'*' * (len(nik) - 6)}{nik[-2:]}" if nik else ""


def grouped(number):
    """A NIP in its official grouping (birth date, appointment, gender,
    sequence: "19780320 200408 1 172"); a NIK, which has none, as it is."""
    if number and len(number) == 18 and number.isdigit():
        return f"{number[:8]} {number[8:14]} {number[14]} {number[15:]}"
    return number or ""
