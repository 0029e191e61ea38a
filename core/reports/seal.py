"""The PAdES seal of a report PDF: attachments embedded, a visible stamp, one signature, last.

Everything the seal adds goes into one incremental update, and the signature is computed over
that update: the embedded files (EmbeddedFiles name tree plus the catalog's /AF array with
/AFRelationship /Data, as PDF/A-3 associated files), the signature field and its appearance.
Nothing is written after signing.

The visible stamp is drawn by reportlab as a one-page PDF with DejaVu Sans embedded and imported
as the signature appearance (a form XObject). pyHanko's own text stamp uses an unembedded
Courier (not PDF/A), and its OpenType path needs uharfbuzz, which Lotbook does not ship.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from core.crypto.statements import check_certificate
from core.errors import DomainError
from core.i18n import _
from core.reports.fonts import draw_text
from core.version import app_root

FIELD_NAME = "LotbookSeal"
FONT = ("LotbookSealSans", "DejaVuSans.ttf")
FONT_BOLD = ("LotbookSealSans-Bold", "DejaVuSans-Bold.ttf")
INK = Color(0.10, 0.16, 0.27)
PAPER = Color(0.96, 0.97, 0.99)
PADDING = 5.0
LARGEST_TEXT, SMALLEST_TEXT = 9.0, 5.0


class SealFailed(DomainError):
    """The report could not be sealed (unreadable PDF, key and certificate do not belong)."""


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the sealed PDF (for example the batch data as JSON)."""

    name: str
    data: bytes
    mime_type: str = "application/octet-stream"
    description: str = ""


def seal_pdf(
    pdf: bytes,
    *,
    key: ec.EllipticCurvePrivateKey,
    cert_pem: bytes,
    ca_cert_pem: bytes,
    signer_name: str,
    reason: str,
    location: str,
    page: int,
    box: tuple[float, float, float, float],
    attachments: Sequence[Attachment] = (),
    now: datetime | None = None,
    time_zone: str = "UTC",
) -> bytes:
    """The PDF with ``attachments`` embedded and a visible PAdES seal on ``page`` (0-based) in
    ``box`` (x1, y1, x2, y2 in points from the bottom left), signed by ``key``.

    ``time_zone`` (IANA name) is the zone the stamp shows the signing time in.
    """
    if now is not None and now.utcoffset() is None:
        raise ValueError("seal_pdf needs a timezone-aware time (UTC)")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    when = _local_time_text(moment, time_zone)
    _check_signer(key, cert_pem, ca_cert_pem, moment)
    try:
        writer = _MetadataKeepingWriter(BytesIO(pdf))
        page_count = int(writer.root["/Pages"]["/Count"])
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise SealFailed(
            _("The report PDF cannot be read for sealing ({error}).").format(error=error)
        ) from None
    if not 0 <= page < page_count:
        raise SealFailed(
            _("The seal cannot go on page {page}: the report has {pages}.").format(
                page=page + 1, pages=page_count
            )
        )
    _embed_attachments(writer, attachments, moment)

    x1, y1, x2, y2 = box
    stamp = _stamp_pdf(abs(x2 - x1), abs(y2 - y1), signer_name, reason, when)
    style = StaticStampStyle(
        background=_ImportedStamp(stamp),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            inner_content_scaling=layout.InnerScaling.STRETCH_FILL,
        ),
    )
    signer = _SignerAt(
        PdfSignatureMetadata(
            field_name=FIELD_NAME,
            reason=reason,
            location=location,
            name=signer_name,
            subfilter=SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        ),
        signer=_simple_signer(key, cert_pem, ca_cert_pem),
        stamp_style=style,
        # pyHanko annotates the box as ints but writes real numbers (FloatObject): a stub gap
        new_field_spec=SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=box),  # type: ignore[arg-type]
        system_time=moment,
    )
    output = BytesIO()
    signer.sign_pdf(writer, output=output)
    return output.getvalue()


