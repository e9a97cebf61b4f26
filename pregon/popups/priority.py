"""Which pop-up a page shows when several match it: only the first by priority (then the
newest), while the others wait for a later page. The preview names them, so that none is
lost in silence.

Two pop-ups may meet on a page unless some rule of theirs keeps them apart: dates that do
not overlap, days, hours, devices, audiences, login states, courses, categories or page
types with nothing in common, or address patterns no address could match both of. What
cannot be known before a visit (a segment's members, the address exclusions) counts as a
possible meeting.
"""

from django.utils import timezone

from pregon.popups.models import Audience, Device, LoginState, Popup
from pregon.popups.patterns import may_meet


def rivals(popup: Popup) -> tuple[list[Popup], list[Popup]]:
    """The published, not yet ended pop-ups that may meet ``popup`` on a page: those that
    would show before it, and those it would hold back, each first to show first."""
    others = (
        Popup.objects.filter(is_published=True)
        .exclude(pk=popup.pk)
        .exclude(ends_at__lte=timezone.now())
        .order_by("-priority", "-id")
    )
    meeting = [other for other in others if may_coincide(popup, other)]
    rank = (popup.priority, popup.pk or 0)
    ahead = [other for other in meeting if (other.priority, other.pk) > rank]
    behind = [other for other in meeting if (other.priority, other.pk) < rank]
    return ahead, behind


def may_coincide(first: Popup, second: Popup) -> bool:
    """Whether some page visit could match both pop-ups' rules."""
    return (
        _dates_overlap(first, second)
        and _lists_meet(first.weekdays, second.weekdays)
        and max(first.hour_from, second.hour_from) < min(first.hour_to, second.hour_to)
        and _either_any(first.device, second.device, Device.ANY)
        and _either_any(first.audience, second.audience, Audience.EVERYONE)
        and _either_any(first.login_state, second.login_state, LoginState.ANY)
        and _lists_meet(first.course_ids, second.course_ids)
        and _lists_meet(first.category_ids, second.category_ids)
        and _lists_meet(first.page_types, second.page_types)
        and _addresses_meet(first.include_urls, second.include_urls)
    )


def _dates_overlap(first: Popup, second: Popup) -> bool:
    return (not first.starts_at or not second.ends_at or first.starts_at < second.ends_at) and (
        not second.starts_at or not first.ends_at or second.starts_at < first.ends_at
    )


def _lists_meet(first: list, second: list) -> bool:
    """Empty means any; otherwise the two must share an item."""
    return not first or not second or bool(set(first) & set(second))


def _either_any(first: str, second: str, any_value: str) -> bool:
    return first == second or any_value in (first, second)


def _addresses_meet(first: str, second: str) -> bool:
    first_patterns, second_patterns = first.split(), second.split()
    if not first_patterns or not second_patterns:
        return True
    return any(may_meet(a, b) for a in first_patterns for b in second_patterns)
