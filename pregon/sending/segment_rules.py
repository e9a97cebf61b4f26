"""The segment rule on emails received: contacts who were sent an email in the last N days,
or not. ``SendingConfig.ready()`` registers it with ``pregon.contacts.segments``, which may
not import sending (DESIGN.md's app order).

It reads ``Contact.last_sent_at``, which the scheduler's tick brings up to date from the
messages sent (``last_sent.roll_up``), not the messages themselves: a count stays one pass
over the contacts however many emails each got (``bench/segment_received.py``: under
300 ms on a million contacts on PostgreSQL). Any email a relay accepted counts, campaigns',
workflows' and transactional ones; test sends and the test mailbox reached nobody, and do
not.
"""

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from pregon.contacts.segments import FieldSpec, RuleFamily, parse_days


def compile_received(spec: FieldSpec, operator: str, value: Any) -> Q:
    """Sent an email in the last ``value`` days; or not (never sent one counts as not)."""
    recent = Q(last_sent_at__gte=timezone.now() - datetime.timedelta(days=value))
    if operator == "in_last_days":
        return recent
    return ~recent | Q(last_sent_at__isnull=True)


RECEIVED = RuleFamily(
    kind="received",
    # A group of its own: campaigns' engagement group (opened, clicked) comes after it.
    group=pgettext_lazy("segment group", "Emails received"),
    fields=(
        FieldSpec(
            "received", pgettext_lazy("segment rule", "Received an email"), "received", "", False
        ),
    ),
    operators={"in_last_days": "days", "not_in_last_days": "days"},
    operator_labels={
        "in_last_days": gettext_lazy("in the last … days"),
        "not_in_last_days": gettext_lazy("not in the last … days (or never)"),
    },
    parsers={"days": parse_days},
    compile=compile_received,
    choices=list,
)
