"""A template's custody plan (`[custody]`): the hand-offs of an autologous patient's material that
the batch record expects, in the order they happen, and those the recorder e-signs.

```toml
[custody]
events = ["collected", "shipped", "received", "handoff", "qc_sample", "stored",
          "product_shipped", "product_received", "thawed", "infused"]
sign = ["received", "infused"]
```

``events`` are ``core.states.CustodyKind`` values; only a manufacturing hand-off and a QC sample
may be expected more than once. ``sign`` is a subset of ``events``. Only an autologous template
(``autologous = true``) has a plan; a template without one keeps a free trail (any kind, none
expected, no signature asked)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from core.i18n import _
from core.states import CustodyKind
from core.templates import fields as read
from core.templates.locate import Where

CUSTODY_KEYS = ("events", "sign")
REPEATABLE = frozenset({CustodyKind.HANDOFF, CustodyKind.QC_SAMPLE})
CHOICES = ", ".join(k.value for k in CustodyKind)


@dataclass(frozen=True)
class CustodyPlan:
    events: tuple[CustodyKind, ...] = ()  # expected, in order (a hand-off or QC sample repeats)
    sign: frozenset[CustodyKind] = frozenset()  # the kinds the recorder e-signs
    line: int | None = None

    @property
    def empty(self) -> bool:
        """No plan: the trail is free (any kind, nothing expected)."""
        return not self.events

    def expects(self, kind: str) -> bool:
        return kind in self.events

    def needs_signature(self, kind: str) -> bool:
        return kind in self.sign

    def expected_count(self, kind: str) -> int:
        return sum(1 for k in self.events if k == kind)

    def kinds(self) -> tuple[CustodyKind, ...]:
        """Each expected kind once, in the order of its first place in the plan."""
        return tuple(dict.fromkeys(self.events))


def parse_custody(doc: dict, root: Where, autologous: bool) -> CustodyPlan:
    """The `[custody]` table, or an empty plan when the template has none."""
    if "custody" not in doc:
        return CustodyPlan()
    raw = read.table(doc["custody"], root, "custody")
    where = root.at(("custody",), "[custody]")
    if not autologous:
        where.fail(
            _(
                "a custody plan is only for an autologous template (set autologous = true in "
                "[template], or remove [custody])"
            ),
            "events",
        )
    read.check_keys(raw, where, CUSTODY_KEYS, ("events",))
    events = _kinds(raw, where, "events")
    if not events:
        where.fail(
            _("'events' names no event: list them in order, from {choices}").format(
                choices=CHOICES
            ),
            "events",
        )
    for kind, count in Counter(events).items():
        if count > 1 and kind not in REPEATABLE:
            where.fail(
                _(
                    "events names '{kind}' {count} times; only 'handoff' and 'qc_sample' may be "
                    "expected more than once"
                ).format(kind=kind, count=count),
                "events",
            )
    sign = _kinds(raw, where, "sign") if "sign" in raw else ()
    for kind in sign:
        if kind not in events:
            where.fail(
                _("sign names '{kind}', which is not one of the events").format(kind=kind), "sign"
            )
    return CustodyPlan(events=tuple(events), sign=frozenset(sign), line=where.line("events"))


def _kinds(raw: dict, where: Where, key: str) -> list[CustodyKind]:
    value = raw[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        where.fail(
            _("'{key}' must be a list of event kinds in quotes, e.g. [\"collected\"]").format(
                key=key
            ),
            key,
        )
    out = []
    for item in value:
        try:
            out.append(CustodyKind(item.strip()))
        except ValueError:
            where.fail(
                _("'{item}' in {key} is not a custody event; the choices: {choices}").format(
                    item=item, key=key, choices=CHOICES
                ),
                key,
            )
    return out
