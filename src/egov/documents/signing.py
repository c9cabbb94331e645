"""PAdES signatures with pyHanko: the agency's certificate, the chain, and a timestamp.

The signature is PAdES-B-T: a CAdES detached signature (SubFilter ETSI.CAdES.detached) by the
agency key with its chain to the platform root, and an RFC 3161 timestamp token from the
platform's own timestamping unit on the signature value, so validation needs nothing online.

Two things make this fast enough for ~100 documents a second (docs/benchmarks.md):
- `LoadedKeySigner` keeps the private key loaded; pyHanko's `SimpleSigner` re-parses it from
  DER (and re-validates it) on every signature.
- `bytes_reserved` fixes the signature's space in the PDF, so pyHanko signs once instead of a
  dry run to measure the size first.

The timestamping unit is pyHanko's in-process RFC 3161 responder (`DummyTimeStamper`, which
pyHanko uses as its own TSA in tests) with our key: same token format, but signed with
ECDSA by a key kept loaded, instead of its RSA-only path that re-reads the key each time.
"""

import asyncio
import functools
import io
import threading
from concurrent.futures import ThreadPoolExecutor

from asn1crypto import algos, cms, core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate, as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from egov.documents import pki

# Room for the CMS blob: signature, two certificates and a timestamp token with two more come
# to about 3 KB; the margin keeps a longer subject name or a bigger key from overflowing.
SIGNATURE_BYTES_RESERVED = 8192


def _asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


class LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with the ECDSA key kept as a loaded `cryptography` object."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, cert, chain):
        super().__init__(
            signing_cert=_asn1_cert(cert),
            signing_key=_asn1_key(key),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
        )
        self._loaded_key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        return self._loaded_key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))

    def _signed_attr_provider_spec(self, *args, **kwargs):
        return _ConstantSigningCertificate(super()._signed_attr_provider_spec(*args, **kwargs), self)


class _PreEncoded(CMSAttributeProvider):
    """An attribute that is the same for every signature, built once and re-read from DER."""

    def __init__(self, attribute_type: str, der: bytes):
        self.attribute_type = attribute_type
        self._der = der

    async def get_attribute(self, dry_run=False):
        return cms.CMSAttribute.load(self._der)


class _ConstantSigningCertificate:
    """pyHanko's attribute spec, with its signing-certificate-v2 attribute (a hash of the
    agency certificate, the same for every document) encoded once per signer."""

    def __init__(self, spec, signer: LoadedKeySigner):
        self._spec = spec
        cached = signer.__dict__.get("_signing_certificate_der")
        if cached is None:
            value = as_signing_certificate_v2(signer.signing_cert)
            cached = simple_cms_attribute("signing_certificate_v2", value).dump()
            signer.__dict__["_signing_certificate_der"] = cached
        self._der = cached

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        for provider in self._spec.signed_attr_providers(
            data_digest=data_digest, digest_algorithm=digest_algorithm
        ):
            if isinstance(provider, SigningCertificateV2Provider):
                yield _PreEncoded("signing_certificate_v2", self._der)
            else:
                yield provider


class PlatformTimeStamper(DummyTimeStamper):
    """RFC 3161 tokens signed by the platform's timestamping unit (ECDSA P-256)."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, cert, chain):
        super().__init__(
            tsa_cert=_asn1_cert(cert),
            tsa_key=_asn1_key(key),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
        )
        self._loaded_key = key
        # The same for every token: built once, re-read from DER (asn1crypto then dumps a
        # loaded, unchanged value without rebuilding it).
        self._constant_attrs = [
            simple_cms_attribute("content_type", "tst_info").dump(),
            simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)).dump(),
        ]

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt):
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        content_type, signing_certificate = (cms.CMSAttribute.load(der) for der in self._constant_attrs)
        signed_attrs = cms.CMSAttributes(
            [
                content_type,
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                signing_certificate,
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._loaded_key.sign(
            signed_attrs.dump(), ec.ECDSA(get_pyca_cryptography_hash(md_algorithm))
        )
        return signature, signed_attrs

    def _build_signed_data(self, tst_info_data, md_algorithm, signature, signed_attrs) -> dict:
        """pyHanko's SignedData, with the parts that are the same for every token (the
        signer's identifier, the certificate set) re-read from DER encoded once: built from
        the certificates, asn1crypto copies and re-tags them for every token."""
        constant = self.__dict__.get("_constant_signed_data")
        if constant is None:
            signed_data = super()._build_signed_data(tst_info_data, md_algorithm, signature, signed_attrs)
            sid = signed_data["signer_infos"][0]["sid"]
            certificates = cms.CertificateSet(list(signed_data["certificates"]))
            constant = self._constant_signed_data = (sid.dump(), certificates.dump())
        sid_der, certificates_der = constant
        digest_algorithm = algos.DigestAlgorithm({"algorithm": md_algorithm})
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier.load(sid_der),
                "digest_algorithm": digest_algorithm,
                "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": f"{md_algorithm}_ecdsa"}),
                "signed_attrs": signed_attrs,
                "signature": signature,
            }
        )
        return {
            "version": "v3",
            "digest_algorithms": cms.DigestAlgorithms((digest_algorithm,)),
            "encap_content_info": cms.EncapsulatedContentInfo(
                {
                    "content_type": cms.ContentType("tst_info"),
                    "content": cms.ParsableOctetString(tst_info_data),
                }
            ),
            "certificates": cms.CertificateSet.load(certificates_der),
            "signer_infos": [signer_info],
        }


@functools.cache
def _timestamper(tsa: pki.Timestamper) -> PlatformTimeStamper:
    return PlatformTimeStamper(tsa.key, tsa.certificate, [tsa.root])


@functools.cache
def _pdf_signer(key: pki.SigningKey, tsa: pki.Timestamper) -> signers.PdfSigner:
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Issued electronically by egov",
        location=key.certificate.subject.rfc4514_string(),
    )
    signer = LoadedKeySigner(key.key, key.certificate, [key.root])
    return signers.PdfSigner(metadata, signer=signer, timestamper=_timestamper(tsa))


def pdf_sign(pdf: bytes, key: pki.SigningKey) -> bytes:
    """`pdf` signed as PAdES-B-T by `key`, its chain embedded, with a platform timestamp."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(pdf, key)
    # Called from async code (an ASGI view, a test driving a browser): pyHanko's synchronous
    # API starts its own event loop, which cannot nest; give it a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign, pdf, key, kept_loop=False).result()


_thread = threading.local()


def _event_loop() -> asyncio.AbstractEventLoop:
    """This thread's own event loop, kept for its next signature: pyHanko's synchronous
    `sign_pdf` makes and closes one with `asyncio.run` on every call (~0.13 ms)."""
    loop = getattr(_thread, "loop", None)
    if loop is None or loop.is_closed():
        loop = _thread.loop = asyncio.new_event_loop()
    return loop


def _sign(pdf: bytes, key: pki.SigningKey, *, kept_loop: bool = True) -> bytes:
    """What pyHanko's `sign_pdf` runs, on this thread's kept loop (`kept_loop=False`, for a
    thread that ends after the call: a loop of its own, closed at once). The validation
    context, which `sign_pdf` would release afterwards, is None: the signature needs no
    network."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = io.BytesIO()
    signer = _pdf_signer(key, pki.timestamper())
    signing = signer.async_sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_BYTES_RESERVED)
    if kept_loop:
        _event_loop().run_until_complete(signing)
    else:
        asyncio.run(signing)
    return out.getvalue()
