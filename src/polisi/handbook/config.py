"""Organisation configuration: the one file (``polisi.yml``) every command reads.

Things an organisation sets once live here, never in code: its name, the
service, who the responsible individual is, the review warning window, where
its own catalogue additions live, and how its documents are signed.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from polisi.errors import PolisiError
from polisi.handbook.catalogue import ServiceType
from polisi.handbook.yamlpos import parse_yaml

CONFIG_FILE = "polisi.yml"
OWN_FOLDERS = frozenset({".git", "statement_of_purpose", "policies", "procedures", "references", "approvals", "word"})
"""Folders of the handbook that hold its own files: never the build folder, nor under it."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewSettings(_Section):
    warning_days: int = Field(60, ge=0, le=365)
    """A review falling due within this many days of the as-of date is a warning."""


FINGERPRINT_PATTERN = r"^\s*([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}\s*$"
"""A SHA-256 fingerprint: 64 hex digits, optionally in colon-separated pairs (as openssl prints it)."""


class TokenSettings(_Section):
    """A signing key kept on a PKCS#11 token (a smart card, an HSM): it signs there and never leaves it."""

    library: str
    """The token's PKCS#11 module, from its vendor (``/usr/lib/softhsm/libsofthsm2.so`` for SoftHSM)."""
    token: str
    """The token's label."""
    key_label: str | None = None
    """Label of the private key, and of its certificate, on the token."""
    key_id: Annotated[str, StringConstraints(pattern=r"^([0-9A-Fa-f]{2})+$")] | None = None
    """PKCS#11 id (hex) of the private key and its certificate, instead of or besides ``key_label``."""
    pin_env: str = "POLISI_SIGNING_PIN"
    """Environment variable holding the token's user PIN (never written in ``polisi.yml``)."""

    @model_validator(mode="after")
    def _names_a_key(self) -> TokenSettings:
        if self.key_label is None and self.key_id is None:
            raise ValueError("signing.pkcs11 needs key_label or key_id: which key on the token signs")
        return self


class SigningSettings(_Section):
    pkcs12: str | None = None
    """Path (absolute, ``~/...`` or relative to the handbook; never inside the build folder) of the
    organisation's PKCS#12 signing file. Without it, a demonstration certificate authority is
    created in a per-user folder."""
    pkcs11: TokenSettings | None = None
    """A key on a PKCS#11 token instead of a PKCS#12 file (see README, "Keeping the signing key")."""
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

    @model_validator(mode="after")
    def _one_key(self) -> SigningSettings:
        if self.pkcs12 is not None and self.pkcs11 is not None:
            raise ValueError("name one signing key: signing.pkcs12 or signing.pkcs11, not both")
        return self

    @property
    def configured(self) -> bool:
        """Whether the organisation names its own key (else polisi signs with a demonstration one)."""
        return self.pkcs12 is not None or self.pkcs11 is not None


class NewDocumentSettings(_Section):
    """What ``polisi new`` writes into a new draft."""

    owner: str = "Registered Manager"
    review_interval: str = "12 months"
    policy_headings: list[str] = [
        "Purpose", "Scope", "Principles", "Responsibilities", "Legal basis", "Procedures", "Monitoring",
    ]
    procedure_headings: list[str] = ["Purpose", "What to do", "Records", "Hand-over"]


class PortalSettings(_Section):
    """The staff portal (``polisi portal``): its database, and who must read what."""

    database: str = "portal.sqlite3"
    """SQLite file (relative to the handbook; keep it out of git and out of the build folder) or a
    SQLAlchemy URL such as ``postgresql+psycopg://polisi@db.internal/polisi``. The environment
    variable ``POLISI_PORTAL_DATABASE`` overrides it, so a password need not be written here."""
    url: str = "http://127.0.0.1:8000"
    """The address staff use to reach the portal; invitation links start with it."""
    roles: dict[str, list[str]] = {}
    """Each staff role and the document audiences it belongs to, e.g. ``Night worker: [All staff,
    Night staff]``. A role also belongs to the audience of its own name."""
    everyone: list[str] = ["All staff"]
    """Audiences every member of staff belongs to, whatever their roles."""
    managers: list[str] = ["Registered Manager"]
    """Roles that may see the managers' pages and record acknowledgements for others."""
    due_days: int = Field(14, ge=0, le=365)
    """Days to read a version: counted from its publication, or from a starter's first day."""
    trusted_header: str | None = None
    """Header set by the organisation's single sign-on reverse proxy holding the signed-in email
    (off unless set; only safe when the portal is reachable through that proxy alone)."""


LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
"""A two- or three-letter language code (ISO 639): ``en``, ``cy``."""


