"""The list of workflows, a new one (blank or from a template), and a workflow's settings."""

import uuid

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.automation import library
from pregon.automation.forms import NewWorkflowForm, SettingsForm
from pregon.automation.models import EnrolmentStatus, Workflow
from pregon.contacts.forms import bootstrap


@authorize(Role.ANALYST)
def workflow_index(request: HttpRequest) -> HttpResponse:
    """Every workflow with its status and how many contacts entered, wait and completed."""
    workflows = Workflow.objects.annotate(
        entered_count=Count("enrolments"),
        waiting_count=Count(
            "enrolments",
            filter=Q(enrolments__status__in=[EnrolmentStatus.WAITING, EnrolmentStatus.RUNNING]),
        ),
        completed_count=Count(
            "enrolments",
            filter=Q(
                enrolments__status__in=[EnrolmentStatus.COMPLETED, EnrolmentStatus.EXITED_GOAL]
            ),
        ),
    ).order_by("name", "pk")
    return render(request, "automation/workflow_index.html", {"workflows": workflows})


@authorize(Role.EDITOR)
def workflow_create(request: HttpRequest) -> HttpResponse:
    form = NewWorkflowForm(
        request.POST or None, initial={"template": request.GET.get("plantilla", "")}
    )
    if request.method == "POST" and form.is_valid():
        workflow = Workflow.objects.create(
            name=form.cleaned_data["name"], graph=form.graph(), created_by=request.user
        )
        messages.success(
            request, _("Workflow created as a draft: set up each step, then activate it.")
        )
        return redirect("automation:builder", workflow.code)
    context = {"form": bootstrap(form), "templates": library.TEMPLATES}
    return render(request, "automation/workflow_create.html", context)


@authorize(Role.EDITOR)
def workflow_settings(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    workflow = get_object_or_404(Workflow, code=code)
    form = SettingsForm(request.POST or None, instance=workflow)
    if request.method == "POST" and form.is_valid():
        workflow = form.save(commit=False)
        workflow.updated_at = timezone.now()
        workflow.save(update_fields=[*form.Meta.fields, "updated_at"])
        messages.success(request, _("Settings saved."))
        return redirect("automation:builder", workflow.code)
    context = {"form": bootstrap(form), "workflow": workflow}
    return render(request, "automation/workflow_settings.html", context)
