"""The delivery pack (R22): the checklist of the tender's requirements with their evidence,
the evidence check, and the PDFs that ``pregon deliverable`` writes (the checklist, the
credentials sheet and the user manual)."""
