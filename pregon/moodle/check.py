"""“Probar conexión”: what the classroom's web services let Pregón do, and what to grant in
Moodle for what they do not.

``check(connection)`` asks Moodle for its site information (its name, release, the token's
user and the functions the token's service includes), then tries the enrolment, completion
and grade functions on one course, since a function in the service still fails, or hides
names and e-mail addresses, when its user lacks a capability. The report names each needed
function, what Pregón uses it for, whether it may be called, and the capabilities to grant;
it is kept on the connection for the screens.
"""

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.lib import vault
from pregon.moodle.client import Client, MoodleError
from pregon.moodle.models import Connection

# Seconds to wait for each answer, and for all of them: a person is waiting for the report,
# and the web server ends a request that runs past 30 seconds (gunicorn's worker time-out)
# without an answer or a report kept, while the check makes up to six calls one after the other.
CHECK_TIMEOUT = 15
CHECK_SECONDS = 25

SITE_INFO = "core_webservice_get_site_info"
CATEGORIES = "core_course_get_categories"
COURSES = "core_course_get_courses_by_field"
USERS = "core_user_get_users_by_field"
ENROLLED = "core_enrol_get_enrolled_users"
COMPLETION = "core_completion_get_course_completion_status"
GRADES = "gradereport_user_get_grade_items"

# The web-service user is enrolled in no course, so the functions that read one course need
# it to enter courses it does not take part in.
COURSE_VIEW = "moodle/course:view"


@dataclass(frozen=True)
class Needed:
    """A web-service function the connector calls. ``capabilities``: those lib/db/services.php
    lists for it (what Moodle shows beside the function in the service), and what the
    function's own code checks that the list leaves out."""

    name: str
    purpose: Promise
    required: bool
    capabilities: tuple[str, ...]


NEEDED_FUNCTIONS = (
    Needed(
        SITE_INFO,
        gettext_lazy("Reads the site's name and Moodle version, and tests the token."),
        True,
        (),
    ),
    Needed(
        CATEGORIES,
        gettext_lazy("Copies the course categories."),
        True,
        ("moodle/category:viewhiddencategories",),
    ),
    Needed(
        COURSES,
        gettext_lazy("Copies the courses: names, dates, visibility and completion tracking."),
        True,
        ("moodle/course:viewhiddencourses", "moodle/course:update"),
    ),
    Needed(
        USERS,
        gettext_lazy("Reads the names and e-mail addresses of enrolled people."),
        True,
        (
            "moodle/user:viewdetails",
            "moodle/user:viewhiddendetails",
            "moodle/course:useremail",
            "moodle/user:update",
            "moodle/site:viewuseridentity",
        ),
    ),
    Needed(
        ENROLLED,
        gettext_lazy("Copies each course's enrolments and the roles in them."),
        True,
        (
            "moodle/user:viewdetails",
            "moodle/user:viewhiddendetails",
            "moodle/course:useremail",
            "moodle/user:update",
            "moodle/site:accessallgroups",
            "moodle/course:viewparticipants",
            "moodle/site:viewfullnames",
            COURSE_VIEW,
        ),
    ),
    Needed(
        COMPLETION,
        gettext_lazy("Finds out who completed a course."),
        True,
        ("report/completion:view", COURSE_VIEW),
    ),
    Needed(
        GRADES,
        gettext_lazy("Optional: would read grades, which syncs do not copy yet."),
        False,
        ("gradereport/user:view", "moodle/grade:viewall", COURSE_VIEW),
    ),
)

# A trial call's error code, and the capability that is missing when Moodle answers it.
CAPABILITY_FOR_ERROR = {
    "errorcoursecontextnotvalid": COURSE_VIEW,
    "cannotviewreport": "report/completion:view",
    "nopermissiontoviewgrades": "moodle/grade:viewall",
}


@dataclass
class FunctionCheck:
    name: str
    purpose: str
    required: bool
    allowed: bool
    # What to grant in Moodle: the function's capabilities when the service lacks it, or
    # those a trial call showed missing.
    grant: list[str] = field(default_factory=list)
    # What a trial call said, for the screens; empty when it worked or was not tried.
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.allowed and not self.problem


