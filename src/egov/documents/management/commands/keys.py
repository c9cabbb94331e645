"""`egov keys <action>`: the platform's keys under EGOV_DATA_DIR/keys.

Actions: `init` creates whatever key is missing — the platform's Ed25519 key, the root CA,
the timestamping unit, a signing certificate for every government agency — and changes
nothing that exists; `public` prints the platform's public key for auditors; `rotate --agency
CODE` gives an agency a new signing key (older documents keep verifying: docs/documents.md).
"""

import stat

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.keys import KeyFileError, keys_dir, oidc_key_ensure, platform_key, platform_key_ensure


class Command(BaseCommand):
    help = (
        "Manage the platform's keys under EGOV_DATA_DIR/keys. `init` creates the platform's "
        "Ed25519 signing key (PKCS#8 PEM, mode 0600, directory 0700) if it is missing and leaves "
        "an existing one untouched; `public` prints the public key (PEM) and its key id, for "
        "auditors (`egov audit vkey` prints the access log's verifier key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("init", help="Create missing keys; change nothing that exists.")
        actions.add_parser("public", help="Print the platform's public signing key (PEM) and its key id.")
        rotate = actions.add_parser("rotate", help="Give an agency a new document-signing key.")
        rotate.add_argument("--agency", required=True, help="the agency's 7-digit code")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"action_{action}")(**options)
        except KeyFileError as exc:
            raise CommandError(str(exc)) from None

    def action_init(self, **options) -> None:
        self._platform_key_init()
        path, created = oidc_key_ensure()
        if created:
            self.stdout.write(self.style.SUCCESS(f"created the OpenID Connect signing key {path}"))
        else:
            self.stdout.write(f"OpenID Connect signing key exists: {path}")
        self._pki_init()

    def action_rotate(self, *, agency: str, **options) -> None:
        from egov.documents import pki
        from egov.registry.models import Agency

        found = Agency.objects.filter(code=agency).first()
        if found is None or found.kind == Agency.Kind.THIRD_PARTY:
            raise CommandError(f"no government agency with the code {agency!r}")
        kid = pki.agency_key_create(found, rotate=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"{found.code} {found.name_en}: new signing key {kid}; older keys stay published"
            )
        )

    def _pki_init(self) -> None:
        from egov.documents import pki
        from egov.registry.models import Agency

        if pki.root_ensure():
            self.stdout.write(self.style.SUCCESS(f"created the root CA {pki.pki_dir() / 'root-ca.crt.pem'}"))
        else:
            self.stdout.write(f"root CA exists: {pki.pki_dir() / 'root-ca.crt.pem'}")
        if pki.tsa_ensure():
            self.stdout.write(self.style.SUCCESS("created the timestamping unit's key and certificate"))
        created = 0
        for agency in Agency.objects.exclude(kind=Agency.Kind.THIRD_PARTY).order_by("code"):
            if pki.agency_key_create(agency):
                created += 1
        self.stdout.write(f"agency signing certificates: {created} created")
        for path in sorted(pki.pki_dir().rglob("*.key.pem")):
            self._warn_if_exposed(path, 0o077)

    def action_public(self, **options) -> None:
        try:
            key = platform_key(create=False)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"key id {key.key_id}")
        self.stdout.write(key.public_pem().decode(), ending="")

    def _platform_key_init(self) -> None:
        path, created = platform_key_ensure()
        key = platform_key(create=False)
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"created platform signing key {path} (Ed25519, key id {key.key_id})")
            )
        else:
            self.stdout.write(f"platform signing key exists: {path} (Ed25519, key id {key.key_id})")
        self._warn_if_exposed(keys_dir(), 0o077)
        self._warn_if_exposed(path, 0o077)

    def _warn_if_exposed(self, path, forbidden: int) -> None:
        """Say so, without changing anything, when others may read a key or its directory."""
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & forbidden:
            self.stderr.write(
                self.style.WARNING(f"warning: {path} has mode {mode:04o}; only its owner should have access")
            )
