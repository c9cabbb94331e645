import json
import shutil
import subprocess
from pathlib import Path

import pytest

from egov.procurement import client, crypto

SEAL_JS = Path(__file__).resolve().parents[2] / "src/egov/procurement/static/procurement/seal.js"


@pytest.fixture
def opening():
    point, shares = crypto.opening_key_generate()
    return point, shares


def test_any_two_of_three_shares_rebuild_the_key(opening):
    point, shares = opening
    for pair in ([0, 1], [0, 2], [1, 2], [2, 0]):
        key = crypto.opening_key_combine([shares[i] for i in pair], point)
        assert crypto.public_point(key.public_key()) == point


def test_shares_of_another_key_do_not_rebuild_this_one(opening):
    point, shares = opening
    _other_point, other = crypto.opening_key_generate()
    with pytest.raises(crypto.SealError):
        crypto.opening_key_combine([shares[0], other[1]], point)
    with pytest.raises(crypto.SealError):
        crypto.opening_key_combine([shares[0], shares[0]], point)


def test_the_python_client_seals_what_the_opening_opens(opening):
    point, shares = opening
    sealed = client.seal_bid(
        opening_key=crypto.b64u(point), tender="T-1", brn="1234567890", price=1000, content="배송"
    )
    key = crypto.opening_key_combine(shares[:2], point)
    data = json.loads(
        crypto.open_sealed(private_key=key, sealed=sealed, tender_number="T-1", brn="1234567890")
    )
    assert data == {"tender": "T-1", "supplier": "1234567890", "price": 1000, "content": "배송"}
    with pytest.raises(crypto.SealError):
        crypto.open_sealed(private_key=key, sealed=sealed, tender_number="T-2", brn="1234567890")


def test_the_client_command_prints_a_sealed_bid(opening, capsys):
    point, _shares = opening
    assert (
        client.main(["seal", "--key", crypto.b64u(point), "--tender", "T-1", "--brn", "1", "--price", "5"])
        == 0
    )
    assert crypto.sealed_parse(capsys.readouterr().out.strip())


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (WebCrypto) to run seal.js")
def test_the_browsers_webcrypto_seal_opens_in_python(opening):
    point, shares = opening
    script = (
        f"const {{ sealBid }} = require({json.dumps(str(SEAL_JS))});"
        f"sealBid({json.dumps(crypto.b64u(point))}, 'T-9', '2208162517', 123456789, '납품 30일')"
        ".then(s => process.stdout.write(s));"
    )
    command = [shutil.which("node"), "-e", script]
    sealed = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout  # noqa: S603
    key = crypto.opening_key_combine(shares[1:], point)
    data = json.loads(
        crypto.open_sealed(private_key=key, sealed=sealed, tender_number="T-9", brn="2208162517")
    )
    assert data["price"] == 123456789
    assert data["content"] == "납품 30일"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (WebCrypto) to run seal.js")
def test_the_browser_seals_reserve_price_picks_inside_the_bid_and_refuses_bad_ones(opening):
    point, shares = opening
    script = (
        f"const {{ sealBid }} = require({json.dumps(str(SEAL_JS))});"
        f"sealBid({json.dumps(crypto.b64u(point))}, 'T-9', '2208162517', 70000000, '', [11, 3])"
        ".then(s => sealBid('', 'T-9', '1', 5, '', [4, 4]).then(() => s, e => s + ' ' + e.message))"
        ".then(s => process.stdout.write(s));"
    )
    command = [shutil.which("node"), "-e", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout  # noqa: S603
    sealed, refusal = output.split(" ", 1)
    assert refusal == "choose two different reserve price numbers from 1 to 15"
    key = crypto.opening_key_combine(shares[:2], point)
    plaintext = crypto.open_sealed(private_key=key, sealed=sealed, tender_number="T-9", brn="2208162517")
    assert crypto.plaintext_validate(
        plaintext, tender_number="T-9", brn="2208162517", picks_required=True
    ) == (
        70_000_000,
        "",
        [3, 11],
    )
    with pytest.raises(crypto.SealError, match="does not take"):
        crypto.plaintext_validate(plaintext, tender_number="T-9", brn="2208162517", picks_required=False)


def test_the_client_command_seals_picks(opening, capsys):
    point, shares = opening
    args = ["seal", "--key", crypto.b64u(point), "--tender", "T-1", "--brn", "1", "--price", "5"]
    assert client.main([*args, "--picks", "2,9"]) == 0
    sealed = capsys.readouterr().out.strip()
    key = crypto.opening_key_combine(shares[:2], point)
    assert json.loads(crypto.open_sealed(private_key=key, sealed=sealed, tender_number="T-1", brn="1"))[
        "picks"
    ] == [2, 9]
    with pytest.raises(SystemExit):
        client.main([*args, "--picks", "two,nine"])


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run seal.js")
def test_the_bid_form_reads_grouped_amounts_and_says_them_in_korean_words():
    script = (
        f"const m = require({json.dumps(str(SEAL_JS))});"
        "process.stdout.write(JSON.stringify(["
        "m.parseAmount('45,500,000'), m.parseAmount('45500000원'), m.parseAmount('4.5e7'),"
        "m.koreanWords(45500000), m.koreanWords(123456789), m.koreanWords(10000)]));"
    )
    out = subprocess.run(  # noqa: S603
        [shutil.which("node"), "-e", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert json.loads(out) == [
        45500000,
        45500000,
        None,  # NaN in JSON
        "사천오백오십만",
        "일억이천삼백사십오만육천칠백팔십구",
        "일만",
    ]