@dataclass
class CheckReport:
    checked_at: datetime
    site_name: str = ""
    site_url: str = ""
    release: str = ""
    version: str = ""
    # The token's user, as "Full name (username)", and whether it is a site administrator
    # (it works, but a dedicated user with a minimal role is safer).
    user: str = ""
    user_is_admin: bool = False
    functions: list[FunctionCheck] = field(default_factory=list)
    # A failure that stopped the check: the MoodleError's code and its message.
    error_code: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """Moodle answered and every required function may be called and worked."""
        return not self.error and all(f.ok for f in self.functions if f.required)

    def missing(self) -> list[FunctionCheck]:
        return [f for f in self.functions if not f.ok]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``checked_at`` as ISO 8601)."""
        data = asdict(self)
        data["checked_at"] = self.checked_at.isoformat()
        data["ok"] = self.ok
        for item, function in zip(data["functions"], self.functions, strict=True):
            item["ok"] = function.ok
        return data


class HurriedClient(Client):
    """A client whose calls end within ``seconds`` all together: each waits at most what
    the ones before it left, and none is made once that is spent."""

    def __init__(self, url: str, token: str, seconds: float) -> None:
        super().__init__(url, token, timeout=CHECK_TIMEOUT)
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def call(self, function: str, **params: Any) -> Any:
        left = self.ends - time.monotonic()
        if left > 0:
            self.timeout = min(CHECK_TIMEOUT, left)
            try:
                return super().call(function, **params)
            except MoodleError as error:
                if error.code != "timeout" or self.timeout == CHECK_TIMEOUT:
                    raise
        # What was left ran out: the message gives the time all the calls had.
        raise MoodleError(
            "timeout",
            _("Moodle did not answer within %(seconds)s seconds. Try again later.")
            % {"seconds": int(self.seconds)},
        )


def check(connection: Connection) -> CheckReport:
    """Test the connection and keep the report on it (site name, release, when, the report)."""
    report = CheckReport(checked_at=timezone.now())
    try:
        client = HurriedClient(connection.url, vault.decrypt(connection.token), CHECK_SECONDS)
    except vault.InvalidToken:
        report.error_code = "token"
        report.error = _(
            "The stored token cannot be read (the encryption key changed): enter it again."
        )
    else:
        try:
            examine(client, report)
        except MoodleError as error:
            report.error_code = error.code
            report.error = error.message
        finally:
            client.close()
    connection.site_name = report.site_name[:255]
    connection.release = report.release[:100]
    connection.checked_at = report.checked_at
    connection.check_report = report.as_dict()
    connection.save(update_fields=["site_name", "release", "checked_at", "check_report"])
    return report


def examine(client: Client, report: CheckReport) -> None:
    info = client.call(SITE_INFO)
    if not isinstance(info, dict) or "sitename" not in info:
        raise MoodleError(
            "format",
            _(
                "The answer is not Moodle's: check the address, and that the REST "
                "protocol is enabled."
            ),
            str(info)[:300],
        )
    report.site_name = str(info["sitename"])
    report.site_url = str(info.get("siteurl", ""))
    report.release = str(info.get("release", ""))
    report.version = str(info.get("version", ""))
    report.user = f"{info.get('fullname', '')} ({info.get('username', '')})"
    report.user_is_admin = bool(info.get("userissiteadmin"))
    available = {f.get("name") for f in info.get("functions", []) if isinstance(f, dict)}
    report.functions = [
        FunctionCheck(
            name=needed.name,
            purpose=str(needed.purpose),
            required=needed.required,
            allowed=needed.name in available,
            grant=[] if needed.name in available else list(needed.capabilities),
        )
        for needed in NEEDED_FUNCTIONS
    ]
    try_on_a_course(client, {f.name: f for f in report.functions if f.allowed})


def try_on_a_course(client: Client, allowed: dict[str, FunctionCheck]) -> None:
    """Call the functions that read one course on a course with people enrolled, and note on
    each what Moodle refused or hid."""
    if not {CATEGORIES, COURSES, ENROLLED} <= set(allowed):
        return
    course = a_course(client)
    if course is None:
        return
    fields = "id,fullname,firstname,lastname,email,roles"
    try:
        people = client.call(
            ENROLLED,
            courseid=course["id"],
            options=[
                {"name": "userfields", "value": fields},
                {"name": "limitnumber", "value": 20},
            ],
        )
    except MoodleError as error:
        note(allowed[ENROLLED], error)
        return
    note_hidden(allowed[ENROLLED], people)
    students = [
        p for p in people if any(r.get("shortname") == "student" for r in p.get("roles", []))
    ]
    if not students:
        return
    student = students[0]["id"]
    for name, params in (
        (COMPLETION, {"courseid": course["id"], "userid": student}),
        (GRADES, {"courseid": course["id"], "userid": student}),
    ):
        if name not in allowed or (name == COMPLETION and not course.get("enablecompletion")):
            continue
        try:
            client.call(name, **params)
        except MoodleError as error:
            note(allowed[name], error)


def a_course(client: Client) -> dict[str, Any] | None:
    """A course of the first category holding some, preferring one with completion tracking."""
    categories = client.call(CATEGORIES)
    filled = [c for c in categories if c.get("coursecount")]
    if not filled:
        return None
    courses = client.call(COURSES, field="category", value=filled[0]["id"])["courses"]
    courses.sort(key=lambda c: not c.get("enablecompletion"))
    return courses[0] if courses else None


def note(function: FunctionCheck, error: MoodleError) -> None:
    function.problem = error.message
    if error.code in CAPABILITY_FOR_ERROR:
        function.grant = [CAPABILITY_FOR_ERROR[error.code]]
    elif error.code == "nopermissions":
        function.grant = [c for c in needed(function.name).capabilities if c != COURSE_VIEW]


def note_hidden(function: FunctionCheck, people: list[dict[str, Any]]) -> None:
    """Moodle leaves out what its user may not see: without names and addresses the sync
    cannot match people to contacts."""
    if not people:
        return
    no_email = any("email" not in p for p in people)
    no_names = any("firstname" not in p for p in people)
    if no_email and no_names:
        function.problem = _("Moodle hides e-mail addresses and names from the web-service user.")
    elif no_email:
        function.problem = _("Moodle hides e-mail addresses from the web-service user.")
    elif no_names:
        function.problem = _("Moodle hides names from the web-service user.")
    function.grant = [
        capability
        for capability, hidden in (
            ("moodle/course:useremail", no_email),
            ("moodle/site:viewfullnames", no_names),
        )
        if hidden
    ] or function.grant


def needed(name: str) -> Needed:
    return next(n for n in NEEDED_FUNCTIONS if n.name == name)
