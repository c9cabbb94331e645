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
