"""Revised Romanization of Korean (국어의 로마자 표기법, 2000) for personal names.

Names are romanised syllable by syllable without the sound changes that apply across
syllables in ordinary words: the rules for personal names (art. 4) say assimilation is not
shown. A hyphen separates two syllables of a given name where a final consonant meets a
syllable that starts with a vowel ("Seong-u", not "Seongu"), which the rules allow. Family
names use the customary spellings that people register in passports (김 Kim, 이 Lee), since
strict RR ("Gim", "I") is rarely what a Korean would write.
"""

_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3
_INITIALS = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
)
_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip

# Customary spellings of common family names (passport usage); others follow RR.
FAMILY_NAMES = {
    "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang",
    "조": "Cho", "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh",
    "서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song",
    "류": "Ryu", "유": "Yoo", "전": "Jeon", "홍": "Hong", "고": "Ko", "문": "Moon",
    "양": "Yang", "손": "Son", "배": "Bae", "백": "Baek", "허": "Heo", "남": "Nam",
    "심": "Sim", "노": "Noh", "하": "Ha", "곽": "Kwak", "성": "Sung", "차": "Cha",
    "주": "Joo", "우": "Woo", "구": "Koo", "나": "Na", "민": "Min", "진": "Jin",
    "지": "Ji", "엄": "Eom", "채": "Chae", "원": "Won", "천": "Cheon", "방": "Bang",
    "공": "Kong", "현": "Hyun", "함": "Ham", "변": "Byun", "염": "Yeom", "여": "Yeo",
    "추": "Choo", "도": "Do", "소": "So", "석": "Seok", "선": "Sun", "설": "Seol",
    "마": "Ma", "길": "Gil", "연": "Yeon", "표": "Pyo", "명": "Myung", "기": "Ki",
    "반": "Ban", "왕": "Wang", "금": "Keum", "옥": "Ok", "육": "Yook", "인": "In",
    "맹": "Maeng", "제": "Je", "모": "Mo", "탁": "Tak", "국": "Kook", "어": "Eo",
    "은": "Eun", "편": "Pyeon", "용": "Yong", "남궁": "Namgung", "황보": "Hwangbo",
    "제갈": "Jegal", "선우": "Sunwoo", "독고": "Dokgo", "사공": "Sagong",
}  # fmt: skip


def _parts(syllable: str) -> tuple[str, str, str] | None:
    code = ord(syllable)
    if not _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
        return None
    offset = code - _SYLLABLE_FIRST
    return _INITIALS[offset // 588], _VOWELS[(offset % 588) // 28], _FINALS[offset % 28]


def romanize(text: str, *, hyphenate: bool = False) -> str:
    """Romanise Hangul syllable by syllable; other characters pass through unchanged.

    With `hyphenate`, a hyphen goes between a syllable ending in a consonant and one starting
    with a vowel, where run together the letters could be read another way.
    """
    out: list[str] = []
    previous_final = ""
    for char in text:
        parts = _parts(char)
        if parts is None:
            out.append(char)
            previous_final = ""
            continue
        initial, vowel, final = parts
        if hyphenate and previous_final and not initial:
            out.append("-")
        out.append(initial + vowel + final)
        previous_final = final
    return "".join(out)


def romanize_name(family_name: str, given_name: str) -> str:
    """ "Kim Minjun": family name first, as on the resident register and in passports."""
    family = FAMILY_NAMES.get(family_name) or romanize(family_name).capitalize()
    return f"{family} {romanize(given_name, hyphenate=True).capitalize()}"
