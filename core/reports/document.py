"""The page frame shared by the batch summary and the certificate of analysis: A4 portrait, a
running head, the footer on every page ("Page x of y" — the canvas knows y when it saves), the
box reserved for the visible electronic seal, and the PDF/A set-up of the canvas."""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.i18n import LANGUAGES, _, language
from core.reports.fonts import SANS, SANS_BOLD, draw_text, register_fonts
from core.reports.model import BatchReport, RenderedPdf
from core.reports.pdfa import DocumentInfo, document_id, make_pdfa
from core.reports.styles import (
    BLACK,
    GREY_TEXT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE,
    RULE_GREY,
    WIDTH,
)
from core.reports.text import LocalTime
from core.reports.watermark import draw_banner, draw_watermark

register_fonts()

from reportlab import rl_config  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate  # noqa: E402

SEAL_WIDTH = 240.0
SEAL_HEIGHT = 70.0
FOOTER_SIZE = 6.8


@dataclass(frozen=True)
class PageMarks:
    """What the running head and the footer print on every page."""

    head: str  # "Batch summary · CT-2026-0042 · CAR-T"
    lot: str
    generated: str  # "Generated 2026-11-25 14:03 CET by Quinn Quality"
    version: str  # "Lotbook 0.1.0"
    language: str  # "Language: Deutsch": the language the document is written in
    chain: str  # "Audit chain head #4711 0123456789abcdef…"

    @classmethod
    def of(cls, report: BatchReport, kind: str) -> PageMarks:
        """``kind`` in the source language (as marked ``N_``): shown translated."""
        local = LocalTime(report.time_zone)
        name = report.generated_by_name or report.generated_by
        return cls(
            head=_("{kind} · Lot {lot} · {product}").format(
                kind=_(kind), lot=report.batch.lot, product=report.batch.product_family
            ),
            lot=report.batch.lot,
            generated=_("Generated {time} by {name}").format(
                time=local(report.generated_at), name=name
            ),
            version=f"Lotbook {report.app_version}",
            language=_("Language: {language}").format(
                language=LANGUAGES.get(language(), language())
            ),
            chain=_("Audit chain head #{seq} {hash}…").format(
                seq=report.chain_head_seq, hash=report.chain_head_hash[:16]
            ),
        )

    def footer_lines(self, page: int, pages: int) -> list[str]:
        parts = [
            _("Lot {lot}").format(lot=self.lot),
            _("Page {page} of {pages}").format(page=page, pages=pages),
            self.generated,
            self.version,
            self.language,
        ]
        one = " · ".join([*parts, self.chain])
        if stringWidth(one, SANS, FOOTER_SIZE) <= WIDTH:
            return [one]
        return [" · ".join(parts[:3]), " · ".join([self.version, self.chain])]


def document_info(report: BatchReport, kind: str) -> DocumentInfo:
    batch = report.batch
    return DocumentInfo(
        title=f"{kind} — {batch.product_family} lot {batch.lot}",
        author=report.generated_by_name or report.generated_by,
        subject=f"{report.purpose} ({batch.template_title}, {report.site_name})",
        keywords=f"{kind}; {batch.lot}; {batch.product_family}; {batch.template_key}",
        creator_tool=f"Lotbook {report.app_version}",
        producer=f"Lotbook {report.app_version}",
        created=report.generated_at,
        document_id=document_id(kind, batch.lot, report.generated_at.isoformat()),
    )


