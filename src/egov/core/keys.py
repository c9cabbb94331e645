"""The platform's signing key: one Ed25519 key under EGOV_DATA_DIR/keys.

It signs the access log's checkpoints (and, from issue 4, sits beside the platform's root CA
and agency certificates). The private key is a PKCS#8 PEM file readable by its owner only
(directory 0700, file 0600); the public key can be published so that anyone can check a
signature without access to the platform.

`egov keys init` creates the key ahead of time. Code that must sign calls `platform_key()`,
which creates the key the same way when it is missing, so that `make run` and the tests need
no separate step; creation is atomic (written to a temporary file, then hard-linked into
place), so processes racing to create it all end up with the one key that won.
"""

import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

KEYS_DIR_NAME = "keys"
PLATFORM_KEY_FILE = "platform-ed25519.pem"


class KeyFileError(Exception):
    """A key file exists but cannot be used (unreadable, not PEM, not Ed25519)."""


@dataclass(frozen=True)
class PlatformKey:
    """The loaded platform key pair and its short identifier."""

    path: Path
    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey
    key_id: str

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        return self.private_key.sign(message)

    def public_pem(self) -> bytes:
        """The public key as a SubjectPublicKeyInfo PEM, the form to publish."""
        return public_key_pem(self.public_key)


def keys_dir() -> Path:
    """The directory holding the platform's keys: EGOV_DATA_DIR/keys."""
    return Path(settings.DATA_DIR) / KEYS_DIR_NAME


def platform_key_path() -> Path:
    """Where the platform's Ed25519 private key lives."""
    return keys_dir() / PLATFORM_KEY_FILE


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> bytes:
    """`public_key` as a SubjectPublicKeyInfo PEM."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_load(path: Path) -> Ed25519PublicKey:
    """Read a published Ed25519 public key (SubjectPublicKeyInfo PEM) from `path`."""
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"cannot read a PEM public key from {path}: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 public key")
    return key


def signature_valid(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether `signature` is `public_key`'s Ed25519 signature of `message`."""
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def ensure_private_dir(directory: Path) -> None:
    """Create `directory` (and its parents) with mode 0700 unless it exists."""
    if directory.is_dir():
        return
    ensure_private_dir(directory.parent)  # missing parents are private too
    try:
        directory.mkdir(mode=0o700)
    except FileExistsError:
        return  # another process made it first
    directory.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened; be exact


def write_new_file(path: Path, data: bytes, *, replace: bool = False) -> bool:
    """Write `data` to `path` with mode 0600 so that it appears complete or not at all.

    Without `replace`, an existing file wins and False is returned (another process created
    it first); with `replace`, the new content atomically takes its place."""
    ensure_private_dir(path.parent)
    # mkstemp creates the file with mode 0600; link/replace makes it appear complete at once.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True


def platform_key_ensure(path: Path | None = None) -> tuple[Path, bool]:
    """Create the platform key at `path` (default: `platform_key_path()`) unless a file is
    already there; never touches an existing one. Returns (path, created)."""
    path = Path(path) if path is not None else platform_key_path()
    if path.exists():
        return path, False
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Another process creating it in the meantime wins; both then load the same key.
    return path, write_new_file(path, pem)


@functools.cache
def _load(path: str) -> PlatformKey:
    try:
        data = Path(path).read_bytes()
        private_key = serialization.load_pem_private_key(data, password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"cannot read the platform key {path}: {exc}") from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a {type(private_key).__name__}, not an Ed25519 key")
    public_key = private_key.public_key()
    return PlatformKey(Path(path), private_key, public_key, key_id_of(public_key))


def platform_key(*, create: bool = True) -> PlatformKey:
    """The platform key, loaded once per process and path. With `create` (the default) a
    missing key is created first, as `egov keys init` would; without it, FileNotFoundError."""
    path = platform_key_path()
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"no platform key at {path}: run `egov keys init`")
        platform_key_ensure(path)
    return _load(str(path))


OIDC_KEY_FILE = "oidc-rsa.pem"


def oidc_key_path() -> Path:
    """Where the OpenID Connect provider's RSA signing key lives (ID tokens are RS256)."""
    return keys_dir() / OIDC_KEY_FILE


def oidc_key_ensure(path: Path | None = None) -> tuple[Path, bool]:
    """Create the OIDC signing key (RSA 2048, PKCS#8 PEM, mode 0600) unless one is there;
    never touches an existing one. Returns (path, created)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = Path(path) if path is not None else oidc_key_path()
    if path.exists():
        return path, False
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return path, write_new_file(path, pem)


@functools.cache
def _oidc_pem(path: str) -> str:
    return Path(path).read_text()


def oidc_private_key_pem() -> str:
    """The OIDC signing key as PEM text, created on first use like the platform key. It is
    read from the key store under EGOV_DATA_DIR/keys, never from settings or the repository;
    django-oauth-toolkit gets it through a lazy setting (egov.settings)."""
    path = oidc_key_path()
    if not path.exists():
        oidc_key_ensure(path)
    return _oidc_pem(str(path))