class _MetadataKeepingWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the report's metadata as it was rendered.

    pyHanko 0.38 rewrites /Info on every write (ModDate = wall clock, "; pyHanko 0.38.0"
    appended to /Producer) and, when there is an XMP packet, sets its pdf:Producer to
    "pyHanko 0.38.0": /Info and XMP then disagree, which PDF/A forbids. The seal is a signature,
    not an edit: the metadata stays as the renderer wrote it (consistent, as rendered).
    """

    def _update_meta(self) -> None:
        return


class _SignerAt(PdfSigner):
    """A PdfSigner that signs at a given time (pyHanko takes the wall clock otherwise) and keeps
    the document at PDF 1.7.

    For an ECDSA key on a NIST curve pyHanko registers the ISO/TS 32002 extension and raises the
    catalog /Version to 2.0; a PDF/A-3 report is PDF 1.7 and must not claim 2.0. PAdES only needs
    the ETSI (ESIC) extension, which is all this signer registers.
    """

    def __init__(self, *args, system_time: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._system_time = system_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._system_time
        return session

    def register_extensions(self, pdf_out, *, md_algorithm: str) -> None:
        pdf_out.ensure_output_version(version=(1, 7))
        pdf_out.register_extension(ESIC_EXTENSION_1)


class _ImportedStamp(content.PdfContent):
    """Page 1 of an in-memory PDF as a form XObject (pyHanko's ImportedPdfPage wants a file)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        xobject = self._ensure_writer.import_page_as_xobject(PdfFileReader(BytesIO(self._pdf)))
        self.resources.xobject["/LotbookStamp"] = xobject
        x1, y1, x2, y2 = (float(v) for v in xobject.get_object()["/BBox"])
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return b"/LotbookStamp Do"


def _check_signer(key, cert_pem: bytes, ca_cert_pem: bytes, moment: datetime) -> None:
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError:
        raise SealFailed(_("The signing certificate cannot be read; re-issue it.")) from None
    if _public_der(cert.public_key()) != _public_der(key.public_key()):
        raise SealFailed(_("The signing key does not belong to the signing certificate."))
    problem = check_certificate(cert_pem, ca_cert_pem, moment)
    if problem is not None:
        raise SealFailed(_("The report cannot be sealed: {problem}").format(problem=problem))


def _public_der(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _simple_signer(key, cert_pem: bytes, ca_cert_pem: bytes) -> SimpleSigner:
    cert = _asn1_certificate(cert_pem)
    ca_cert = _asn1_certificate(ca_cert_pem)
    return SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([cert, ca_cert]),
    )


def _asn1_certificate(pem: bytes) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def _embed_attachments(
    writer: IncrementalPdfFileWriter, attachments: Sequence[Attachment], moment: datetime
) -> None:
    """Embedded files and PDF/A-3 associated files (/AF, /AFRelationship /Data).

    pyHanko's embed_file would do this too, but with af_relationship it raises the catalog
    /Version to 2.0, which a PDF/A-3 (PDF 1.7) file must not claim.
    """
    if not attachments:
        return
    root = writer.root
    names = _child(root, "/Names")
    if names is None:
        names = generic.DictionaryObject()
        root["/Names"] = writer.add_object(names)
        writer.update_root()
    tree = _child(names, "/EmbeddedFiles")
    if tree is None:
        tree = generic.DictionaryObject()
        names["/EmbeddedFiles"] = writer.add_object(tree)
        writer.update_container(names)
    if "/Kids" in tree:
        raise SealFailed(_("The report PDF already has a nested attachment tree; re-render it."))
    entries = _child(tree, "/Names")
    if entries is None:
        entries = generic.ArrayObject()
        tree["/Names"] = writer.add_object(entries)
        writer.update_container(tree)
    associated = _child(root, "/AF")
    if associated is None:
        associated = generic.ArrayObject()
        root["/AF"] = writer.add_object(associated)
        writer.update_root()

    # the name tree's keys must stay sorted
    pairs = [(_text(entries[i]), entries.raw_get(i + 1)) for i in range(0, len(entries) - 1, 2)]
    for attachment in attachments:
        spec_ref = writer.add_object(_file_spec(writer, attachment, moment))
        pairs.append((attachment.name, spec_ref))
        associated.append(spec_ref)
    pairs.sort(key=lambda pair: pair[0])
    entries.clear()
    for name, ref in pairs:
        entries.extend([pdf_string(name), ref])
    writer.update_container(entries)
    writer.update_container(associated)


def _child(dictionary: generic.DictionaryObject, key: str):
    """The value under ``key``, dereferenced, or None (dict.get would not dereference)."""
    try:
        return dictionary[key]
    except KeyError:
        return None


def _text(value) -> str:
    return value if isinstance(value, str) else bytes(value).decode("latin-1")


def _file_spec(
    writer: IncrementalPdfFileWriter, attachment: Attachment, moment: datetime
) -> generic.DictionaryObject:
    stream = EmbeddedFileObject.from_file_data(
        writer,
        attachment.data,
        mime_type=attachment.mime_type,
        params=EmbeddedFileParams(embed_size=True, embed_checksum=True, modification_date=moment),
    )
    spec = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Filespec"),
            pdf_name("/F"): pdf_string(attachment.name),
            pdf_name("/UF"): pdf_string(attachment.name),
            pdf_name("/EF"): generic.DictionaryObject(
                {pdf_name("/F"): stream.ef_stream_ref, pdf_name("/UF"): stream.ef_stream_ref}
            ),
            pdf_name("/AFRelationship"): pdf_name("/Data"),
        }
    )
    if attachment.description:
        spec["/Desc"] = generic.TextStringObject(attachment.description)
    return spec