def numbered_canvas(
    info: DocumentInfo, decorate: Callable[[Canvas, int, int], None]
) -> type[Canvas]:
    """A PDF/A canvas that keeps each page open until save, when the page count is known:
    ``decorate(canvas, page, total)`` then draws the page's footer (and head)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            make_pdfa(self, info)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                decorate(self, self._pageNumber, total)
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _numbered_canvas(marks: PageMarks, info: DocumentInfo) -> type[Canvas]:
    def footer(canvas: Canvas, page: int, total: int) -> None:
        canvas.setFillColor(BLACK)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        top = MARGIN_BOTTOM - 14
        canvas.line(MARGIN_X, top + 8, MARGIN_X + WIDTH, top + 8)
        canvas.setFont(SANS, FOOTER_SIZE)
        for i, line in enumerate(marks.footer_lines(page, total)):
            draw_text(canvas, MARGIN_X, top - i * 9, line, SANS, FOOTER_SIZE)

    return numbered_canvas(info, footer)


def _running_head(marks: PageMarks, watermark: str | None = None):
    """The head of every page; with ``watermark``, that mark across the page (under the
    content: the head is drawn when the page begins) and as a banner in the head."""

    def draw(canvas: Canvas, _doc) -> None:
        canvas.saveState()
        if watermark:
            draw_watermark(canvas, watermark)
        canvas.setFillColor(GREY_TEXT)
        canvas.setFont(SANS_BOLD, 7.5)
        y = PAGE[1] - MARGIN_TOP + 16
        draw_text(canvas, MARGIN_X, y, marks.head, SANS_BOLD, 7.5)
        canvas.setFont(SANS, 7.5)
        if watermark:
            draw_banner(canvas, MARGIN_X + WIDTH, y, watermark)
        else:
            draw_text(canvas, MARGIN_X + WIDTH, y, marks.generated, SANS, 7.5, "right")
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, y - 4, MARGIN_X + WIDTH, y - 4)
        canvas.restoreState()

    return draw


class SealBox(Flowable):
    """An empty, titled box where the visible PAdES seal is stamped later. It records where it
    was drawn (page index, absolute box in points) while the document is built."""

    def __init__(self, width: float = SEAL_WIDTH, height: float = SEAL_HEIGHT) -> None:
        super().__init__()
        self.box_width = width
        self.box_height = height
        self.hAlign = "RIGHT"
        self.placed: tuple[int, tuple[float, float, float, float]] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.box_width, self.box_height + 32

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.6)
        canvas.rect(0, 0, self.box_width, self.box_height, stroke=1, fill=0)
        canvas.setFillColor(BLACK)
        canvas.setFont(SANS_BOLD, 8)
        draw_text(canvas, 0, self.box_height + 5, _("Electronic seal"), SANS_BOLD, 8)
        canvas.restoreState()
        x, y = canvas.absolutePosition(0, 0)
        self.placed = (
            canvas.getPageNumber() - 1,
            (x, y, x + self.box_width, y + self.box_height),
        )


@contextmanager
def without_gc() -> Iterator[None]:
    """No cyclic garbage collection while a report is built: it allocates a great many small
    objects that all live until it ends, and the collector would walk the whole heap again and
    again for nothing (0.1–0.3 s on a long batch). Nested uses are fine."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def build_a4(
    story: list[Flowable],
    info: DocumentInfo,
    canvasmaker: type[Canvas],
    on_page: Callable[[Canvas, BaseDocTemplate], None] | None = None,
) -> RenderedPdf:
    """Build a story (the seal box added last) into a PDF/A-3b A4 document: the one layout of
    every report Lotbook writes (batch summary, certificate of analysis, validation report)."""
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator=info.creator_tool,
        producer=info.producer,
        keywords=info.keywords,
        invariant=1,
        enforceColorSpace="rgb",
        initialFontName=SANS,
        lang=language().replace("_", "-") if language() in LANGUAGES else "en",
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        WIDTH,
        PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template = PageTemplate("page", frames=[frame], onPage=on_page) if on_page else None
    doc.addPageTemplates([template or PageTemplate("page", frames=[frame])])
    seal = SealBox()
    # Binary (Flate only) streams: ASCII85 on top of Flate makes the file a quarter larger, and
    # reportlab encodes it in pure Python — half a second on a report of a hundred pages.
    a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        with without_gc():
            doc.build([*story, seal], canvasmaker=canvasmaker)
    finally:
        rl_config.useA85 = a85
    if seal.placed is None:  # pragma: no cover - platypus always draws the last flowable
        raise RuntimeError("the seal box was not placed")
    page, box = seal.placed
    return RenderedPdf(data=out.getvalue(), pages=doc.page, seal_page=page, seal_box=box)


def render(
    story: list[Flowable], report: BatchReport, kind: str, watermark: str | None = None
) -> RenderedPdf:
    """Build a report's story into its PDF/A-3b A4 document, running head and footer on (and
    ``watermark`` across every page and in its head: a draft)."""
    marks = PageMarks.of(report, kind)
    info = document_info(report, kind)
    head = _running_head(marks, watermark)
    return build_a4(story, info, _numbered_canvas(marks, info), head)
