"""Organisation configuration: the one file (``polisi.yml``) every command reads.

Things an organisation sets once live here, never in code: its name, the
service, who the responsible individual is, the review warning window, where
its own catalogue additions live, and how its documents are signed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from polisi.errors import PolisiError
from polisi.handbook.catalogue import ServiceType
from polisi.handbook.yamlpos import parse_yaml

CONFIG_FILE = "polisi.yml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewSettings(_Section):
    warning_days: int = Field(60, ge=0, le=365)
    """A review falling due within this many days of the as-of date is a warning."""


FINGERPRINT_PATTERN = r"^\s*([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}\s*$"
"""A SHA-256 fingerprint: 64 hex digits, optionally in colon-separated pairs (as openssl prints it)."""


class SigningSettings(_Section):
    pkcs12: str | None = None
    """Path (absolute, ``~/...`` or relative to the handbook; never inside the build folder) of the
    organisation's PKCS#12 signing file. Without it, a demonstration certificate authority is
    created in a per-user folder."""
    passphrase_env: str = "POLISI_SIGNING_PASSPHRASE"
    """Environment variable holding the PKCS#12 passphrase."""
    passphrase_file: str | None = None
    """File holding the passphrase (used when the environment variable is not set)."""
    timestamp_url: str | None = None
    """RFC 3161 timestamp server; when set, signatures are PAdES B-T instead of B-B."""
    trust_roots: list[str] = []
    """PEM or DER certificates, committed with the handbook, that ``polisi verify`` trusts."""
    fingerprints: list[Annotated[str, StringConstraints(pattern=FINGERPRINT_PATTERN)]] = []
    """SHA-256 fingerprints of the certificates ``polisi verify`` trusts (the organisation's signing
    certificate or its CA), so the trust anchor is committed in ``polisi.yml`` itself."""


class NewDocumentSettings(_Section):
    """What ``polisi new`` writes into a new draft."""

    owner: str = "Registered Manager"
    review_interval: str = "12 months"
    policy_headings: list[str] = [
        "Purpose", "Scope", "Principles", "Responsibilities", "Legal basis", "Procedures", "Monitoring",
    ]
    procedure_headings: list[str] = ["Purpose", "What to do", "Records", "Hand-over"]


class Config(_Section):
    """Settings for one handbook."""

    organisation: str = "Your organisation"
    """The registered provider, as printed on every page and PDF."""
    service: str = "Your service"
    """The regulated service this handbook belongs to."""
    service_type: ServiceType | None = None
    """Which kind of regulated service it is (RISCA 2016 s.2), e.g. ``residential_family_centre``:
    catalogue provisions limited to other kinds of service are then shown as not applicable."""
    not_applicable: dict[str, str] = {}
    """Catalogue clause id -> why it does not apply to this service, for provisions the catalogue cannot
    rule out by the kind of service alone."""
    responsible_individual: str | None = None
    """Name of the responsible individual, shown on the inspector bundle's cover."""
    language: str = "en-GB"
    """Language of the documents (BCP 47), set in the site and PDF metadata."""
    areas: dict[str, str] = {}
    """Area codes used in document ids and their names, e.g. ``SAF: Safeguarding``."""
    references: str = "references"
    """Folder (relative to the handbook) of catalogue files that add to or override the shipped one."""
    build_dir: str = "build"
    """Where outputs are written (relative to the handbook)."""
    approvers: list[str] = []
    """The roles or bodies that may approve a document (``polisi approve --by``), e.g. ``Board``.
    Empty: any one-line role is accepted."""
    whats_new_days: int = Field(90, ge=1, le=3650)
    """The site's "What's new" page lists approvals and reviews of the last this many days."""
    review: ReviewSettings = ReviewSettings()
    new: NewDocumentSettings = NewDocumentSettings()
    signing: SigningSettings = SigningSettings()

    @field_validator("approvers")
    @classmethod
    def _roles(cls, roles: list[str]) -> list[str]:
        for role in roles:
            if not role.strip() or "\n" in role:
                raise ValueError(f"each approver is one non-empty line, not {role!r}")
        return [role.strip() for role in roles]


class ConfigError(PolisiError):
    """The configuration file is broken; the message is a ``path:line:col`` line (exit status 2)."""

    exit_status = 2


def load_config(root: Path) -> Config:
    """Read ``polisi.yml`` from the handbook root (defaults when there is none)."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE}:1:1: error: CONFIG cannot read: {exc}") from None
    parsed = parse_yaml(text, CONFIG_FILE)
    if parsed.findings:
        raise ConfigError(parsed.findings[0].format())
    try:
        return Config.model_validate(parsed.value or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line, col = parsed.key_position(loc) if err["type"] == "extra_forbidden" else parsed.position(loc)
        where = ".".join(str(p) for p in loc)
        raise ConfigError(f"{CONFIG_FILE}:{line}:{col}: error: CONFIG {where}: {err['msg']}") from None