def _local_time_text(moment: datetime, time_zone: str) -> str:
    try:
        local = moment.astimezone(ZoneInfo(time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise SealFailed(
            _("The time zone “{zone}” is not known; set the site's time zone in Settings.").format(
                zone=time_zone
            )
        ) from None
    offset = local.strftime("%z")
    zone = local.tzname() or time_zone
    if offset == "+0000" and zone == "UTC":
        return local.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{local:%Y-%m-%d %H:%M:%S} {zone} (UTC{offset[:3]}:{offset[3:]})"


def _stamp_pdf(width: float, height: float, signer_name: str, reason: str, when: str) -> bytes:
    """A one-page PDF the size of the stamp box: the seal's text in DejaVu Sans (embedded)."""
    regular, bold = _register_fonts()
    lines = [
        (bold, _("Sealed with Lotbook")),
        (regular, _("Signed by: {name}").format(name=signer_name)),
        (regular, _("Purpose: {purpose}").format(purpose=reason)),
        (regular, _("Time: {time}").format(time=when)),
    ]
    text_width = max(width - 2 * PADDING, 10.0)
    size = LARGEST_TEXT
    while True:
        wrapped = [
            (font, part)
            for font, text in lines
            for part in simpleSplit(text, font, size, text_width) or [""]
        ]
        if len(wrapped) * size * 1.25 <= height - 2 * PADDING or size <= SMALLEST_TEXT:
            break
        size -= 0.5

    buffer = BytesIO()
    # the initial font is used for the page's resources: Helvetica (unembedded) otherwise
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=regular)
    canvas.setTitle("Lotbook seal")
    canvas.setFillColor(PAPER)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.rect(0.4, 0.4, width - 0.8, height - 0.8, stroke=1, fill=1)
    canvas.setFillColor(INK)
    leading = size * 1.25
    text_height = (len(wrapped) - 1) * leading + size
    y = min(height - PADDING, (height + text_height) / 2) - size * 0.8
    for font, text in wrapped:
        draw_text(canvas, PADDING, y, text, font, size)
        y -= leading
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _register_fonts() -> tuple[str, str]:
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(app_root() / "resources" / "fonts" / file)))
    return FONT[0], FONT_BOLD[0]
