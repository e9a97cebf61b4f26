"""Counting a form's views, submissions and confirmations on today's row (America/Lima)."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pregon.forms.models import FormDay, SignupForm


def add(form: SignupForm, figure: str) -> None:
    """Add one to ``figure`` ("views", "submissions" or "confirmations") of ``form`` today.

    One conditional UPDATE; the day's row is created by whichever request comes first (a
    request that loses that race updates the row the other one made).
    """
    day = timezone.localdate()
    rows = FormDay.objects.filter(form=form, day=day)
    if rows.update(**{figure: F(figure) + 1}):
        return
    try:
        with transaction.atomic():
            FormDay.objects.create(form=form, day=day, **{figure: 1})
    except IntegrityError:
        rows.update(**{figure: F(figure) + 1})
