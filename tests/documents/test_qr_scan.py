"""The QR code printed on the page scans (zbar, from a 150-dpi rendering of the signed PDF) to
the verification address with the seal: what a phone would read."""

import os
import shutil
import subprocess

import pytest

from egov.documents.services import document_pdf
from tests.documents.test_issue import _qr_address


@pytest.fixture
def tools():
    missing = [tool for tool in ("pdftoppm", "zbarimg") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"CI=true but {', '.join(missing)} is missing (scripts/ensure_browser.sh installs it)"
            )
        pytest.skip(f"{', '.join(missing)} not installed")


def test_the_printed_qr_code_scans_to_the_sealed_verification_address(tools, abstract, tmp_path):
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(document_pdf(abstract))
    subprocess.run(  # noqa: S603 - our own file, a tool found on PATH by the fixture
        [
            shutil.which("pdftoppm"),
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    [page] = tmp_path.glob("page*.png")
    scanned = subprocess.run(  # noqa: S603 - as above
        [shutil.which("zbarimg"), "-q", "--raw", str(page)], capture_output=True, text=True, check=False
    )
    assert scanned.returncode == 0, scanned.stderr
    assert scanned.stdout.strip() == _qr_address(abstract)
