"""Report screens: the dashboard, consumption, a contact's history, campaign reports."""
