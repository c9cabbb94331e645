import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from egov.core.ids import (
    RRN_CHECK_DIGIT_ABOLISHED_ON,
    IdentifierError,
    brn_check_digit,
    brn_parse,
    plate_parse,
    rrn_build,
    rrn_check_digit,
    rrn_mask,
    rrn_parse,
    vin_check_digit,
    vin_parse,
    vin_with_check_digit,
)

TODAY = dt.date(2026, 11, 23)
birth_dates = st.dates(
    min_value=dt.date(1900, 1, 1), max_value=RRN_CHECK_DIGIT_ABOLISHED_ON - dt.timedelta(days=1)
)
sexes = st.sampled_from(["M", "F"])
serials = st.integers(min_value=0, max_value=99999)
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


@given(birth_dates, sexes, serials)
def test_a_built_number_parses_back_to_its_birth_date_and_sex(birth_date, sex, serial):
    parsed = rrn_parse(rrn_build(birth_date, sex, serial), today=TODAY)
    assert (parsed.birth_date, parsed.sex, parsed.foreigner) == (birth_date, sex, False)


@given(birth_dates, sexes, serials, st.integers(min_value=7, max_value=11), st.integers(1, 9))
def test_changing_one_serial_digit_breaks_the_check_digit(birth_date, sex, serial, position, delta):
    digits = rrn_build(birth_date, sex, serial)
    changed = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    # The mod-11 rule maps remainders 0 and 10 to the same digit, so a few changes go unseen.
    assume(rrn_check_digit(changed[:12]) != int(changed[12]))
    with pytest.raises(IdentifierError, match="check digit"):
        rrn_parse(changed, today=TODAY)


@given(st.text(max_size=20))
def test_any_text_either_parses_or_raises_identifier_error(text):
    try:
        parsed = rrn_parse(text, today=TODAY)
    except IdentifierError:
        return
    assert len(parsed.digits) == 13


def test_it_accepts_the_hyphenated_and_plain_forms():
    digits = rrn_build(dt.date(1990, 1, 1), "M", 12345)
    assert rrn_parse(digits, today=TODAY) == rrn_parse(f"{digits[:6]}-{digits[6:]}", today=TODAY)


@pytest.mark.parametrize(
    "value, message",
    [
        ("900101-1234", "13 digits"),
        ("901301-1234567", "birth date"),
        ("900230-1234567", "birth date"),
        ("abcdef-ghijklm", "13 digits"),
        ("", "13 digits"),
    ],
)
def test_it_explains_what_is_wrong(value, message):
    with pytest.raises(IdentifierError, match=message):
        rrn_parse(value, today=TODAY)


def test_it_refuses_a_birth_date_in_the_future():
    with pytest.raises(IdentifierError, match="future"):
        rrn_parse("2612013" + "000000", today=TODAY)


def test_numbers_assigned_after_october_2020_carry_no_check_digit():
    # A child born in 2021 gets a random tail: any last digit is valid.
    for last in range(10):
        assert rrn_parse(f"2103154{'12345'}{last}", today=TODAY).birth_date == dt.date(2021, 3, 15)


def test_the_century_comes_from_the_sex_digit():
    assert rrn_parse(rrn_build(dt.date(1899, 5, 1), "F", 1), today=TODAY).birth_date.year == 1899
    assert rrn_parse(rrn_build(dt.date(2001, 5, 1), "M", 1), today=TODAY).birth_date.year == 2001
    assert rrn_parse(rrn_build(dt.date(1985, 5, 1), "F", 1, foreigner=True), today=TODAY).foreigner


def test_the_mask_shows_only_birth_date_and_sex_digit():
    assert rrn_mask("9001011234568") == "900101-1******"


@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_a_business_number_with_its_check_digit_parses(nine):
    first_nine = f"{nine:09d}"
    digits = first_nine + str(brn_check_digit(first_nine))
    assert brn_parse(f"{digits[:3]}-{digits[3:5]}-{digits[5:]}") == digits


@given(st.integers(min_value=0, max_value=10**9 - 1), st.integers(1, 9))
def test_a_business_number_with_a_wrong_check_digit_is_refused(nine, delta):
    first_nine = f"{nine:09d}"
    wrong = (brn_check_digit(first_nine) + delta) % 10
    with pytest.raises(IdentifierError, match="check digit"):
        brn_parse(first_nine + str(wrong))


def test_a_known_business_number_is_valid():
    # Samsung Electronics' registration number, as printed on its invoices.
    assert brn_check_digit("124810099") == 8
    assert brn_parse("124-81-00998") == "1248100998"


@given(st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17))
def test_a_vin_with_its_check_digit_parses_and_one_without_does_not(raw):
    vin = vin_with_check_digit(raw)
    assert vin_parse(vin.lower()) == vin
    wrong = "X" if vin[8] != "X" else "0"
    with pytest.raises(IdentifierError, match="check digit"):
        vin_parse(vin[:8] + wrong + vin[9:])


def test_the_textbook_vin_check_digit():
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert vin_parse("1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"


@given(st.text(max_size=20))
def test_vin_parse_never_fails_other_than_with_identifier_error(text):
    assume("I" not in text.upper())
    try:
        vin_parse(text)
    except IdentifierError:
        pass


@pytest.mark.parametrize(
    "value, plate",
    [("12가3456", "12가3456"), ("123가 4567", "123가4567"), ("서울12바3456", "서울12바3456")],
)
def test_it_normalises_plate_numbers(value, plate):
    assert plate_parse(value) == plate


@pytest.mark.parametrize("value", ["", "1가3456", "12A3456", "12가345", "가12가34567"])
def test_it_refuses_malformed_plates(value):
    with pytest.raises(IdentifierError):
        plate_parse(value)


@given(st.text(max_size=20))
def test_plate_parse_raises_only_identifier_error(text):
    try:
        plate_parse(text)
    except IdentifierError:
        pass
