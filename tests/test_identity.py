import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from registry import identity

VALID_PNS = [
    ("198503122010011003", "198503122010011003"),
    ("19850312 201001 1 003", "198503122010011003"),
    ("19850312.201001.1.003", "198503122010011003"),
    ("19850312-201001-1-003", "198503122010011003"),
    ("'198503122010011003", "198503122010011003"),
    ("NIP. 19850312 201001 1 003", "198503122010011003"),
    ("NIP 198503122010011003", "198503122010011003"),
    ("nip: 198503122010011003", "198503122010011003"),
    ("  198503122010011003  ", "198503122010011003"),
    ("19850312\u00a0201001\u00a01\u00a0003", "198503122010011003"),
    ("197002282000031001", "197002282000031001"),
    ("200002292024122999", "200002292024122999"),
    ("196612311990012001", "196612311990012001"),
    ("199912012023062015", "199912012023062015"),
    ("198001012005102123", "198001012005102123"),
    ("197508172001121456", "197508172001121456"),
]

INVALID_PNS = [
    ("19850312201001100", "18 digit"),  # 17 digits
    ("1985031220100110031", "18 digit"),  # 19 digits
    ("19850312201001100A", "hanya boleh berisi angka"),
    ("198502302010011003", "tanggal lahir"),  # 30 February
    ("198513012010011003", "tanggal lahir"),  # month 13
    ("185001012010011003", "tidak masuk akal"),
    ("209901012120011003", "tidak masuk akal"),  # born in the future
    ("198503122010131003", "01–12"),
    ("198503122010001003", "01–12"),
    ("198503121984011003", "sesudah tanggal lahir"),
    ("198503121985031003", "sesudah tanggal lahir"),
    ("198503122010013003", "jenis kelamin"),
    ("198503122010010003", "jenis kelamin"),
    ("198503122010011000", "tidak boleh 000"),
    ("1,98503E+17", "Teks"),
    ("1.98503E+17", "Teks"),
    ("", "belum diisi"),
]


@pytest.mark.parametrize("raw,expected", VALID_PNS)
def test_valid_pns_nip_is_normalised(raw, expected):
    assert identity.validate_nip_pns(raw) == expected


@pytest.mark.parametrize("raw,message", INVALID_PNS)
def test_invalid_pns_nip_names_the_problem(raw, message):
    with pytest.raises(ValidationError) as e:
        identity.validate_nip_pns(raw)
    assert message in e.value.messages[0]


@pytest.mark.parametrize("number", [198503122010011003, 1.98503122010011e17])
def test_nip_from_an_excel_number_cell_is_refused_not_repaired(number):
    with pytest.raises(ValidationError) as e:
        identity.validate_nip_pns(number)
    assert e.value.code == "number_cell"
    assert "format kolom NIP sebagai Teks" in e.value.messages[0]


VALID_PPPK = [
    "199001152021011002",
    "199001152021131002",  # the two digits after the year are not a month
    "199001152021001002",
    "199001152021991002",
    "199001152021572999",
    "1990 0115 2021 01 1 002",
    "NIP. 199001152021011002",
    "'199001152021011002",
    "198512312022152001",
    "197001012023011010",
    "200102282024222345",
    "196812312021561100",
    "199506302022781500",
    "198811112023001999",
    "199209092024452050",
]

INVALID_PPPK = [
    ("19900115202101100", "18 digit"),
    ("199001152021011A02", "angka"),
    ("199013152021011002", "tanggal lahir"),
    ("199002302021011002", "tanggal lahir"),
    ("199001151990011002", "sesudah tahun lahir"),
    ("199001151985011002", "sesudah tahun lahir"),
    ("199001152021013002", "jenis kelamin"),
    ("199001152021010002", "jenis kelamin"),
    ("199001152021019002", "jenis kelamin"),
    ("199001152021011000", "000"),
    ("189901152021011002", "tidak masuk akal"),
    ("1,99001E+17", "Teks"),
    ("1.99001152021011E+17", "Teks"),
    ("", "belum diisi"),
    ("NIK 199001152021011002", "angka"),
]


@pytest.mark.parametrize("raw", VALID_PPPK)
def test_valid_pppk_nip(raw):
    assert len(identity.validate_nip_pppk(raw)) == 18


@pytest.mark.parametrize("raw,message", INVALID_PPPK)
def test_invalid_pppk_nip(raw, message):
    with pytest.raises(ValidationError) as e:
        identity.validate_nip_pppk(raw)
    assert message in e.value.messages[0]


def test_pppk_nip_is_not_a_pns_nip_when_its_month_digits_are_not_a_month():
    identity.validate_nip_pppk("199001152021131002")
    with pytest.raises(ValidationError):
        identity.validate_nip_pns("199001152021131002")


VALID_NIK = [
    "1671011203850001",
    "1671015203850001",  # a woman: day 12 + 40
    "1101010101000001",
    "9471010101999999",
    "3273012902000123",  # 29 February
    "3273016902000123",  # 29 February, a woman
    "1671 0112 0385 0001",
    "1671.0112.0385.0001",
    "'1671011203850001",
    "NIK 1671011203850001",
    "NIK: 1671011203850001",
    "5171013112990042",
    "5171017112990042",  # 31 + 40
    "6471014106010007",
    "3578010110759999",
]

INVALID_NIK = [
    ("167101120385000", "16 digit"),
    ("16710112038500011", "16 digit"),
    ("1671011203850O01", "angka"),
    ("1071011203850001", "kode provinsi"),
    ("9571011203850001", "kode provinsi"),
    ("0071011203850001", "kode provinsi"),
    ("1671013203850001", "tanggal lahir"),  # day 32
    ("1671010003850001", "tanggal lahir"),  # day 00
    ("1671014003850001", "tanggal lahir"),  # day 40
    ("1671017203850001", "tanggal lahir"),  # day 72
    ("1671011213850001", "tanggal lahir"),  # month 13
    ("1671013102850001", "tanggal lahir"),  # 31 February
    ("1671011203850000", "0000"),
    ("1,67101E+15", "Teks"),
    ("", "belum diisi"),
]


@pytest.mark.parametrize("raw", VALID_NIK)
def test_valid_nik(raw):
    assert len(identity.validate_nik(raw)) == 16


@pytest.mark.parametrize("raw,message", INVALID_NIK)
def test_invalid_nik(raw, message):
    with pytest.raises(ValidationError) as e:
        identity.validate_nik(raw)
    assert message in e.value.messages[0]


def test_gender_is_derived_not_asked():
    assert identity.gender_from_nip("198503122010011003") == "L"
    assert identity.gender_from_nip("198503122010012003") == "P"
    assert identity.gender_from_nik("1671011203850001") == "L"
    assert identity.gender_from_nik("1671015203850001") == "P"


_decorated = st.tuples(
    st.sampled_from(["", "'", "NIP ", "NIP. ", "nik: "]),
    st.lists(st.sampled_from("0123456789 .-"), min_size=0, max_size=30),
)


@given(_decorated)
def test_normalising_is_idempotent(parts):
    prefix, body = parts
    once = identity.normalise(prefix + "".join(body), "NIP")
    assert identity.normalise(once, "NIP") == once


@given(
    st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2005, 12, 31)),
    st.integers(1, 12),
    st.integers(19, 40),
    st.sampled_from("12"),
    st.integers(1, 999),
)
def test_every_well_formed_pns_nip_validates_in_any_grouping(born, month, age, gender, seq):
    nip = f"{born:%Y%m%d}{born.year + age}{month:02d}{gender}{seq:03d}"
    grouped = f"NIP. {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert identity.validate_nip_pns(grouped) == nip
