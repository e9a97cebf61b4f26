"""Automation: workflows (graphs of triggers and steps) that contacts travel through.

``models`` (Workflow, Enrolment, StepLog), ``graph`` (the graph's format and its
validation), ``lifecycle`` (activate, pause, resume), ``triggers`` (events and scheduler
jobs that enrol contacts), ``engine`` (claims due enrolments and runs their step exactly
once), ``steps`` (what each node type does), ``simulate`` and ``stats``.
"""
