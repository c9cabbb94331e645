"""Korean particles (조사) chosen by the word they follow, never written "을(를)".

은/는, 이/가, 을/를, 과/와 and 으로/로 depend on whether the word's last syllable has a final
consonant (받침) — and 으로/로 on whether that consonant is ㄹ. A word ending in a digit or a Latin
letter is read aloud as Koreans read it ("2026-00001" ends in 일, "PDF" in 에프).
"""

import re

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # the jongseong index of ㄹ

# How the last character is read: its final consonant's index (0 none, 8 ㄹ, other: any other).
_DIGITS = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
_LATIN = {"l": 8, "m": 16, "n": 4, "r": 0}  # 엘, 엠, 엔, 알 (read without 받침 in particles)

PAIRS = {
    "은": ("은", "는"),
    "는": ("은", "는"),
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
}


def final_consonant(word: str) -> int | None:
    """The index of the final consonant of `word`'s last readable character (0 for none), or
    None when it cannot be told (empty, or ending in a symbol)."""
    for char in reversed(str(word).strip()):
        code = ord(char)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            return (code - _HANGUL_FIRST) % 28
        if char in _DIGITS:
            return _DIGITS[char]
        if char.isascii() and char.isalpha():
            return _LATIN.get(char.lower(), 0)
        if char in ")]}\"'»」』":
            continue  # "기관(강남구)": read the word inside
        return None
    return None


def particle(word: str, which: str) -> str:
    """The particle `which` (any form of the pair: "을" or "를") as `word` takes it."""
    with_batchim, without = PAIRS[which]
    final = final_consonant(word)
    if final is None:
        return f"{with_batchim}({without})" if which not in ("으로", "로") else "(으)로"
    if which in ("으로", "로"):
        return without if final in (0, _RIEUL) else with_batchim
    return with_batchim if final else without


def with_particle(word: str, which: str) -> str:
    """`word` followed by its particle: with_particle("강남구", "을") == "강남구를"."""
    return f"{word}{particle(word, which)}"


_COMBINED = re.compile(r"(은\(는\)|이\(가\)|을\(를\)|과\(와\)|\(으\)로)")


def particles_resolve(text: str) -> str:
    """Replace each combined particle in a sentence ("강남구을(를)", "{date}은(는)") by the one
    the word before it takes, so a translation may keep the neutral form and the reader never
    sees it. A particle after a word that cannot be read (a symbol) is left as it is."""

    def pick(match: re.Match) -> str:
        before = text[: match.start()]
        combined = match.group(1)
        which = "으로" if combined == "(으)로" else combined[0]
        if not before or before[-1].isspace() or final_consonant(before) is None:
            return combined
        return particle(before, which)

    return _COMBINED.sub(pick, text)
