"""Checking a sealed report offline: is the seal intact, from this site's CA, and the last word?

pyHanko's ``valid`` alone says little: it reports on the signature value over the bytes the
signature claims to cover. A report is in order only when the seal is intact (the covered bytes
are unchanged), trusted (its certificate chains to the site CA given), its bottom line is good,
and nothing was appended after it. Every shortfall becomes a sentence a QA reviewer can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from core.crypto.keys import certificate_info
from core.crypto.statements import check_certificate
from core.errors import InvalidValue
from core.i18n import N_, _

# pyHanko logs a full traceback (WARNING or ERROR) when a certificate path cannot be built or
# the CMS cannot be processed; the outcome is in the status it returns and in our problems, so
# traceback records from these loggers are dropped while validating.
PYHANKO_LOGGERS = (
    "pyhanko.sign.general",
    "pyhanko.sign.validation.generic_cms",
    "pyhanko.sign.validation.pdf_embedded",
    "pyhanko.sign.diff_analysis.policies",
)

# pyHanko's classes of what an update after the signature did, in a reviewer's words
# (marked N_, shown with _())
MODIFICATION_WORDS = {
    ModificationLevel.NONE: N_("no visible change"),
    ModificationLevel.LTA_UPDATES: N_("document information or validation data"),
    ModificationLevel.FORM_FILLING: N_("form fields filled in or signatures added"),
    ModificationLevel.ANNOTATIONS: N_("comments or annotations added"),
    ModificationLevel.OTHER: N_("changes of another kind"),
}
# what core.crypto.statements.check_certificate says of a certificate another key signed
NOT_ISSUED_BY_CA = "The certificate was not issued by this site's CA."


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    signer_name: str | None  # CN of the signing certificate
    signer_username: str | None  # UID of the signing certificate
    reason: str | None  # the purpose given when sealing
    signing_time: datetime | None  # UTC, as the signer reported it
    intact: bool  # the bytes the seal covers are unchanged
    trusted: bool  # the signing certificate chains to the given site CA
    covers_whole_file: bool  # no byte after the signed revision
    modified_after: bool  # an incremental update was appended after the seal
    problems: tuple[str, ...]


def verify_sealed_pdf(pdf: bytes, ca_cert_pem: bytes) -> SealCheck:
    """Check the Lotbook seal of a PDF against the site CA certificate. Never raises for a bad,
    damaged or unsigned file: ``ok`` is False and ``problems`` says why."""
    if not isinstance(pdf, bytes | bytearray | memoryview):
        raise TypeError(f"verify_sealed_pdf needs the PDF as bytes, not {type(pdf).__name__}")
    try:
        ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    except ValueError:
        raise InvalidValue(
            _(
                "The site CA certificate cannot be read: it is not a PEM certificate. "
                "Export it again from Lotbook (Administration › Site CA)."
            )
        ) from None
    try:
        reader = PdfFileReader(BytesIO(bytes(pdf)), strict=False)
        reader.root["/Pages"]  # a file without a page tree is no PDF we can check
    except Exception as error:  # a damaged file may fail anywhere in the parser
        return _refused(_("The file is not a readable PDF ({error}).").format(error=_short(error)))
    try:
        signatures = reader.embedded_signatures
    except Exception:  # the signature dictionary or its CMS blob does not parse
        return _refused(_("The PDF's seal is damaged: its signature data cannot be read."))
    if not signatures:
        return _refused(_("The PDF carries no seal: it has no digital signature."))

    seal = signatures[-1]
    problems: list[str] = []
    if len(signatures) > 1:
        problems.append(
            _("The PDF carries {n} signatures; a Lotbook report carries exactly one.").format(
                n=len(signatures)
            )
        )
    signing_time = _signing_time(seal)
    signer_cert = _signer_certificate(seal)
    info = certificate_info(signer_cert) if signer_cert else None
    status = _validate(seal, ca_cert, signing_time)
    if status is None:
        problems.append(_("The seal's signature data is damaged and cannot be checked."))
        return SealCheck(
            ok=False,
            signer_name=info.subject_name if info else None,
            signer_username=info.username if info else None,
            reason=_text(seal, "/Reason"),
            signing_time=signing_time,
            intact=False,
            trusted=False,
            covers_whole_file=False,
            modified_after=False,
            problems=tuple(problems),
        )

    intact = bool(status.intact)
    if status.intact and status.valid:
        trusted = status.trusted
    else:  # pyHanko builds the certificate path only for an intact, valid signature
        trusted = signer_cert is not None and (
            check_certificate(signer_cert, _pem(ca_cert), signing_time or datetime.now(UTC)) is None
        )
    covers_whole_file = seal.coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified_after = reader.xrefs.total_revisions - 1 > seal.signed_revision

    if not intact:
        problems.append(
            _(
                "The sealed content was altered after sealing: its digest no longer matches the "
                "seal."
            )
        )
    elif not status.valid:
        problems.append(_("The seal's signature does not match the signer's certificate."))
    if not trusted:
        problems.append(_untrusted_sentence(info, signer_cert, ca_cert, status, signing_time))
    if modified_after:
        problems.append(_modification_sentence(status))
    elif not covers_whole_file:
        problems.append(_("The seal does not cover the whole file: bytes were added or removed."))
    good = status.bottom_line and status.valid
    if intact and trusted and not good and not problems:
        problems.append(_("The seal did not pass validation."))
    ok = not problems and good and intact and trusted and covers_whole_file and not modified_after
    return SealCheck(
        ok=ok,
        signer_name=info.subject_name if info else _text(seal, "/Name"),
        signer_username=info.username if info else None,
        reason=_text(seal, "/Reason"),
        signing_time=signing_time,
        intact=intact,
        trusted=trusted,
        covers_whole_file=covers_whole_file,
        modified_after=modified_after,
        problems=tuple(problems),
    )


def embedded_files(pdf: bytes) -> dict[str, bytes]:
    """The files embedded in a PDF, by name (the first one when a name occurs twice)."""
    reader = PdfReader(BytesIO(bytes(pdf)))
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


def _validate(
    seal: EmbeddedPdfSignature, ca_cert: x509.Certificate, signing_time: datetime | None
) -> PdfSignatureStatus | None:
    context = ValidationContext(
        trust_roots=[_asn1(ca_cert)],
        allow_fetching=False,
        revocation_mode="soft-fail",  # a site CA publishes no revocation information
        # validate at the signing time: an archived report stays verifiable after expiry
        moment=signing_time,
    )
    try:
        with _without_tracebacks():
            return validate_pdf_signature(seal, signer_validation_context=context)
    except Exception:  # damaged CMS, unsupported SubFilter, broken byte range ...
        return None


class _DropTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is None


@contextmanager
def _without_tracebacks() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in PYHANKO_LOGGERS]
    drop = _DropTracebacks()
    for logger in loggers:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(drop)


def _signing_time(seal: EmbeddedPdfSignature) -> datetime | None:
    try:
        moment = seal.self_reported_timestamp
    except Exception:  # an unparsable /M
        return None
    if moment is None:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _signer_certificate(seal: EmbeddedPdfSignature) -> bytes | None:
    try:
        der = seal.signer_cert.dump()
        return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
    except Exception:  # no or a damaged certificate in the CMS
        return None


def _text(seal: EmbeddedPdfSignature, key: str) -> str | None:
    try:
        return str(seal.sig_object[key])
    except (KeyError, TypeError, ValueError):
        return None


def _untrusted_sentence(
    info, signer_cert: bytes | None, ca_cert: x509.Certificate, status, at: datetime | None
) -> str:
    ca_name = certificate_info(_pem(ca_cert)).subject_name
    if info is None or signer_cert is None:
        return _("The seal carries no readable signer certificate.")
    if info.issuer_name != ca_name:
        return _(
            "The signer's certificate was issued by “{issuer}”, not by this site's CA “{ca}”: "
            "the report was not sealed at this site, or the CA file is wrong."
        ).format(issuer=info.issuer_name, ca=ca_name)
    problem = check_certificate(signer_cert, _pem(ca_cert), at or datetime.now(UTC))
    # the sentence as check_certificate gives it, in the source language or (once it is marked
    # there) in the language of the moment
    if problem is not None and problem in (NOT_ISSUED_BY_CA, _(NOT_ISSUED_BY_CA)):
        return _(
            "The signer's certificate names this site's CA “{ca}” but was not signed with its "
            "key: the CA was created anew, or the CA file is wrong."
        ).format(ca=ca_name)
    if problem is not None:
        return _("The signer's certificate does not hold: {problem}").format(problem=problem)
    indication = status.trust_problem_indic
    if indication:
        # pyHanko's indication, in its own (English) words
        return _(
            "The signer's certificate does not hold against this site's CA “{ca}” ({indication})."
        ).format(ca=ca_name, indication=indication.name.replace("_", " ").lower())
    return _("The signer's certificate does not hold against this site's CA “{ca}”.").format(
        ca=ca_name
    )


def _modification_sentence(status: PdfSignatureStatus) -> str:
    """That an update was appended after the seal, and what kind of change pyHanko found."""
    level = status.modification_level
    if level is None:
        return _("The PDF was changed after it was sealed: an update was appended to it.")
    kind = _(MODIFICATION_WORDS.get(level, MODIFICATION_WORDS[ModificationLevel.OTHER]))
    return _(
        "The PDF was changed after it was sealed: an update was appended to it ({kind})."
    ).format(kind=kind)


def _refused(problem: str) -> SealCheck:
    return SealCheck(
        ok=False,
        signer_name=None,
        signer_username=None,
        reason=None,
        signing_time=None,
        intact=False,
        trusted=False,
        covers_whole_file=False,
        modified_after=False,
        problems=(problem,),
    )


def _short(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