class Bilingual(_Section):
    """Which documents must exist in every language of the handbook; the others may."""

    all: bool = False
    """Every document must be translated."""
    kinds: list[Literal["statement_of_purpose", "policy", "procedure"]] = []
    """Every document of these kinds, e.g. ``[statement_of_purpose]``."""
    audience: list[str] = []
    """Every document whose ``audience`` names one of these, e.g. ``[Families]`` (what families receive)."""
    ids: list[str] = []
    """These documents, by id."""

    def covers(self, doc_id: str, kind: str, audience: list[str]) -> bool:
        """Must the document with this id, kind and audience exist in every language?"""
        return self.all or doc_id in self.ids or kind in self.kinds or any(a in self.audience for a in audience)


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
    languages: list[LanguageCode] = []
    """The languages the handbook is published in, e.g. ``[en, cy]``; empty: only ``language``."""
    source_language: LanguageCode | None = None
    """The language documents are written in first (``ID.md``); translations are ``ID.<code>.md``.
    Default: the first of ``languages``."""
    bilingual: Bilingual = Bilingual()
    terms: dict[LanguageCode, dict[str, str]] = {}
    """The names this file and front matter give in the source language (the service, areas, roles such
    as ``Registered Manager``) in each translation language, e.g. ``cy: {Registered Manager: Rheolwr
    Cofrestredig}``: outputs in that language print them instead. A name without one is printed as written."""
    areas: dict[str, str] = {}
    """Area codes used in document ids and their names, e.g. ``SAF: Safeguarding``."""
    references: str = "references"
    """Folder (relative to the handbook) of catalogue files that add to or override the shipped one."""
    build_dir: str = "build"
    """Where outputs are written: a folder inside the handbook, of its own (relative to the handbook)."""
    approvers: list[str] = []
    """The roles or bodies that may approve a document (``polisi approve --by``), e.g. ``Board``.
    Empty: any one-line role is accepted."""
    whats_new_days: int = Field(90, ge=1, le=3650)
    """The site's "What's new" page lists approvals and reviews of the last this many days."""
    review: ReviewSettings = ReviewSettings()
    new: NewDocumentSettings = NewDocumentSettings()
    signing: SigningSettings = SigningSettings()
    portal: PortalSettings | None = None
    """Set to use the staff portal; the inspector bundle then shows acknowledgement coverage."""

    @field_validator("build_dir")
    @classmethod
    def _own_folder(cls, value: str) -> str:
        """A build replaces whole folders in the build folder (``pdf``, ``site``, ...) and deletes what
        killed builds left there, so it must be a folder polisi owns: one changed ``polisi.yml``
        (``build_dir: ..``) must not make a build delete folders beside the handbook or in it."""
        path = posixpath.normpath(value.strip() or ".")
        if path.startswith(("/", "~")) or path == "." or path == ".." or path.startswith("../"):
            raise ValueError(f"build_dir must be a folder inside the handbook (such as build), not {value!r}")
        if path.split("/")[0] in OWN_FOLDERS:
            raise ValueError(f"build_dir must be a folder of its own, not inside {path.split('/')[0]}/, which "
                             "holds the handbook's own files")
        return path

    @field_validator("approvers")
    @classmethod
    def _roles(cls, roles: list[str]) -> list[str]:
        for role in roles:
            if not role.strip() or "\n" in role:
                raise ValueError(f"each approver is one non-empty line, not {role!r}")
        return [role.strip() for role in roles]

    @property
    def source_lang(self) -> str:
        """Code of the language ``ID.md`` files are written in."""
        if self.source_language:
            return self.source_language
        return self.languages[0] if self.languages else self.language.split("-")[0].lower()

    @property
    def translation_languages(self) -> tuple[str, ...]:
        """Codes of the languages documents are translated into (``cy`` for ``ID.cy.md``)."""
        return tuple(code for code in self.languages if code != self.source_lang)

    @property
    def published_languages(self) -> tuple[str, ...]:
        """The source language first, then every translation language."""
        return (self.source_lang, *self.translation_languages)

    def term(self, name: str, language: str) -> str:
        """``name`` (a role, area or the service, as written in the source language) in ``language``."""
        code = language.split("-")[0].lower()
        return name if code == self.source_lang else self.terms.get(code, {}).get(name, name)

    def lang_tag(self, code: str) -> str:
        """The BCP 47 tag written into pages and PDFs: ``language`` for the source language, else the code."""
        return self.language if code == self.source_lang else code


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
        config = Config.model_validate(parsed.value or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line, col = parsed.key_position(loc) if err["type"] == "extra_forbidden" else parsed.position(loc)
        where = ".".join(str(p) for p in loc)
        raise ConfigError(f"{CONFIG_FILE}:{line}:{col}: error: CONFIG {where}: {err['msg']}") from None
    if config.languages and config.source_lang not in config.languages:
        line, col = parsed.position(("source_language",))
        raise ConfigError(f"{CONFIG_FILE}:{line}:{col}: error: CONFIG source_language: "
                          f"{config.source_lang} is not one of languages ({', '.join(config.languages)})")
    return config
