"""An OpenID Connect provider stub for the OIDC sign-in tests: a small HTTP server on a free
port of 127.0.0.1, in a thread of the test, serving what Keycloak or Entra ID serve for the
authorization code flow: the discovery document, the authorize redirect, the token endpoint
(client secret and PKCE checked, an RS256 id token signed with a key made for the test), the
JWKS and userinfo.

The test says who signs in next (``provider.sign_in_as(claims)``) — the stub has no login page
— and can put claims in the id token only (as Entra ID does with groups) or tamper with it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID, CLIENT_SECRET = "itsm-portal", "client-secret-for-tests"


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.signing_key = self.key  # another key forges a token the JWKS does not vouch for
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/realms/itsm"
        self.claims: dict = {}
        self.id_token_only: dict = {}  # claims put in the id token and not in userinfo
        self.id_token_overrides: dict = {}  # e.g. {"aud": "someone-else"}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def sign_in_as(self, claims: dict, *, id_token_only: dict | None = None) -> None:
        self.claims = claims
        self.id_token_only = id_token_only or {}

    def settings(self) -> dict:
        """The environment a deployer sets for this provider (itsm/settings/sso.py)."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_RP_CLIENT_ID": CLIENT_ID,
                "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET, "OIDC_PROVIDER_NAME": "Keycloak"}

    # --- what the endpoints answer ---------------------------------------------------------

    def discovery(self) -> dict:
        base = self.issuer + "/protocol/openid-connect"
        return {"issuer": self.issuer, "authorization_endpoint": base + "/auth",
                "token_endpoint": base + "/token", "userinfo_endpoint": base + "/userinfo",
                "jwks_uri": base + "/certs", "end_session_endpoint": base + "/logout",
                "id_token_signing_alg_values_supported": ["RS256"]}

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict) -> str:
        """The redirect back to the portal with a code, as after a successful login."""
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"],
                            "challenge": query.get("code_challenge"), "claims": self.claims,
                            "id_token_only": self.id_token_only}
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict) -> tuple[int, dict]:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("client_id") != CLIENT_ID \
                or form.get("client_secret") != CLIENT_SECRET \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": CLIENT_ID, "sub": grant["claims"].get("sub", "x"),
                   "iat": now, "exp": now + 300, "nonce": grant["nonce"],
                   **grant["claims"], **grant["id_token_only"], **self.id_token_overrides}
        id_token = jwt.encode(payload, self.signing_key, algorithm="RS256",
                              headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = grant["claims"]
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token}

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        claims = self.tokens.get(authorization.removeprefix("Bearer "))
        return (200, claims) if claims is not None else (401, {"error": "invalid_token"})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the test output is the place for failures
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 - http.server's method names
                url = urlsplit(self.path)
                path = url.path.removeprefix(urlsplit(provider.issuer).path)
                provider.requests.append(f"GET {path}")
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if path == "/protocol/openid-connect/certs":
                    return self._json(200, provider.jwks())
                if path == "/protocol/openid-connect/auth":
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(query))
                    self.end_headers()
                    return None
                if path == "/protocol/openid-connect/userinfo":
                    return self._json(*provider.userinfo(self.headers.get("Authorization", "")))
                return self._json(404, {"error": "not_found"})

            def do_POST(self):  # noqa: N802
                path = urlsplit(self.path).path.removeprefix(urlsplit(provider.issuer).path)
                provider.requests.append(f"POST {path}")
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if path == "/protocol/openid-connect/token":
                    return self._json(*provider.token(form))
                return self._json(404, {"error": "not_found"})

        return Handler
