"""Counting a form's views, submissions and confirmations on its row of the day (America/Lima)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pregon.forms.models import FormDay, SignupForm


def add(form: SignupForm | int, figure: str, *, count: int = 1, day: date | None = None) -> None:
    """Add ``count`` to ``figure`` ("views", "submissions" or "confirmations") of ``form``
    (or its id) on ``day`` (today by default).

    One conditional UPDATE; the day's row is created by whichever request comes first (a
    request that loses that race updates the row the other one made).
    """
    form_id = form if isinstance(form, int) else form.pk
    day = day or timezone.localdate()
    rows = FormDay.objects.filter(form_id=form_id, day=day)
    if rows.update(**{figure: F(figure) + count}):
        return
    try:
        with transaction.atomic():
            FormDay.objects.create(form_id=form_id, day=day, **{figure: count})
    except IntegrityError:
        rows.update(**{figure: F(figure) + count})
