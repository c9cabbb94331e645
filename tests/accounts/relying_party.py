"""A small relying party written with authlib, as a government site would write one, that
talks to our provider through Django's test client (a requests transport adapter: the HTTP
hop is the only thing replaced; every view, validator and model on our side is the real one)."""

import io
import json
import secrets
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet


class DjangoTestClientAdapter(requests.adapters.BaseAdapter):
    """Send a requests request to a Django test client instead of the network."""

    def __init__(self, client):
        super().__init__()
        self.client = client

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in request.headers.items()
            if k.lower() not in ("content-type", "content-length")
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        response = self.client.generic(
            request.method,
            path,
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            **headers,
        )
        result = requests.Response()
        result.status_code = response.status_code
        result.headers.update({k: v for k, v in response.items()})
        result.raw = io.BytesIO(response.content)
        result._content = response.content
        result.url = request.url
        result.request = request
        return result

    def close(self):
        pass


class RelyingParty:
    """An OIDC client: builds the authorization request, exchanges the code (with PKCE), and
    checks the ID token's signature, issuer, audience and nonce against the discovery data."""

    def __init__(self, client, *, client_id, redirect_uri, client_secret=None, scope="openid profile"):
        self.client = client
        self.client_id, self.redirect_uri, self.scope = client_id, redirect_uri, scope
        self.session = OAuth2Session(
            client_id,
            client_secret,
            redirect_uri=redirect_uri,
            scope=scope,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post" if client_secret else "none",
        )
        self.session.mount("http://testserver/", DjangoTestClientAdapter(client))
        self.discovery = self.session.get(
            "http://testserver/.well-known/openid-configuration", withhold_token=True
        ).json()
        self.state = self.nonce = self.verifier = None

    def authorization_url(self, *, pkce=True, **extra) -> str:
        self.state, self.nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.verifier = secrets.token_urlsafe(48) if pkce else None
        params = {"nonce": self.nonce, **extra}
        if pkce:
            params["code_verifier"] = self.verifier
        url, _ = self.session.create_authorization_url(
            self.discovery["authorization_endpoint"], state=self.state, **params
        )
        return url

    def callback(self, location: str) -> dict:
        """The redirect back to the site: checks `state`, exchanges the code, verifies the ID
        token. Returns the token response with the ID token's claims under "claims"."""
        query = parse_qs(urlsplit(location).query)
        assert location.startswith(self.redirect_uri), location
        if "error" in query:
            return {"error": query["error"][0], "state": query.get("state", [None])[0]}
        assert query["state"] == [self.state], "state must come back unchanged"
        token = self.session.fetch_token(
            self.discovery["token_endpoint"],
            authorization_response=location,
            code_verifier=self.verifier,
            state=self.state,
        )
        jwks = KeySet.import_key_set(self.session.get(self.discovery["jwks_uri"], withhold_token=True).json())
        decoded = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
        claims = decoded.claims
        assert decoded.header["alg"] == "RS256"
        assert claims["iss"] == self.discovery["issuer"]
        assert claims["aud"] == self.client_id
        assert claims["nonce"] == self.nonce, "nonce must come back in the ID token"
        token["claims"] = claims
        return token

    def userinfo(self, token: dict) -> dict:
        self.session.token = token
        return json.loads(self.session.get(self.discovery["userinfo_endpoint"]).content)
