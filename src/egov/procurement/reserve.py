"""The multiple reserve price method (복수예비가격): pure functions anyone can rerun.

Nothing here touches the database: given what the platform publishes at the opening (the
seed, the SHA-256 hashes of the sealed bids, the base price, the range, the picks of the valid
bids and the floor rate) a third party recomputes the 15 reserve prices, the pick counts, the
estimated price (예정가격) and the floor amount (낙찰하한금액) with this module alone (or the
recipe in docs/procurement.md, in any language).

**Commitment.** At publication the server draws a 32-byte random seed and publishes only
`SHA-256(seed)`; the seed stays encrypted at rest until the opening, where it is revealed. The
bids' hashes are fixed at the deadline, before the seed is known to anyone outside the server,
and the seed was fixed before any bid: neither the platform nor a bidder can steer the draw.

**Derivation** (`reserve_prices_derive`, version `egov-reserve-prices-v1`):

1. `key = HMAC-SHA256(key=seed, msg="egov-reserve-prices-v1" || h_1 || … || h_n)` where
   `h_i` are the 32-byte SHA-256 digests of the sealed bids (the hex strings of the opening
   record), sorted by their lower-case hex;
2. a stream of blocks `HMAC-SHA256(key, counter)`, counter = 0, 1, 2 … as 4 bytes big-endian,
   read as consecutive 8-byte big-endian unsigned integers `u`;
3. the range is `low = ceil(base × (10000 − range_bp) / 10000)` to
   `high = floor(base × (10000 + range_bp) / 10000)` won, `n = high − low + 1` values;
4. each price takes the next `u`; a `u ≥ 2^64 − (2^64 mod n)` is skipped (no modulo bias);
   the price is `low + u mod n` (whole won). Fifteen prices, numbered 1..15 in draw order.

**Estimated price** (`estimated_price_derive`): each valid bid picks two numbers; the four
most picked numbers are chosen — **on equal counts the lower number first** — and the
estimated price is the average of their four prices, rounded down to whole won.
**Floor amount** (`floor_amount_derive`): estimated price × floor rate (in %), rounded up to
whole won; a valid bid at or above it may win.
"""

import hashlib
import hmac
from decimal import Decimal

DERIVATION = "egov-reserve-prices-v1"
RESERVE_COUNT = 15
PICKS_PER_BID = 2
CHOSEN_COUNT = 4
MAX_RANGE_BP = 1000


def seed_commitment(seed: bytes) -> str:
    """What is published at the notice: the SHA-256 of the seed, hex."""
    return hashlib.sha256(seed).hexdigest()


def _stream(key: bytes):
    counter = 0
    while True:
        block = hmac.new(key, counter.to_bytes(4, "big"), hashlib.sha256).digest()
        for offset in range(0, 32, 8):
            yield int.from_bytes(block[offset : offset + 8], "big")
        counter += 1


def reserve_range(base_price: int, range_bp: int) -> tuple[int, int]:
    """(lowest, highest) whole-won reserve price for `base_price` ± `range_bp` basis points."""
    low = -(-base_price * (10000 - range_bp) // 10000)
    high = base_price * (10000 + range_bp) // 10000
    return low, high


def reserve_prices_derive(seed: bytes, bid_hashes: list[str], base_price: int, range_bp: int) -> list[int]:
    """The 15 reserve prices (numbered 1..15 in list order) from the revealed seed and the
    hex SHA-256 hashes of all sealed bids (any order; they are sorted here)."""
    if not isinstance(seed, bytes | bytearray) or len(seed) < 16:
        raise ValueError("the seed is at least 16 bytes")
    if isinstance(base_price, bool) or not isinstance(base_price, int) or base_price <= 0:
        raise ValueError("the base price is a positive whole number of won")
    if isinstance(range_bp, bool) or not isinstance(range_bp, int) or not 0 < range_bp <= MAX_RANGE_BP:
        raise ValueError(f"the range is 1 to {MAX_RANGE_BP} basis points")
    digests = b""
    for text in sorted(h.lower() for h in bid_hashes):
        raw = bytes.fromhex(text)
        if len(raw) != 32:
            raise ValueError("a bid hash is 64 hexadecimal digits")
        digests += raw
    key = hmac.new(bytes(seed), DERIVATION.encode() + digests, hashlib.sha256).digest()
    low, high = reserve_range(base_price, range_bp)
    n = high - low + 1
    limit = 2**64 - (2**64 % n)
    prices: list[int] = []
    for u in _stream(key):
        if u < limit:
            prices.append(low + u % n)
            if len(prices) == RESERVE_COUNT:
                return prices
    raise AssertionError("unreachable")  # pragma: no cover


def picks_valid(picks) -> bool:
    """Exactly two different whole numbers from 1 to 15."""
    return (
        isinstance(picks, list)
        and len(picks) == PICKS_PER_BID
        and all(isinstance(p, int) and not isinstance(p, bool) and 1 <= p <= RESERVE_COUNT for p in picks)
        and len(set(picks)) == PICKS_PER_BID
    )


def pick_counts(all_picks: list[list[int]]) -> list[int]:
    """How often each number 1..15 was picked (index 0 is number 1)."""
    counts = [0] * RESERVE_COUNT
    for picks in all_picks:
        for number in picks:
            counts[number - 1] += 1
    return counts


def chosen_numbers(counts: list[int]) -> list[int]:
    """The four most picked numbers; on equal counts the lower number first. Sorted."""
    order = sorted(range(1, RESERVE_COUNT + 1), key=lambda number: (-counts[number - 1], number))
    return sorted(order[:CHOSEN_COUNT])


def estimated_price_derive(prices: list[int], all_picks: list[list[int]]) -> tuple[list[int], list[int], int]:
    """(pick counts, the four chosen numbers, the estimated price rounded down to whole won)."""
    counts = pick_counts(all_picks)
    chosen = chosen_numbers(counts)
    return counts, chosen, sum(prices[n - 1] for n in chosen) // CHOSEN_COUNT


def floor_amount_derive(estimated_price: int, floor_rate: Decimal | str) -> int:
    """The estimated price × the floor rate (a percentage, up to 3 decimals), rounded up to whole won."""
    milli = Decimal(str(floor_rate)) * 1000
    if milli != milli.to_integral_value():
        raise ValueError("the floor rate has at most 3 decimals")
    return -(-estimated_price * int(milli) // 100_000)
