"""What the builder's script needs to draw and edit a graph, in the page's language: the node
types with their ports, each type's side-panel fields (with the lists, templates, senders…
to choose from), and the few words of its own. The page passes it as json_script."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from pregon.automation import nodes
from pregon.contacts.models import Field, FieldType, MailingList, Segment
from pregon.content.models import EmailTemplate
from pregon.moodle.courses import category_choices, course_choices
from pregon.moodle.models import Connection
from pregon.sending.models import Mailing, SenderIdentity

YES_NO_WAIT = {"field": "mode", "value": "until_event"}


def _field(name: str, label: str, kind: str = "text", **extra: object) -> dict:
    return {"name": name, "label": label, "kind": kind, **extra}


def _when(field: str, *values: str) -> dict:
    return {"field": field, "values": list(values)}


def _select(name: str, label: str, choices: list, kind: str = "select", **extra: object) -> dict:
    return _field(name, label, kind, choices=[[str(v), str(text)] for v, text in choices], **extra)


def _campaigns() -> list[tuple]:
    # Started campaigns, through their mailings: automation may not import campaigns.
    rows = Mailing.objects.filter(campaign__isnull=False).order_by("-created_at")
    return list(rows.values_list("campaign__code", "campaign__name"))


def _types() -> list[dict]:
    helps = {
        "trigger": _("Who enters the workflow, and when."),
        "email": _("Sends an email made from one of your templates."),
        "sms": _("Sends an SMS to the contact's cell phone."),
        "wait": _("Waits some time, until a date or hour, or until the contact does something."),
        "branch": _("Sends the contact down “yes” or “no”."),
        "tag": _("Adds or removes a tag."),
        "list": _("Adds the contact to a list or removes them from it."),
        "field": _("Writes a value in one of the contact's fields."),
        "webhook": _("Tells another system (the classroom, a chat) by calling its address."),
        "notify": _("Sends an email to your staff about the contact."),
        "goal": _("Not connected: whoever converts with this goal leaves the workflow."),
    }
    types = []
    for kind, label in nodes.TYPES.items():
        outputs = {"branch": ["yes", "no"], "goal": []}.get(kind, ["next"])
        spec = {"type": kind, "label": str(label), "help": helps[kind], "outputs": outputs}
        spec["inputs"] = 0 if kind in ("trigger", "goal") else 1
        spec["defaults"] = DEFAULTS.get(kind, {})
        if kind == "wait":
            spec["yesNoWhen"] = YES_NO_WAIT
        types.append(spec)
    return types


DEFAULTS = {
    "trigger": {"kind": "list_joined"},
    "wait": {"mode": "duration", "minutes": 1440},
    "branch": {"kind": "engagement", "event": "opened"},
    "tag": {"action": "add"},
    "list": {"action": "add"},
    "notify": {"emails": []},
}


def _fields() -> dict[str, list[dict]]:
    lists = MailingList.objects.order_by("name").values_list("code", "name")
    segments = list(Segment.objects.order_by("name").values_list("code", "name", "rules"))
    dates = Field.objects.filter(type=FieldType.DATE).order_by("label").values_list("key", "label")
    custom = Field.objects.order_by("label").values_list("key", "label")
    templates = EmailTemplate.objects.order_by("name").values_list("code", "name")
    senders = [
        (sender.pk, f"{sender.from_name} <{sender.from_email}>")
        for sender in SenderIdentity.objects.order_by("from_name")
    ]
    events = [
        ("opened", _("opens an email of this workflow")),
        ("clicked", _("clicks a link of this workflow")),
        ("converted", _("converts (enrols)")),
    ]
    actions = [("add", _("Add")), ("remove", _("Remove"))]
    kinds = [
        ("list_joined", _("Joins a list")),
        ("segment_joined", _("Joins a segment")),
        ("tag_added", _("Receives a tag")),
        ("popup_submitted", _("Submits a pop-up's form")),
        ("form_submitted", _("Submits a sign-up form")),
        ("email_opened", _("Opens an email")),
        ("link_clicked", _("Clicks a link of a campaign")),
        ("converted", _("Converts (enrols in a course)")),
        ("date_field", _("A date field comes around")),
        ("moodle_enrolled", _("Enrols in a Moodle course")),
        ("moodle_completed", _("Completes a Moodle course")),
        ("api", _("An API call enrols them")),
        ("manual", _("Staff enrol a segment by hand")),
    ]
    subject = _field("subject", _("Subject"), summary=True)
    return {
        "trigger": [
            _select("kind", _("Starts when"), kinds, summary=True),
            _select("list", _("List"), lists, when=_when("kind", "list_joined"), summary=True),
            _select(
                "segment",
                _("Segment"),
                [s[:2] for s in segments],
                when=_when("kind", "segment_joined"),
                summary=True,
            ),
            _field("tag", _("Tag"), when=_when("kind", "tag_added"), summary=True),
            _field(
                "popup",
                _("Pop-up's code"),
                when=_when("kind", "popup_submitted"),
                help=_("As in the pop-up's address: /emergentes/<code>/editar/."),
            ),
            _select(
                "campaign",
                _("Campaign"),
                _campaigns(),
                when=_when("kind", "link_clicked"),
                summary=True,
            ),
            _field("url", _("Link (empty: any)"), "url", when=_when("kind", "link_clicked")),
            _field("goal", _("Goal"), when=_when("kind", "converted"), summary=True),
            _select(
                "field", _("Date field"), dates, when=_when("kind", "date_field"), summary=True
            ),
            _field(
                "offset_days",
                _("Days from that date (negative: before)"),
                "number",
                when=_when("kind", "date_field"),
                summary=True,
            ),
            _field("time", _("At (Lima time)"), "time", when=_when("kind", "date_field")),
            *_moodle_fields(),
        ],
        "email": [
            _select("template", _("Template"), templates, summary=True),
            subject,
            _select("sender", _("Sender"), senders),
        ],
        "sms": [
            _field(
                "text",
                _("Text"),
                "textarea",
                summary=True,
                help=_("Merge tags such as {{ first_name }} work here."),
            )
        ],
        "wait": [
            _select(
                "mode",
                _("Wait"),
                [
                    ("duration", _("a while")),
                    ("until_date", _("until a date")),
                    ("until_time", _("until an hour of the day")),
                    ("until_event", _("until the contact does something")),
                ],
                summary=True,
            ),
            _field(
                "minutes",
                _("Minutes (1 day = 1440)"),
                "number",
                when=_when("mode", "duration"),
                summary=True,
                duration=True,
            ),
            _field(
                "date",
                _("Date and hour"),
                "datetime",
                when=_when("mode", "until_date"),
                summary=True,
            ),
            _field(
                "time",
                _("Hour (Lima time)"),
                "time",
                when=_when("mode", "until_time"),
                summary=True,
            ),
            _select(
                "event",
                _("Until the contact"),
                events,
                when=_when("mode", "until_event"),
                summary=True,
            ),
            _field(
                "within_days",
                _("Within days"),
                "number",
                when=_when("mode", "until_event"),
                summary=True,
            ),
        ],
        "branch": [
            _select(
                "kind",
                _("Ask"),
                [
                    ("engagement", _("whether the contact…")),
                    ("segment", _("whether the contact is in a segment")),
                ],
            ),
            _select("event", _("Contact"), events, when=_when("kind", "engagement"), summary=True),
            _select(
                "segment",
                _("Segment"),
                [s[:2] for s in segments],
                when=_when("kind", "segment"),
                summary=True,
                rules={str(code): rules for code, _name, rules in segments},
                help=_(
                    "Its rules are copied: later changes to the segment do not change the branch."
                ),
            ),
        ],
        "tag": [
            _select("action", _("Action"), actions, summary=True),
            _field("tag", _("Tag"), summary=True),
        ],
        "list": [
            _select("action", _("Action"), actions, summary=True),
            _select("list", _("List"), lists, summary=True),
        ],
        "field": [
            _select(
                "field",
                _("Field"),
                [
                    ("first_name", _("First name")),
                    ("last_name", _("Last name")),
                    ("phone", pgettext("contact field", "Cell phone")),
                    *custom,
                ],
                summary=True,
            ),
            _field("value", _("Value"), summary=True),
        ],
        "webhook": [_field("url", _("Address to call"), "url", summary=True)],
        "notify": [
            _field("emails", _("Addresses (separated by commas)"), "list", summary=True),
            subject,
            _field("text", _("Text"), "textarea"),
        ],
        "goal": [
            _field(
                "goal",
                _("Goal"),
                summary=True,
                help=_("The conversion's goal, as your landing pages record it (e.g. matricula)."),
            )
        ],
    }


def _moodle_fields() -> list[dict]:
    """The courses or the category of the Moodle triggers, by Moodle id (what a sync keeps);
    the triggers are always offered, so that a workflow keeps its trigger if the connection
    is removed, and say so when no classroom is connected."""
    when = _when("kind", *nodes.MOODLE_TRIGGERS)
    courses = [(c["value"], c["label"]) for c in course_choices()]
    help_text = _("Hold Ctrl (⌘ on a Mac) to choose several. None, and no category: any course.")
    if Connection.current() is None:
        help_text = _(
            "No Moodle classroom is connected: an administrator connects it on the Moodle page "
            "of Administration. Until a sync finds enrolments, this trigger starts nobody."
        )
    elif not courses:
        help_text = _(
            "No course is synced yet: sync the courses on the Moodle page of Administration."
        )
    category = [(c["value"], c["label"]) for c in category_choices()]
    return [
        _select(
            "courses",
            _("Courses"),
            courses,
            kind="multiselect",
            numbers=True,
            when=when,
            summary=True,
            help=help_text,
        ),
        _select(
            "category",
            _("Or a category"),
            category,
            numbers=True,
            when=when,
            summary=True,
            help=_("Its courses and those of its subcategories. Empty: the courses above."),
        ),
    ]


def palette() -> dict:
    """The builder's catalogue (see the module's docstring)."""
    return {
        "types": _types(),
        "fields": _fields(),
        "portLabels": {"next": "", "yes": _("yes"), "no": _("no")},
        "texts": {
            "unset": _("(to set up)"),
            "choose": _("Choose a step to see its settings."),
            "nodeId": _("Step"),
            "waitingTitle": _("Contacts waiting here"),
            "passedTitle": _("Contacts that went through"),
            "figuresTitle": _("What this step's messages did (people's opens and clicks)"),
        },
        # A message node's figures on the canvas; %(name)s are stats.NODE_FIGURES' names.
        "figures": {
            "email": _("Sent %(sent)s · opened %(opened)s · clicks %(clicked)s"),
            "sms": _("Sent %(sent)s · delivered %(delivered)s · clicks %(clicked)s"),
            "webhook": _("Delivered %(delivered)s · failed %(failed)s"),
        },
        "durations": _durations(),
    }


def _durations() -> dict[str, list[str]]:
    """How a wait reads on the canvas, in its largest whole unit ("6 días", "12 h",
    "30 min"): each unit's singular and plural, with %(count)s for the number."""
    units = {
        "day": lambda n: ngettext("%(count)s day", "%(count)s days", n),
        "hour": lambda n: ngettext("%(count)s hour", "%(count)s hours", n),
        "minute": lambda n: ngettext("%(count)s minute", "%(count)s minutes", n),
    }
    return {unit: [form(1), form(2)] for unit, form in units.items()}
