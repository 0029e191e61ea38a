"""Verifying an exported batch PDF offline: its PAdES seal, and every e-signature it carries.

Each embedded e-signature is checked on its own: the signer's certificate was issued by the site
CA and was valid when they signed, the statement verifies under that certificate, the statement
names this lot, the meaning, signer and time it claims, and the content it claims hashes to the
statement's content hash. Any byte changed after sealing fails the seal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from core.crypto.keys import certificate_info
from core.crypto.statements import check_certificate, verify_statement
from core.i18n import _
from core.reports.embedded import EMBEDDED_FORMAT, EMBEDDED_NAME
from core.reports.verify_pdf import SealCheck, embedded_files, verify_sealed_pdf

# The installation and operational qualification report carries its results instead.
VALIDATION_NAME = "lotbook-validation.json"
VALIDATION_FORMAT = "lotbook-validation"
BATCH_RECORD = "batch record"
VALIDATION_REPORT = "validation report"


@dataclass(frozen=True)
class ESignatureCheck:
    id: int | None
    meaning: str
    scope: str
    signer: str
    signer_name: str
    signed_at: str  # UTC ISO text as embedded
    disposition: str | None
    reason: str | None
    state_at_export: str  # valid | invalidated | broken (as the database judged it at export)
    ok: bool  # cryptographically bound to the content it claims, by a site-CA certificate
    problems: tuple[str, ...]


@dataclass(frozen=True)
class PdfVerification:
    ok: bool
    kind: str  # BATCH_RECORD | VALIDATION_REPORT | "unknown"
    seal: SealCheck
    lot: str | None
    generated_at: str | None
    audit_chain_head: dict | None
    e_signatures: tuple[ESignatureCheck, ...]
    problems: tuple[str, ...]


def _check_esignature(entry: dict, lot: str | None, ca_pem: bytes) -> ESignatureCheck:
    problems: list[str] = []
    cert = (entry.get("certificate") or "").encode("ascii")
    statement_text = entry.get("statement") or ""
    content = entry.get("content") or ""
    try:
        statement = json.loads(statement_text)
    except ValueError:
        statement = {}
        problems.append(_("its statement is not readable"))
    try:
        signed_at = datetime.fromisoformat(str(entry.get("signed_at")).replace("Z", "+00:00"))
    except ValueError:
        signed_at = None
        problems.append(_("its signing time is not readable"))
    if not cert:
        problems.append(_("it carries no certificate"))
    else:
        try:
            info = certificate_info(cert)
            if info.username != entry.get("signer"):
                problems.append(
                    _("the certificate belongs to {user}, not the signer").format(
                        user=info.username
                    )
                )
            if signed_at is not None:
                why = check_certificate(cert, ca_pem, signed_at)
                if why:
                    problems.append(why)
            try:
                signature = base64.b64decode(entry.get("crypto_signature") or "", validate=True)
            except (binascii.Error, ValueError):
                signature = b""
            if not verify_statement(cert, statement_text.encode("utf-8"), signature):
                problems.append(_("the cryptographic signature does not verify"))
        except ValueError:
            problems.append(_("its certificate is not readable"))
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    if digest != entry.get("content_sha256") or digest != statement.get("content_sha256"):
        problems.append(_("the content it claims does not match the content hash it signed"))
    for key in ("lot", "scope", "meaning", "signer", "disposition", "reason", "details"):
        if statement.get(key) != entry.get(key):
            problems.append(_("its {key} differs from what the signer signed").format(key=key))
    if lot is not None and statement.get("lot") != lot:
        problems.append(
            _("it was signed for lot {signed}, not {lot}").format(
                signed=statement.get("lot"), lot=lot
            )
        )
    return ESignatureCheck(
        id=entry.get("id"),
        meaning=str(entry.get("meaning")),
        scope=str(entry.get("scope")),
        signer=str(entry.get("signer")),
        signer_name=str(entry.get("signer_name")),
        signed_at=str(entry.get("signed_at")),
        disposition=entry.get("disposition"),
        reason=entry.get("reason"),
        state_at_export=str(entry.get("state_at_export")),
        ok=not problems,
        problems=tuple(problems),
    )


def _attachment(files: dict[str, bytes], name: str, fmt: str, problems: list[str]) -> dict:
    raw = files.get(name)
    if raw is None:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        problems.append(_("The embedded {name} is not readable JSON.").format(name=name))
        return {}
    if not isinstance(data, dict) or data.get("format") != fmt:
        problems.append(
            _("The embedded {name} is not a Lotbook {format} file.").format(
                name=name, format=fmt.split("-", 1)[1]
            )
        )
        return {}
    return data


def verify_pdf(pdf: bytes, ca_pem: bytes) -> PdfVerification:
    seal = verify_sealed_pdf(pdf, ca_pem)
    problems = list(seal.problems)
    try:
        files = embedded_files(pdf)
    except Exception:  # an unreadable file is reported, not raised
        files = {}
    data = _attachment(files, EMBEDDED_NAME, EMBEDDED_FORMAT, problems)
    if not data and EMBEDDED_NAME not in files:
        report = _attachment(files, VALIDATION_NAME, VALIDATION_FORMAT, problems)
        if report:
            return PdfVerification(
                ok=seal.ok,
                kind=VALIDATION_REPORT,
                seal=seal,
                lot=None,
                generated_at=report.get("started_at"),
                audit_chain_head=None,
                e_signatures=(),
                problems=tuple(problems),
            )
        if VALIDATION_NAME not in files:
            problems.append(
                _("The PDF carries no {name}: it is not a Lotbook batch export.").format(
                    name=EMBEDDED_NAME
                )
            )
    lot = (data.get("batch") or {}).get("lot") if data else None
    checks = tuple(_check_esignature(e, lot, ca_pem) for e in data.get("e_signatures", []))
    for check in checks:
        if not check.ok:
            problems.append(
                _("E-signature {id} ({meaning} by {signer}): {problems}.").format(
                    id=check.id,
                    meaning=check.meaning,
                    signer=check.signer_name,
                    problems="; ".join(check.problems),
                )
            )
    return PdfVerification(
        ok=seal.ok and bool(data) and all(c.ok for c in checks),
        kind=BATCH_RECORD if data else "unknown",
        seal=seal,
        lot=lot,
        generated_at=data.get("generated_at") if data else None,
        audit_chain_head=data.get("audit_chain_head") if data else None,
        e_signatures=checks,
        problems=tuple(problems),
    )
