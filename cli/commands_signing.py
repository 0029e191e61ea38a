"""sign, review, export-pdf, verify-pdf, ca (export | issue | status | create), deviation close,
audit review: the signing and release commands."""

from __future__ import annotations

from pathlib import Path

from cli import credentials
from cli.context import open_db
from cli.output import emit_json, info, table
from cli.signature_text import manifestation
from core.clock import local_text
from core.errors import DomainError
from core.i18n import _, ngettext
from core.signing_views import (
    MEANING_LABEL,
    MEANING_STATEMENT,
    signed_words,
)
from core.words import STATUS_WORDS

PDF_MAX_MB = 512  # the largest PDF verify-pdf reads (a sealed batch summary is a few MB)


def _signer(db, args, statement: str = ""):
    """The signer and the password they typed (asked once, used to re-authenticate and sign);
    ``statement``: what the signature means, shown above the prompt."""
    from core.services.users import authenticate

    password = credentials.password(args, statement + _("Password (to sign): "))
    return authenticate(db, args.user, password), password


def cmd_sign(args) -> int:
    from core.services.signing import sign
    from core.services.signing_rules import parse_meaning

    db = open_db(args)
    # what the signature means, with the password prompt: the signer reads it there, in the
    # language it is kept in with the signature
    meaning = parse_meaning(args.meaning)
    statement = f"{MEANING_LABEL[meaning]}: “{MEANING_STATEMENT[meaning]}”\n"
    actor, password = _signer(db, args, statement)
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
        info(_("Signed lot {lot}. {signature}").format(lot=sig.lot, signature=manifestation(sig)))
        info(_("Statement signed: {statement}").format(statement=signed_words(sig)))
        info(
            _("Content SHA-256 {sha256}; certificate {serial}").format(
                sha256=sig.content_sha256, serial=sig.certificate_serial
            )
        )
    return 0


def cmd_review(args) -> int:
    from core.services.review import review_batch

    review = review_batch(open_db(args), args.lot)
    if args.json:
        emit_json(review)
        return 0
    info(
        _("Lot {lot} — status {status}").format(
            lot=review.lot, status=STATUS_WORDS.get(review.status, review.status)
        )
    )
    if review.items:
        rows = [
            (
                _("BLOCKS") if i.blocking else "",
                i.kind_label,
                i.title,
                i.detail,
                i.by or "",
                local_text(i.at) if i.at else "",
            )
            for i in review.items
        ]
        table(("", _("EXCEPTION"), _("WHAT"), _("DETAIL"), _("BY"), _("WHEN")), rows)
    else:
        info(_("Nothing needs review."))
    mark = review.audit_review
    if mark:
        if mark.current:
            reviewed = _(
                "Audit trail reviewed by {name} ({who}) {at} through event #{seq} (current)."
            )
        else:
            reviewed = _(
                "Audit trail reviewed by {name} ({who}) {at} through event #{seq} (the batch "
                "changed since)."
            )
        shown = reviewed.format(
            name=mark.reviewed_by_name,
            who=mark.reviewed_by,
            at=local_text(mark.reviewed_at),
            seq=mark.through_seq,
        )
        info("\n" + shown)
    if review.signatures:
        info("\n" + _("Signatures"))
        for sig in review.signatures:
            info("  " + manifestation(sig))
    if review.approval_blockers:
        blockers = " ".join(_sentence(b) for b in review.approval_blockers)
        info("\n" + _("Release blocked: {blockers}").format(blockers=blockers))
    else:
        info("\n" + _("Ready for QA disposition."))
    return 0


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def cmd_audit_review(args) -> int:
    from core.services.review import mark_audit_trail_reviewed

    db = open_db(args)
    actor, password = _signer(db, args)
    mark = mark_audit_trail_reviewed(db, actor, password, args.lot, args.comment)
    info(
        _("Audit trail of lot {lot} marked reviewed by {name} through event #{seq}.").format(
            lot=args.lot, name=mark.reviewed_by_name, seq=mark.through_seq
        )
    )
    return 0


def cmd_deviation_close(args) -> int:
    from core.services.deviations import close_deviation

    db = open_db(args)
    actor, password = _signer(db, args)
    view = close_deviation(db, actor, password, args.ref, args.conclusion)
    info(
        _("Closed {ref} on lot {lot}: {conclusion}").format(
            ref=view.ref, lot=view.lot, conclusion=view.conclusion
        )
    )
    return 0


