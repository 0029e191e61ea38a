"""The batch record a sealed Lotbook PDF carries inside it: the name of the attached file and
the format its JSON declares (written by core/services/report_data, read by the PDF and trail
verifications)."""

from __future__ import annotations

EMBEDDED_NAME = "lotbook-batch.json"
EMBEDDED_FORMAT = "lotbook-batch-record"
