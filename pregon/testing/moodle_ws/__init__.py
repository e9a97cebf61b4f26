"""A fake Moodle 4.x web-service server: ``webservice/rest/server.php`` on 127.0.0.1, answering
the REST functions the Moodle connector calls, for the tests and the benchmarks.

Its answers follow Moodle's own sources, function by function: the parameters each function's
``*_parameters()`` declares, the keys its ``*_returns()`` describes in that order (Moodle's
``clean_returnvalue`` rebuilds every answer in the order of its description, and casts each
value to its declared type), and the keys the function leaves out when the token's user lacks
a capability (``user_get_user_details`` hides first and last names without
moodle/site:viewfullnames, e-mail addresses without moodle/course:useremail or
moodle/site:viewuseridentity…). Errors are Moodle's too: a JSON object with ``exception``,
``errorcode`` and ``message`` (``debuginfo`` only when the site is in debug mode), with HTTP
200, as webservice/rest/locallib.php ``generate_error`` writes them; PHP's ``json_encode``
escapes slashes and non-ASCII characters, and so does this server.

Read: lib/db/services.php, webservice/externallib.php (get_site_info),
course/externallib.php (get_categories, get_courses_by_field), user/externallib.php
(get_users_by_field, user_description), user/lib.php (user_get_user_details),
enrol/externallib.php (get_enrolled_users), completion/classes/external.php
(get_course_completion_status), grade/report/user/externallib.php (get_grade_items),
webservice/lib.php and lib/setuplib.php (the exceptions and their error codes).

``Dataset`` is plain data a test builds by hand (``Dataset(categories=[…], courses=[…],
users=[…], enrolments=[…])``) or a benchmark generates (``Dataset.generate(users=200_000,
courses=5_000, enrolments=1_000_000, seed=1)``); a course's enrolments are kept in compact
arrays, so a million of them take some tens of megabytes. Its mutations (``enrol``,
``unenrol``, ``complete``, ``rename_course``, ``add_user``, ``change_email``…) let a test change
the classroom between two syncs. ``FakeMoodle(dataset)`` serves it; its switches choose the
functions the token's service includes, the capabilities its user has, and faults for chosen
calls (an error code, a time-out, an HTTP error, an answer that is not Moodle's), and
``calls`` keeps every call made, for tests to check paging and incremental syncs.

``with apart(users=200_000, courses=5_000, enrolments=1_000_000) as (url, token):`` serves
a generated classroom from a forked process of its own, so that a benchmark measures its own
memory, not the fake's.
"""

from pregon.testing.moodle_ws.dataset import (
    ROLES,
    WS_USER_ID,
    Category,
    Course,
    Dataset,
    Enrolment,
    User,
)
from pregon.testing.moodle_ws.errors import MoodleException
from pregon.testing.moodle_ws.functions import CAPABILITIES, FUNCTIONS
from pregon.testing.moodle_ws.server import (
    RELEASE,
    SERVER_PATH,
    TOKEN,
    VERSION,
    Call,
    FakeMoodle,
    Fault,
    apart,
)

__all__ = [
    "CAPABILITIES",
    "FUNCTIONS",
    "RELEASE",
    "ROLES",
    "SERVER_PATH",
    "TOKEN",
    "VERSION",
    "WS_USER_ID",
    "Call",
    "Category",
    "Course",
    "Dataset",
    "Enrolment",
    "FakeMoodle",
    "Fault",
    "MoodleException",
    "User",
    "apart",
]