def cmd_export_pdf(args) -> int:
    from core.services.reports import approve_and_export, export_pdf

    db = open_db(args)
    actor, password = _signer(db, args)
    path = Path(args.output)
    if args.approve:
        if args.coa:
            raise DomainError(_("--approve seals the batch summary; export the CoA on its own."))
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
            raise DomainError(_("--draft is for a certificate of analysis (--coa)."))
        outcome = export_pdf(
            db, actor, password, args.lot, path, coa=args.coa, draft=args.draft, force=args.force
        )
    if outcome.approval:
        info(manifestation(outcome.approval))
    wrote = ngettext(
        "Wrote {file} ({kind}, {pages} pages), sealed by {name}: {purpose}. SHA-256 {sha256}",
        "Wrote {file} ({kind}, {pages} pages), sealed by {name}: {purpose}. SHA-256 {sha256}",
        outcome.pages,
    )  # the same English for one and many (as before); translators give each form its words
    info(
        wrote.format(
            file=outcome.path,
            kind=_(outcome.kind),
            pages=outcome.pages,
            name=outcome.sealed_by_name,
            purpose=outcome.purpose,
            sha256=outcome.sha256,
        )
    )
    if outcome.note:
        info(_("Note: {note}").format(note=outcome.note))
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
        source = _("the site database")
    result = verify_pdf(pdf, ca_pem)
    if result.kind == "batch record" and db is not None:
        result = _against_the_chain(db, pdf, path.name, result)
    if args.json:
        emit_json(result)
    else:
        seal = result.seal
        if result.kind != "validation report":
            what = _("lot {lot}").format(lot=result.lot or "?")
        else:
            what = _("validation report")
        info(
            _("{file}: {what}, checked against the site CA from {source}").format(
                file=path.name, what=what, source=source
            )
        )
        when = local_text(seal.signing_time) if seal.signing_time else "?"
        seal_line = _(
            "Seal: {state} — {name} ({who}), {when}, purpose: {purpose}; intact {intact}, "
            "trusted {trusted}, whole file {whole}"
        )
        info(
            seal_line.format(
                state=_("VALID") if seal.ok else _("NOT VALID"),
                name=seal.signer_name or "?",
                who=seal.signer_username or "?",
                when=when,
                purpose=seal.reason or "?",
                intact=_yes(seal.intact),
                trusted=_yes(seal.trusted),
                whole=_yes(seal.covers_whole_file),
            )
        )
        for e in result.e_signatures:
            status = _("verified") if e.ok else _("FAILED")
            extra = f" — {e.disposition}: {e.reason}" if e.disposition else ""
            if e.state_at_export != "valid":
                status = _("{status} ({state} at export)").format(
                    status=status, state=e.state_at_export
                )
            info(
                _(
                    "  e-signature {id}: {meaning} [{scope}] {name} ({who}) {at}{extra}: {status}"
                ).format(
                    id=e.id,
                    meaning=MEANING_LABEL.get(e.meaning, e.meaning),
                    scope=e.scope,
                    name=e.signer_name,
                    who=e.signer,
                    at=e.signed_at,
                    extra=extra,
                    status=status,
                )
            )
        for problem in result.problems:
            info(_("  problem: {problem}").format(problem=problem))
        later = _superseded(db, pdf, result) if db is not None else None
        if later is not None:
            info(
                _(
                    "SUPERSEDED: a later certificate of analysis of lot {lot} was issued {at} by "
                    "{who} (SHA-256 {sha256}…, {file}); this one is no longer valid."
                ).format(
                    lot=result.lot,
                    at=local_text(later.issued_at),
                    who=later.issued_by,
                    sha256=later.sha256[:16],
                    file=later.file,
                )
            )
        info(_("Result: VERIFIED") if result.ok else _("Result: FAILED"))
    return 0 if result.ok else 1


def _against_the_chain(db, pdf: bytes, name: str, result):
    """The database's audit trail must still hold the chain head the PDF printed."""
    from dataclasses import replace

    from core.services.trail_verification import pdf_head, pdf_head_problem

    problem = pdf_head_problem(db, pdf_head(pdf, name))
    if problem is None:
        return result
    chain = _("Audit chain: {problem}.").format(problem=problem)
    return replace(result, ok=False, problems=(*result.problems, chain))


def _superseded(db, pdf: bytes, result):
    """The certificate that replaced this one, from the site's audit trail (None if none)."""
    import hashlib

    from core.services.product_facts import superseded_by

    if result.lot is None:
        return None
    return superseded_by(db, result.lot, hashlib.sha256(pdf).hexdigest())


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("NO")


def cmd_ca_export(args) -> int:
    from core.crypto.keys import certificate_info
    from core.outputs import write_bytes
    from core.services.signing_keys import ca_certificate_pem

    pem = ca_certificate_pem(open_db(args))
    write_bytes(Path(args.output), pem, force=args.force)
    cert = certificate_info(pem)
    info(
        _("Wrote {file}: {subject}, SHA-256 fingerprint {fingerprint}").format(
            file=args.output, subject=cert.subject_name, fingerprint=cert.sha256_fingerprint
        )
    )
    return 0


def cmd_ca_issue(args) -> int:
    from core.services.signing_keys import issue_certificates

    db = open_db(args)
    actor, password = _signer(db, args)
    issued = issue_certificates(db, actor, password, args.names or None)
    if not issued:
        info(_("No certificate was waiting to be issued."))
    for view in issued:
        info(
            _("Issued the certificate of {name} ({who}), serial {serial}").format(
                name=view.full_name, who=view.username, serial=view.serial_hex
            )
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
            _("yes") if v.holds_ca_slot else "",
        )
        for v in views
    ]
    headers = (_("USER"), _("NAME"), _("ROLE"), _("KEY"), _("SERIAL"), _("ISSUED"))
    table((*headers, _("CA SLOT")), rows)
    return 0


def cmd_ca_create(args) -> int:
    from core.services.signing_keys import create_authority_for_existing_site
    from core.services.site import site_label

    db = open_db(args)
    actor, password = _signer(db, args)
    create_authority_for_existing_site(db, actor, password, site_label(db))
    info(_("Created the site certificate authority and your signing certificate."))
    return 0
