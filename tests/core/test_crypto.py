import pytest
from cryptography.exceptions import InvalidTag
from django.test import override_settings

from egov.core.crypto import blind_index, decrypt_id, encrypt_id


def test_an_encrypted_number_decrypts_to_itself_and_hides_the_digits():
    blob = encrypt_id("9001011234568")
    assert decrypt_id(blob) == "9001011234568"
    assert b"900101" not in blob


def test_two_encryptions_of_one_number_differ_but_share_a_blind_index():
    assert encrypt_id("9001011234568") != encrypt_id("9001011234568")
    assert blind_index("9001011234568") == blind_index("9001011234568")
    assert blind_index("9001011234568") != blind_index("9001011234569")


def test_a_tampered_ciphertext_is_refused():
    blob = bytearray(encrypt_id("9001011234568"))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        decrypt_id(bytes(blob))


def test_a_ciphertext_moved_to_another_column_does_not_decrypt():
    with pytest.raises(InvalidTag):
        decrypt_id(encrypt_id("9001011234568", context=b"rrn"), context=b"other")


def test_the_blind_index_depends_on_the_key():
    before = blind_index("9001011234568")
    with override_settings(EGOV_FIELD_KEY="QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="):
        assert blind_index("9001011234568") != before
