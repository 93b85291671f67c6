"""Normalisation rules, each with the real spellings it exists for."""

from __future__ import annotations

import pytest

from claims.matching.normalise import (
    InvalidParcelNumber,
    ParcelNumber,
    fold_arabic,
    fold_digits,
    fold_interdentals,
    name_skeleton,
    normalise_address,
    parse_parcel_number,
)

# --------------------------------------------------------------------------- Arabic folding


@pytest.mark.parametrize(
    ("entered", "folded"),
    [
        ("مُحَمَّد", "محمد"),  # damma, fatha, shadda
        ("مُحمْد", "محمد"),  # sukun
        ("كِتابٌ", "كتاب"),  # kasra, tanwin
        ("محـــمد", "محمد"),  # tatweel
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),  # alef madda, taa marbuta
        ("ٱلله", "الله"),  # alef wasla
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("مؤمن", "مومن"),  # hamza on waw
        ("رائد", "رايد"),  # hamza on ya
        ("کریم", "كريم"),  # Persian kaf and ya
        ("گل", "كل"),  # gaf
        ("هەولێر", "ههولير"),  # Kurdish ae (to ha) and ye with v
        ("کەرکووک", "كهركووك"),
        ("ڕەش", "رهش"),  # Kurdish r with v below
        ("هەڵەبجە", "ههلهبجه"),  # Kurdish l with v
        ("پیر", "بير"),  # pe
        ("چاو", "جاو"),  # che
        ("ژیان", "زيان"),  # zhe
        ("ڤین", "فين"),  # ve
    ],
)
def test_fold_arabic_removes_marks_and_letter_variants(entered: str, folded: str) -> None:
    assert fold_arabic(entered) == folded


def test_fold_arabic_expands_presentation_forms() -> None:
    assert fold_arabic("\ufefb") == "لا"


def test_fold_digits_reads_arabic_indic_and_persian_digits() -> None:
    assert fold_digits("٣٤٥/٦ و ۳۴۵") == "345/6 و 345"


# --------------------------------------------------------------------------- name skeletons


@pytest.mark.parametrize(
    "spellings",
    [
        ("محمد عبد الرحمن", "Mohamed Abdulrahman", "Muhammad Abd al-Rahman"),
        ("Mohammed Abdel Rahman", "MOHAMMAD ABDAL RAHMAN", "Mohd Abdurrahman"),
        ("مُحَمَّد", "Mohammed", "Muhammad", "Mohamed", "mohamad"),
        ("عبد الله", "عبدالله", "Abdullah", "Abdallah", "Abd Allah", "Abdulla"),
        ("عبد الأمير", "Abdul Ameer", "Abd al-Amir", "Abdulameer", "Abdel Amir"),
        ("علي حسين الجبوري", "Ali Hussein al-Jubouri", "Ali Husain Al Jubouri"),
        ("الربيعي", "al-Rubaie", "ar-Rubaie", "Al Rubaie", "Alrubaie", "el-Rubaie"),
        ("الزبيدي", "az-Zubaidi", "as-Zubaidi", "ad-Zubaidi", "Zubaidi"),
        ("الشمري", "ash-Shammari", "an-Shammari", "at-Shammari", "al Shamari"),
        ("احمد بن علي", "Ahmed bin Ali", "Ahmad ibn Ali", "Ahmed ben Ali"),
        ("خالد", "Khalid", "Khaled"),  # kh
        ("غالب", "Ghalib", "Qalib"),  # gh, q
        ("ذياب", "Dhiyab", "Diyab"),  # dh
        ("ثامر", "Thamer", "Tamer"),  # th
        ("قاسم", "Qasim", "Kasim", "Gasim"),  # q, k, Iraqi g
        ("يوسف", "Yousif", "Yusif", "Yoosif"),  # ou, u, oo
        ("سعيد", "Saeed", "Said"),  # ee, i
        ("زينب", "Zainab", "Zeinab", "Zaynab"),  # ai, ei
        ("حسن", "Hassan", "Hasan"),  # doubled letters
        ("سعد", "Saad", "Sa'ad", "Saʿad", "Sa’ad", "Sa`ad"),  # ayn as apostrophes
        ("فاطمة", "Fatima", "Fatimah"),
        ("جعفر", "Jaafar", "Ja'far", "Jaʿfar", "Jafar", "Jaffar"),  # ayn, aa, doubled f
        ("مصطفى", "Mustafa", "Moustafa", "Mostafa", "Mustapha"),  # ou, o, ph
        ("الجبوري", "al-Jubouri", "Al-Jubori", "Aljubouri", "el-Joubouri", "Al-Juburi"),
        ("عبد الحسين", "Abdul-Hussain", "Abdulhussein", "Abd al-Husayn", "Abdel Hussein"),
        ("نور الدين", "Nour al-Din", "Nur ad-Din", "Nuraddin", "Noureddine"),  # -Din compounds
        ("صلاح الدين", "Salah al-Din", "Salah ad-Din", "SALAH EL-DIN"),
    ],
)
def test_spellings_of_one_name_share_a_skeleton(spellings: tuple[str, ...]) -> None:
    assert {name_skeleton(spelling) for spelling in spellings} == {name_skeleton(spellings[0])}


