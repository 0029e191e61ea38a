"""sign, review, export-pdf, verify-pdf, ca (export | issue | status | create), deviation close,
audit review: the signing and release commands."""

from __future__ import annotations

from pathlib import Path

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from core.clock import local_text
from core.errors import DomainError
from core.signing_views import DISPOSITION_LABEL, SignatureState, SignatureView

PDF_MAX_MB = 512  # the largest PDF verify-pdf reads (a sealed batch summary is a few MB)


def manifestation(sig: SignatureView) -> str:
    """Printed name, date-time with zone and meaning (21 CFR 11.50), and the state."""
    what = sig.label + (f" [{sig.scope}]" if sig.scope != "batch" else "")
    line = (
        f"{what}: {sig.signer_name} ({sig.signer}, {sig.signer_role}) {local_text(sig.signed_at)}"
    )
    if sig.disposition:
        line += f" — {DISPOSITION_LABEL.get(sig.disposition, sig.disposition)}: {sig.reason}"
        if sig.deviation:
            line += f"; deviation {sig.deviation}"
        if sig.physician_notification:
            line += f"; physician notified: {sig.physician_notification}"
    elif sig.reason:
        line += f" — {sig.reason}"
    if sig.state == SignatureState.INVALIDATED:
        line += f"  INVALIDATED: {sig.state_detail}"
    elif sig.state != SignatureState.VALID:
        line += f"  NOT VALID: {sig.state_detail}"
    return line


def _signer(db, args):
    """The signer and the password they typed (asked once, used to re-authenticate and sign)."""
    from core.services.users import authenticate

    password = credentials.password(args, "Password (to sign): ")
    return authenticate(db, args.user, password), password


def cmd_sign(args) -> int:
    from core.services.signing import sign

    db = open_db(args)
    actor, password = _signer(db, args)
    sig = sign(
        db,
        actor,
        password,
        args.lot,
        args.meaning,
        step_id=args.step,
        disposition=args.disposition,
        reason=args.reason,
        deviation=args.deviation,
        physician=args.physician,
    )
    if args.json:
        emit_json(sig)
    else:
        info(f"Signed lot {sig.lot}. {manifestation(sig)}")
        info(f"Content SHA-256 {sig.content_sha256}; certificate {sig.certificate_serial}")
    return 0


def cmd_review(args) -> int:
    from core.services.review import review_batch

    review = review_batch(open_db(args), args.lot)
    if args.json:
        emit_json(review)
        return 0
    info(f"Lot {review.lot} — status {review.status.replace('_', ' ')}")
    if review.items:
        rows = [
            (
                "BLOCKS" if i.blocking else "",
                i.kind_label,
                i.title,
                i.detail,
                i.by or "",
                local_text(i.at) if i.at else "",
            )
            for i in review.items
        ]
        table(("", "EXCEPTION", "WHAT", "DETAIL", "BY", "WHEN"), rows)
    else:
        info("Nothing needs review.")
    mark = review.audit_review
    if mark:
        state = "current" if mark.current else "the batch changed since"
        info(
            f"\nAudit trail reviewed by {mark.reviewed_by_name} ({mark.reviewed_by}) "
            f"{local_text(mark.reviewed_at)} through event #{mark.through_seq} ({state})."
        )
    if review.signatures:
        info("\nSignatures")
        for sig in review.signatures:
            info("  " + manifestation(sig))
    if review.approval_blockers:
        info("\nRelease blocked: " + " ".join(_sentence(b) for b in review.approval_blockers))
    else:
        info("\nReady for QA disposition.")
    return 0


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def cmd_audit_review(args) -> int:
    from core.services.review import mark_audit_trail_reviewed

    db = open_db(args)
    actor, password = _signer(db, args)
    mark = mark_audit_trail_reviewed(db, actor, password, args.lot, args.comment)
    info(
        f"Audit trail of lot {args.lot} marked reviewed by {mark.reviewed_by_name} through event "
        f"#{mark.through_seq}."
    )
    return 0


def cmd_deviation_close(args) -> int:
    from core.services.deviations import close_deviation

    db = open_db(args)
    actor, password = _signer(db, args)
    view = close_deviation(db, actor, password, args.ref, args.conclusion)
    info(f"Closed {view.ref} on lot {view.lot}: {view.conclusion}")
    return 0


def cmd_export_pdf(args) -> int:
    from core.services.reports import approve_and_export, export_pdf

    db = open_db(args)
    actor, password = _signer(db, args)
    path = Path(args.output)
    if args.approve:
        if args.coa:
            raise DomainError("--approve seals the batch summary; export the CoA on its own.")
        outcome = approve_and_export(
            db,
            actor,
            password,
            args.lot,
            path,
            disposition=args.approve,
            reason=args.reason,
            deviation=args.deviation,
            physician=args.physician,
            force=args.force,
        )
    else:
        if args.draft and not args.coa:
            raise DomainError("--draft is for a certificate of analysis (--coa).")
        outcome = export_pdf(
            db, actor, password, args.lot, path, coa=args.coa, draft=args.draft, force=args.force
        )
    if outcome.approval:
        info(manifestation(outcome.approval))
    info(
        f"Wrote {outcome.path} ({outcome.kind}, {outcome.pages} pages), sealed by "
        f"{outcome.sealed_by_name}: {outcome.purpose}. SHA-256 {outcome.sha256}"
    )
    if outcome.note:
        info(f"Note: {outcome.note}")
    return 0


