"""Support requests (R17): ``tickets`` opens, answers and moves them, ``attachments`` checks
what comes with them, ``notify`` emails the people concerned with headers that thread the
replies, and ``replies`` reads a reply that came back by email into its ticket."""
