"""The signal through which apps to the right of tracking (STYLE.md's import order) take the
messages of the bounce mailbox that are no bounce, complaint or unsubscribe.

``mail_unclaimed`` is sent with ``data``, the raw message. A receiver that recognises the
message acts on it and returns an ``incoming.Outcome``; any other returns None, and the
message stays in the mailbox. Help connects one for replies to support requests.
"""

from django.dispatch import Signal

mail_unclaimed = Signal()
