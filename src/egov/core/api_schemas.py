"""The one error body of every JSON API answer that is not a success, and the patterns of the
identifiers APIs take (what the OpenAPI document promises is what the server accepts).

One class per OpenAPI component name: Django Ninja names a component after its class, so two
apps each defining an `Error` (or an `ItemOut`) would publish one of them for both.
"""

from typing import Any

from ninja import Schema

# "NNN-NN-NNNNN", hyphens optional (core.ids.brn_parse; the check digit is not a pattern).
BRN_PATTERN = r"^[0-9]{3}-?[0-9]{2}-?[0-9]{5}$"
# 16 digits, in any grouping with dashes and spaces (documents.services.number_normalise).
ISSUANCE_NUMBER_PATTERN = r"^[ -]*([0-9][ -]*){16}$"
# "YYMMDD-NNNNNNN", hyphen optional (core.ids.rrn_parse).
RRN_PATTERN = r"^[0-9]{6}-?[0-9]{7}$"
# Visible ASCII, spaces inside only: an HTTP header value the server takes as it is.
HEADER_VALUE_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$"


class Error(Schema):
    """`code` is stable (for programs), `message` is for people, `field` names the input at fault."""

    code: str
    message: str
    field: str | None


class InvalidInput(Error):
    """A request that breaks the OpenAPI document (422 `invalid`): `errors` lists every fault."""

    errors: list[dict[str, Any]] = []
