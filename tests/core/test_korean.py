"""Korean particles chosen by the word before them, never shown as 을(를)."""

import pytest
from django.template import Context, Template

from egov.core.korean import particle, particles_resolve, with_particle


@pytest.mark.parametrize(
    ("word", "which", "expected"),
    [
        ("강남구", "을", "강남구를"),
        ("서울특별시", "를", "서울특별시를"),
        ("전입신고", "이", "전입신고가"),
        ("민원", "가", "민원이"),
        ("한빛상사", "은", "한빛상사는"),
        ("입찰공고", "과", "입찰공고와"),
        ("20261205-00001", "을", "20261205-00001을"),  # 일
        ("20261205-00002", "이", "20261205-00002가"),  # 이
        ("2026-12-07(월)", "은", "2026-12-07(월)은"),
        ("서울", "으로", "서울로"),  # ㄹ takes 로
        ("강남구", "으로", "강남구로"),
        ("종로구청 민원실", "으로", "종로구청 민원실로"),
        ("부산광역시청", "으로", "부산광역시청으로"),
        ("PDF", "을", "PDF를"),
        ("ACME", "이", "ACME가"),
    ],
)
def test_the_particle_follows_the_last_syllable(word, which, expected):
    assert with_particle(word, which) == expected


def test_combined_particles_in_a_sentence_are_resolved():
    assert (
        particles_resolve("입찰공고 20261205-00001을(를) 게시했습니다.")
        == "입찰공고 20261205-00001을 게시했습니다."
    )
    assert particles_resolve("한빛상사이(가) 등록되었습니다.") == "한빛상사가 등록되었습니다."
    assert particles_resolve("강남구에서 서초구(으)로 이송") == "강남구에서 서초구로 이송"
    assert particles_resolve("no particle here") == "no particle here"


def test_a_word_that_cannot_be_read_keeps_both_forms():
    assert particle("…", "을") == "을(를)"


def test_the_template_filter():
    rendered = Template('{% load korean %}{{ name|josa:"을" }} {{ agency|josa:"이" }}').render(
        Context({"name": "강남구", "agency": "행정안전부"})
    )
    assert rendered == "강남구를 행정안전부가"
