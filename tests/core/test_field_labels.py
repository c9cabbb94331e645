from django.utils import translation

from egov.core.field_labels import field_label, field_labels


def test_shared_fields_read_as_korean_words_and_an_unknown_one_as_other_data():
    with translation.override("ko"):
        assert field_label("records") == "건별 내역"  # the year-end settlement items' one field
        assert field_labels(["name_ko", "birth_date"]) == "성명(한글), 생년월일"
        assert field_label("no_such_field") == "기타 정보"