def test_arabic_and_latin_skeletons_are_the_same_form() -> None:
    assert name_skeleton("محمد عبد الرحمن") == "mhmd abdrhmn"
    assert name_skeleton("Mohamed Abdulrahman") == "mhmd abdrhmn"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ali", "Lu'ay"),  # an initial vowel is kept apart from none
        ("Abd Ali", "Abdullah"),  # abd joins the next name, not a fixed form
        ("Hassan", "Hussein Ali"),
        ("Ali Hussein", "Hussein Ali"),
        ("علي", "عمر"),
    ],
)
def test_different_names_keep_different_skeletons(first: str, second: str) -> None:
    assert name_skeleton(first) != name_skeleton(second)


@pytest.mark.parametrize(
    "spellings",
    [
        ("كاظم", "Kadhim", "Kazim", "Kathim", "Kadim", "Kazem"),
        ("ظاهر", "Dhahir", "Thahir", "Zahir"),
        ("نظام", "Nidham", "Nizam", "Nitham"),
        ("ذياب", "Dhiyab", "Diyab", "Thiab"),
        ("فاضل", "Fadhil", "Fadil", "Fadel", "Fazil"),
    ],
)
def test_interdental_spellings_meet_once_folded(spellings: tuple[str, ...]) -> None:
    # Iraqis say ذ ظ ض alike and write them dh, th, z or d.
    folded = {fold_interdentals(name_skeleton(spelling)) for spelling in spellings}
    assert len(folded) == 1


def test_interdental_folding_is_not_part_of_the_skeleton() -> None:
    # Hamza and Hamid are two names; only comparisons look at them folded.
    assert name_skeleton("Hamza") != name_skeleton("Hamid")
    assert fold_interdentals("hmz") == fold_interdentals("hmd") == "hmd"


def test_hyphens_and_case_do_not_matter() -> None:
    assert name_skeleton("ABDUL-RAHMAN AL-ANI") == name_skeleton("abdul rahman al ani")


def test_empty_name_has_empty_skeleton() -> None:
    assert name_skeleton("") == ""
    assert name_skeleton("  - ") == ""


# --------------------------------------------------------------------------- parcel numbers


@pytest.mark.parametrize(
    ("entered", "parsed"),
    [
        ("345", ParcelNumber(345)),
        ("0345", ParcelNumber(345)),
        ("٣٤٥", ParcelNumber(345)),
        ("۳۴۵", ParcelNumber(345)),
        ("345/6", ParcelNumber(345, 6)),
        ("٣٤٥/٦", ParcelNumber(345, 6)),
        ("345-6", ParcelNumber(345, 6)),
        ("345\\6", ParcelNumber(345, 6)),
        ("345.06", ParcelNumber(345, 6)),
        ("345 6", ParcelNumber(345, 6)),
        (" 345 / 6 ", ParcelNumber(345, 6)),
        ("345/0", ParcelNumber(345)),
    ],
)
def test_parcel_numbers_in_any_script_and_separator(entered: str, parsed: ParcelNumber) -> None:
    assert parse_parcel_number(entered) == parsed


def test_parcel_number_prints_with_its_sub_number() -> None:
    assert str(parse_parcel_number("٠٣٤٥/٦")) == "345/6"
    assert str(parse_parcel_number("345")) == "345"


@pytest.mark.parametrize("entered", ["", "   ", "345ب", "n/a", "؟", "345/6/7", "0", "--", "12a"])
def test_unreadable_parcel_number_raises_a_typed_error(entered: str) -> None:
    with pytest.raises(InvalidParcelNumber) as raised:
        parse_parcel_number(entered)
    assert isinstance(raised.value, ValueError)
    assert f"“{entered}”" in str(raised.value)
    assert "345/6" in str(raised.value)  # the message shows what a valid number looks like


# --------------------------------------------------------------------------- addresses


def test_address_words_and_digits_read_alike_in_both_scripts() -> None:
    arabic = normalise_address("محلة ٦١٢ زقاق ١٤ دار ٧ الكرادة")
    latin = normalise_address("Mahalla 612, Zuqaq 14, House 7, al-Karrada")
    assert arabic == latin
    assert arabic.numbers == (("mahalla", 612), ("zuqaq", 14), ("dar", 7))


def test_address_filler_words_are_dropped() -> None:
    assert normalise_address("قرب شارع 5") == normalise_address("street 5")


def test_address_numbers_without_words_are_labelled_by_position() -> None:
    assert normalise_address("612/14/7").numbers == (("n1", 612), ("n2", 14), ("n3", 7))


def test_house_and_bayt_are_both_dar() -> None:
    assert normalise_address("بيت 7").numbers == normalise_address("house 7").numbers
