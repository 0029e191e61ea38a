"""Labels for a batch's bags, samples and vials: what a label says and its barcode
(``content``), the label stocks (``stock``), where each line and the code go on a stock
(``layout``, with the QR matrix from reportlab's encoder in ``qr``), and the two ways of printing
them: a PDF page per label (``pdf``) or ZPL II for Zebra-class printers (``zpl``).

Plain functions of their inputs: no database. Printing, counting and reconciling labels is the
service's work (core/services/labels.py)."""