def cmd_verify_pdf(args) -> int:
    from core.inputs import MB, read_regular_file
    from core.services.pdf_verification import verify_pdf

    path = Path(args.file)
    pdf = read_regular_file(path, max_bytes=PDF_MAX_MB * MB, done="nothing was verified")
    if args.ca:
        ca_pem = read_regular_file(args.ca, max_bytes=MB, done="nothing was verified")
        source = args.ca
        db = None  # offline: the PDF and the certificate alone
    else:
        from core.services.signing_keys import ca_certificate_pem

        db = open_db(args)  # one opening for the CA, the chain head and a later certificate
        ca_pem = ca_certificate_pem(db)
        source = "the site database"
    result = verify_pdf(pdf, ca_pem)
    if result.kind == "batch record" and db is not None:
        result = _against_the_chain(db, pdf, path.name, result)
    if args.json:
        emit_json(result)
    else:
        seal = result.seal
        what = f"lot {result.lot or '?'}" if result.kind != "validation report" else result.kind
        info(f"{path.name}: {what}, checked against the site CA from {source}")
        when = local_text(seal.signing_time) if seal.signing_time else "?"
        info(
            f"Seal: {'VALID' if seal.ok else 'NOT VALID'} — {seal.signer_name or '?'} "
            f"({seal.signer_username or '?'}), {when}, purpose: {seal.reason or '?'}; "
            f"intact {_yes(seal.intact)}, trusted {_yes(seal.trusted)}, "
            f"whole file {_yes(seal.covers_whole_file)}"
        )
        for e in result.e_signatures:
            status = "verified" if e.ok else "FAILED"
            extra = f" — {e.disposition}: {e.reason}" if e.disposition else ""
            state = "" if e.state_at_export == "valid" else f" ({e.state_at_export} at export)"
            info(
                f"  e-signature {e.id}: {e.meaning} [{e.scope}] {e.signer_name} ({e.signer}) "
                f"{e.signed_at}{extra}: {status}{state}"
            )
        for problem in result.problems:
            info(f"  problem: {problem}")
        later = _superseded(db, pdf, result) if db is not None else None
        if later is not None:
            info(
                f"SUPERSEDED: a later certificate of analysis of lot {result.lot} was issued "
                f"{local_text(later.issued_at)} by {later.issued_by} (SHA-256 "
                f"{later.sha256[:16]}…, {later.file}); this one is no longer valid."
            )
        info("Result: " + ("VERIFIED" if result.ok else "FAILED"))
    return 0 if result.ok else 1


def _against_the_chain(db, pdf: bytes, name: str, result):
    """The database's audit trail must still hold the chain head the PDF printed."""
    from dataclasses import replace

    from core.services.trail_verification import pdf_head, pdf_head_problem

    problem = pdf_head_problem(db, pdf_head(pdf, name))
    if problem is None:
        return result
    return replace(result, ok=False, problems=(*result.problems, f"Audit chain: {problem}."))


def _superseded(db, pdf: bytes, result):
    """The certificate that replaced this one, from the site's audit trail (None if none)."""
    import hashlib

    from core.services.product_facts import superseded_by

    if result.lot is None:
        return None
    return superseded_by(db, result.lot, hashlib.sha256(pdf).hexdigest())


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def cmd_ca_export(args) -> int:
    from core.crypto.keys import certificate_info
    from core.outputs import write_bytes
    from core.services.signing_keys import ca_certificate_pem

    pem = ca_certificate_pem(open_db(args))
    write_bytes(Path(args.output), pem, force=args.force)
    cert = certificate_info(pem)
    info(f"Wrote {args.output}: {cert.subject_name}, SHA-256 fingerprint {cert.sha256_fingerprint}")
    return 0


def cmd_ca_issue(args) -> int:
    from core.services.signing_keys import issue_certificates

    db = open_db(args)
    actor, password = _signer(db, args)
    issued = issue_certificates(db, actor, password, args.names or None)
    if not issued:
        info("No certificate was waiting to be issued.")
    for view in issued:
        info(
            f"Issued the certificate of {view.full_name} ({view.username}), "
            f"serial {view.serial_hex}"
        )
    return 0


def cmd_ca_status(args) -> int:
    from core.services.signing_keys import key_states
    from core.words import key_state_words

    views = key_states(open_db(args))
    if args.json:
        emit_json(views)
        return 0
    rows = [
        (
            v.username,
            v.full_name,
            v.role,
            key_state_words(v.state),
            v.serial_hex or "",
            local_text(v.issued_at) if v.issued_at else "",
            "yes" if v.holds_ca_slot else "",
        )
        for v in views
    ]
    table(("USER", "NAME", "ROLE", "KEY", "SERIAL", "ISSUED", "CA SLOT"), rows)
    return 0


def cmd_ca_create(args) -> int:
    from core.services.signing_keys import create_authority_for_existing_site
    from core.services.site import site_label

    db = open_db(args)
    actor, password = _signer(db, args)
    create_authority_for_existing_site(db, actor, password, site_label(db))
    info("Created the site certificate authority and your signing certificate.")
    return 0
