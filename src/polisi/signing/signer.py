"""The organisation's signature, as the PDF builders use it.

Loads the signing identity once per build (the configured PKCS#12 file or
PKCS#11 token, or the per-user demonstration identity) and fixes the reason, location
and timestamp server, so the builders only say *what* they are signing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from polisi.handbook.model import Handbook
from polisi.signing.identity import SigningIdentity, load_identity
from polisi.signing.sign import open_token, sign_pdf


@dataclass(frozen=True)
class Signer:
    identity: SigningIdentity
    location: str
    timestamp_url: str | None

    def sign(self, data: bytes, reason: str) -> bytes:
        return sign_pdf(data, self.identity, reason=reason, location=self.location,
                        timestamp_url=self.timestamp_url)

    @property
    def fingerprint(self) -> str:
        """Changes when the certificate or timestamp server changes, so every PDF is signed again."""
        digest = hashlib.sha256(self.identity.fingerprint_source())
        digest.update((self.timestamp_url or "").encode())
        return digest.hexdigest()

    @property
    def signs_in_workers(self) -> bool:
        """Whether render workers may sign too: a PKCS#11 session cannot cross into a forked
        process, so a token signs in polisi's own process only."""
        return self.identity.token is None

    @property
    def description(self) -> str:
        return f"signed by {self.identity.subject}"


def signer_for(handbook: Handbook) -> Signer:
    config = handbook.config
    build = handbook.build_dir
    identity = open_token(load_identity(handbook.root, config.signing, build, config.organisation))
    return Signer(identity, config.service, config.signing.timestamp_url)
