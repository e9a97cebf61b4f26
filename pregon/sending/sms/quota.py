"""The SMS quota ledger: monthly grants of SMS parts, credits and debits, kept apart from the
email quota (``pregon.sending.quota``) but over the same term and months, under the same
expiry rule (``QuotaSettings.expiry``).

An SMS is debited the parts it was sent in, when a gateway accepts it, in the transaction
that marks it sent: failures and messages a gateway refused are never charged.
"""

from django.conf import settings
from django.db.models import Sum

from pregon.sending import quota
from pregon.sending.models import SmsMessage, SmsQuotaDebit, SmsQuotaGrant, SmsStatus


def _parts_in_flight() -> int:
    held = SmsMessage.objects.filter(status=SmsStatus.SENDING).aggregate(total=Sum("segments"))
    return held["total"] or 0


SMS = quota.Ledger(
    SmsQuotaGrant,
    SmsQuotaDebit,
    monthly=lambda: settings.SMS_QUOTA_MONTHLY,
    in_flight=_parts_in_flight,
)
ensure_plan = SMS.ensure_plan
balance = SMS.balance
month = SMS.month
available_for_claim = SMS.available_for_claim
