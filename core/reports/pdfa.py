"""PDF/A-3b on top of open-source reportlab, which has no PDF/A mode of its own.

What is added to a canvas before anything is drawn: the document information and XMP metadata
saying the same thing (title, author, dates, producer, pdfaid part 3 / conformance B), an sRGB
output intent with its ICC profile, and a fixed creation time. Everything else PDF/A asks of the
content (embedded fonts, no transparency, RGB colours) is kept by how the reports are drawn.
PDF/A-3 rather than -2 because the sealed report later carries a JSON attachment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import ClassVar
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFName,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

SRGB = "sRGB IEC61966-2.1"


@dataclass(frozen=True)
class DocumentInfo:
    """What the Info dictionary and the XMP metadata both state about the document."""

    title: str
    author: str  # dc:creator: who had the report generated
    subject: str
    keywords: str
    creator_tool: str  # the application that made the content
    producer: str  # "Lotbook <version>"
    created: datetime  # UTC
    document_id: str  # stable per report: same report, same id


class _PdfaCatalog(PDFCatalog):
    """reportlab's catalog silently drops keys it does not list; OutputIntents is one."""

    __NoDefault__: ClassVar[list[str]] = [*PDFCatalog.__NoDefault__, "OutputIntents"]


class _MetadataStream(PDFStream):
    """The XMP packet, uncompressed: PDF/A forbids a Filter on the metadata stream."""

    def __init__(self, xml: bytes) -> None:
        super().__init__(
            PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), xml
        )

    def format(self, document) -> bytes:
        dictionary = PDFDictionary(self.dictionary.dict.copy())
        content = document.encrypt.encode(self.content)
        dictionary["Length"] = len(content)
        return pdfdoc.format(dictionary, document) + b"\nstream\n" + content + b"endstream\n"


class _FixedTimeStamp:
    """reportlab's TimeStamp, fixed at the report's generation time (UTC)."""

    def __init__(self, when: datetime) -> None:
        when = when.astimezone(UTC)
        self.t = when.timestamp()
        self.lt = when.timetuple()
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = 0
        self.dmm = 0
        self.tzname = "UTC"

    @property
    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)


@cache
def srgb_profile() -> bytes:
    """The sRGB ICC profile of LittleCMS (via Pillow). LittleCMS stamps it version 4.4; the
    header is set to 4.2, the ICC version PDF 1.7 and PDF/A-2/-3 name (the tags it holds are
    all 4.2 tag types, and the profile ID is zero, so no checksum covers the field)."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    if data[8] == 4 and data[9] > 0x20 and data[84:100] == bytes(16):
        data[9] = 0x20
    return bytes(data)


def document_id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "lotbook:" + "|".join(parts)))


def _xmp_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def xmp_packet(info: DocumentInfo) -> bytes:
    """The XMP metadata (bytes, UTF-8) matching the Info dictionary entry for entry."""
    created = _xmp_date(info.created)
    e = escape
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(info.subject)}</rdf:li></rdf:Alt>\
</dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:ModifyDate>{created}</xmp:ModifyDate>
   <xmp:MetadataDate>{created}</xmp:MetadataDate>
   <xmp:CreatorTool>{e(info.creator_tool)}</xmp:CreatorTool>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{e(info.producer)}</pdf:Producer>
   <pdf:Keywords>{e(info.keywords)}</pdf:Keywords>
   <pdf:Trapped>False</pdf:Trapped>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
   <xmpMM:DocumentID>uuid:{info.document_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{info.document_id}</xmpMM:InstanceID>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")


def make_pdfa(canvas: Canvas, info: DocumentInfo) -> None:
    """Prepare a fresh canvas for PDF/A-3b: call before the first page is drawn."""
    doc = canvas._doc
    doc._timeStamp = _FixedTimeStamp(info.created)
    canvas.setTitle(info.title)
    canvas.setAuthor(info.author)
    canvas.setSubject(info.subject)
    canvas.setKeywords(info.keywords)
    canvas.setCreator(info.creator_tool)
    canvas.setProducer(info.producer)

    catalog = doc.Catalog
    catalog.__class__ = _PdfaCatalog
    catalog.Metadata = _MetadataStream(xmp_packet(info))
    profile = PDFStream(PDFDictionary({"N": 3}), srgb_profile())
    catalog.OutputIntents = PDFArray(
        [
            PDFDictionary(
                {
                    "Type": PDFName("OutputIntent"),
                    "S": PDFName("GTS_PDFA1"),
                    "OutputConditionIdentifier": PDFString(SRGB),
                    "RegistryName": PDFString("http://www.color.org"),
                    "Info": PDFString(SRGB),
                    "DestOutputProfile": doc.Reference(profile),
                }
            )
        ]
    )
