"""The web-service functions the connector calls, answering from a dataset as Moodle 4.x does
for a token's user with some capabilities."""

import re
from typing import Any

from pregon.testing.moodle_ws.dataset import (
    NOW,
    ROLE_BITS,
    ROLES,
    SUSPENDED,
    WS_USER_ID,
    Category,
    Course,
    Dataset,
    Roster,
    User,
    role_bits,
)
from pregon.testing.moodle_ws.errors import (
    MoodleException,
    invalid_parameter,
    missing_record,
    moodle_exception,
    no_permission,
)
from pregon.testing.moodle_ws.params import integer, structures, text

SITE_ID = 1  # SITEID: the front page's course.

FUNCTIONS = (
    "core_webservice_get_site_info",
    "core_course_get_categories",
    "core_course_get_courses_by_field",
    "core_user_get_users_by_field",
    "core_enrol_get_enrolled_users",
    "core_completion_get_course_completion_status",
    "gradereport_user_get_grade_items",
)

# What the fake's functions check, as Moodle's do. A token's user with all of them sees
# everything; tests take some away.
CAPABILITIES = frozenset(
    {
        "moodle/category:manage",
        "moodle/category:viewhiddencategories",
        "moodle/course:enrolreview",
        "moodle/course:update",
        "moodle/course:useremail",
        "moodle/course:view",
        "moodle/course:viewhiddencourses",
        "moodle/course:viewparticipants",
        "moodle/grade:viewall",
        "moodle/role:review",
        "moodle/site:accessallgroups",
        "moodle/site:viewfullnames",
        "moodle/site:viewuseridentity",
        "moodle/user:viewalldetails",
        "moodle/user:viewdetails",
        "report/completion:view",
    }
)

# Which roles hold a capability, for the "withcapability" option of get_enrolled_users.
ROLE_CAPABILITIES = {
    "moodle/course:isincompletionreports": {"student"},
    "moodle/grade:view": {"student"},
    "moodle/grade:viewall": {"editingteacher", "teacher", "manager"},
    "moodle/course:update": {"editingteacher", "manager"},
}

# user_get_default_fields(): what "userfields" may name.
USER_FIELDS = (
    "id username fullname firstname lastname email address phone1 phone2 department "
    "institution interests firstaccess lastaccess auth confirmed idnumber lang theme timezone "
    "mailformat description descriptionformat city country profileimageurlsmall "
    "profileimageurl customfields groups roles preferences enrolledcourses suspended "
    "lastcourseaccess"
).split()


class Site:
    """The functions, run against a dataset for a token's user with some capabilities."""

    def __init__(
        self,
        dataset: Dataset,
        url: str,
        functions: set[str],
        capabilities: set[str],
        release: str,
        version: str,
    ) -> None:
        self.dataset = dataset
        self.url = url
        self.functions = functions
        self.capabilities = capabilities
        self.release = release
        self.version = version

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise no_permission(capability)

    def course(self, course_id: int) -> Course:
        course = self.dataset.courses.get(course_id)
        if course is None:
            query = "SELECT * FROM {course} WHERE id = ?"
            raise missing_record(f"{query}\n[array (0 => {course_id})]")
        return course

    def enter_course(self, course: Course) -> None:
        """external_api::validate_context() for a course: its user is not enrolled, so it
        needs moodle/course:view (and to see a hidden course, viewhiddencourses)."""
        if not self.can("moodle/course:view") or (
            not course.visible and not self.can("moodle/course:viewhiddencourses")
        ):
            # require_login_exception: its "(Not enrolled)" shows only in debug mode.
            reason = "Course or activity not accessible."
            raise moodle_exception(
                "errorcoursecontextnotvalid",
                f"You cannot execute functions in the course context (course id:{course.id})."
                f" The context error message was: {reason}",
            )

    def picture(self, size: str) -> str:
        """The default picture's address (the fake's users have none of their own)."""
        return f"{self.url}/theme/image.php/boost/core/{NOW}/u/{size}"

    # core_webservice_get_site_info

    def core_webservice_get_site_info(self, params: dict[str, Any]) -> dict[str, Any]:
        me = self.dataset.users[WS_USER_ID]
        return {
            "sitename": self.dataset.site_name,
            "username": me.username,
            "firstname": me.firstname,
            "lastname": me.lastname,
            "fullname": f"{me.firstname} {me.lastname}",
            "lang": "es",
            "userid": me.id,
            "siteurl": self.url,
            "userpictureurl": self.picture("f1"),
            "functions": [
                {"name": name, "version": self.component_version(name)}
                for name in FUNCTIONS
                if name in self.functions
            ],
            "downloadfiles": 0,
            "uploadfiles": 0,
            "release": self.release,
            "version": self.version,
            "mobilecssurl": "",
            "advancedfeatures": [
                {"name": name, "value": 1}
                for name in (
                    "usecomments",
                    "usetags",
                    "enablenotes",
                    "messaging",
                    "enableblogs",
                    "enablecompletion",
                    "enablebadges",
                )
            ]
            + [{"name": "mnet_dispatcher_mode", "value": 0}],
            "usercanmanageownfiles": True,
            "userquota": 104857600,
            "usermaxuploadfilesize": 104857600,
            "userhomepage": 1,
            "userprivateaccesskey": "9f1b2c3d4e5f60718293a4b5c6d7e8f9",
            "siteid": SITE_ID,
            "sitecalendartype": "gregorian",
            "usercalendartype": "gregorian",
            "userissiteadmin": False,
            "theme": "boost",
            "limitconcurrentlogins": 0,
        }

    def component_version(self, function: str) -> str:
        # Core functions carry Moodle's version; a plugin's, its own version.php.
        return "2023100900" if function.startswith("gradereport_") else self.version

    # core_course_get_categories

    def core_course_get_categories(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        criteria = structures(params, "criteria", ("key", "value"))
        with_children = integer(params, "addsubcategories", 1)
        chosen = set(self.dataset.categories)
        for criterion in criteria:
            key, value = criterion["key"], criterion["value"]
            if key == "id":
                matched = {int(value)} if value.isdigit() else set()
            elif key == "ids":
                matched = {int(part) for part in value.split(",") if part.strip().isdigit()}
            elif key == "parent":
                matched = {c.id for c in self.dataset.categories.values() if str(c.parent) == value}
            elif key in ("name", "idnumber"):
                matched = {
                    c.id for c in self.dataset.categories.values() if getattr(c, key) == value
                }
            elif key == "visible":
                matched = {
                    c.id for c in self.dataset.categories.values() if str(c.visible) == value
                }
            else:
                raise invalid_parameter(f"criteria => Invalid parameter value detected: {key}")
            chosen &= matched
        if with_children and criteria:
            chosen |= {
                c.id
                for c in self.dataset.categories.values()
                if any(p in chosen for p in self.dataset.category_path(c.id)[:-1])
            }
        answer = []
        for category_id in chosen:
            category = self.dataset.categories[category_id]
            if not category.visible and not self.can("moodle/category:viewhiddencategories"):
                continue
            answer.append(self.category_answer(category, self.dataset.category_path(category_id)))
        answer.sort(key=lambda c: c["sortorder"])
        return answer

    def category_sortorder(self, category_id: int) -> int:
        ordered = sorted(self.dataset.categories, key=self.dataset.category_path)
        return (ordered.index(category_id) + 1) * 10000

    def category_answer(self, category: Category, path: list[int]) -> dict[str, Any]:
        answer: dict[str, Any] = {"id": category.id, "name": category.name}
        manager = self.can("moodle/category:manage")
        if manager:
            answer["idnumber"] = category.idnumber
        answer.update(
            description=category.description,
            descriptionformat=1,
            parent=category.parent,
            sortorder=self.category_sortorder(category.id),
            coursecount=sum(1 for c in self.dataset.courses.values() if c.category == category.id),
        )
        if manager:
            answer.update(
                visible=category.visible,
                visibleold=category.visible,
                timemodified=category.timemodified,
            )
        answer.update(depth=len(path), path="/" + "/".join(map(str, path)))
        if manager:
            answer["theme"] = ""
        return answer

    # core_course_get_courses_by_field

    def core_course_get_courses_by_field(self, params: dict[str, Any]) -> dict[str, Any]:
        by = text(params, "field", "")
        value = text(params, "value", "")
        courses = self.dataset.courses
        if not by:
            chosen = sorted(courses)
        elif by in ("id", "category"):
            number = int(value) if re.fullmatch(r"\d+", value) else 0
            if by == "id":
                chosen = [number] if number in courses else []
            else:
                chosen = sorted(c.id for c in courses.values() if c.category == number)
        elif by == "ids":
            chosen = sorted({int(p) for p in value.split(",") if p.isdigit()} & set(courses))
        elif by in ("shortname", "idnumber"):
            chosen = sorted(c.id for c in courses.values() if getattr(c, by) == value)
        else:
            raise invalid_parameter("Invalid field name")
        answer = []
        for course_id in chosen:
            course = courses[course_id]
            if not course.visible and not (
                self.can("moodle/course:viewhiddencourses") or self.can("moodle/course:update")
            ):
                continue
            answer.append(self.course_answer(course))
        return {"courses": answer, "warnings": []}

    def course_answer(self, course: Course) -> dict[str, Any]:
        category = self.dataset.categories.get(course.category)
        roster = self.dataset.rosters.get(course.id, Roster())
        teacher = ROLE_BITS["editingteacher"]
        contacts = [
            {"id": user, "fullname": self.fullname(self.dataset.users[user])}
            for user, roles in zip(roster.users, roster.roles, strict=True)
            if roles & teacher
        ]
        answer: dict[str, Any] = {
            "id": course.id,
            "fullname": course.fullname,
            "displayname": course.fullname,
            "shortname": course.shortname,
            "categoryid": course.category,
            "categoryname": category.name if category else "",
            "sortorder": (self.category_sortorder(course.category) if category else 0) + course.id,
            "summary": course.summary,
            "summaryformat": 1,
            "overviewfiles": [],
            "contacts": contacts,
            "enrollmentmethods": ["manual", "self"],
        }
        manager = self.can("moodle/course:update")
        if manager:
            answer["idnumber"] = course.idnumber
        answer.update(
            format="topics",
            showgrades=1,
            newsitems=5,
            startdate=course.startdate,
            enddate=course.enddate,
            maxbytes=0,
            showreports=0,
            visible=course.visible,
            groupmode=0,
            groupmodeforce=0,
            defaultgroupingid=0,
            enablecompletion=course.enablecompletion,
            completionnotify=0,
            lang="",
            theme="",
            marker=0,
        )
        if manager:
            answer.update(
                legacyfiles=0,
                calendartype="",
                timecreated=course.timecreated,
                timemodified=course.timemodified,
                requested=0,
                cacherev=course.timemodified,
            )
        answer["filters"] = [
            {"filter": name, "localstate": 0, "inheritedstate": 1}
            for name in ("activitynames", "mathjaxloader", "mediaplugin")
        ]
        answer["courseformatoptions"] = [
            {"name": "hiddensections", "value": 0},
            {"name": "coursedisplay", "value": 0},
        ]
        return answer

    # Users, as user/lib.php user_get_user_details() shows them to the token's user.

    @staticmethod
    def fullname(user: User) -> str:
        return f"{user.firstname} {user.lastname}"

    def user_answer(
        self,
        user: User,
        fields: list[str],
        course: Course | None = None,
        roles: int = 0,
        lastcourseaccess: int = 0,
    ) -> dict[str, Any] | None:
        """One user's details, keys in the order of the function's returns description;
        None for a user the caller may not see."""
        if not self.can("moodle/user:viewdetails") or user.id in self.dataset.hidden:
            return None
        all_details = self.can("moodle/user:viewalldetails")
        answer: dict[str, Any] = {"id": user.id}
        if "username" in fields and all_details:
            answer["username"] = user.username
        if self.can("moodle/site:viewfullnames"):
            if "firstname" in fields:
                answer["firstname"] = user.firstname
            if "lastname" in fields:
                answer["lastname"] = user.lastname
        answer["fullname"] = self.fullname(user)
        email_allowed = self.can("moodle/site:viewuseridentity") or (
            course is not None and self.can("moodle/course:useremail")
        )
        if "email" in fields and email_allowed:
            answer["email"] = user.email
        if "department" in fields and all_details:
            answer["department"] = user.department
        if "institution" in fields and user.institution and all_details:
            answer["institution"] = user.institution
        if "idnumber" in fields and user.idnumber and all_details:
            answer["idnumber"] = user.idnumber
        if "firstaccess" in fields:
            answer["firstaccess"] = user.firstaccess
        if "lastaccess" in fields:
            answer["lastaccess"] = user.lastaccess
        if course is not None and "lastcourseaccess" in fields:
            answer["lastcourseaccess"] = lastcourseaccess
        if course is None:
            if "auth" in fields and all_details:
                answer["auth"] = "manual"
            if "suspended" in fields:
                answer["suspended"] = bool(user.suspended)
            if all_details:
                for name, value in (
                    ("confirmed", True),
                    ("lang", "es"),
                    ("theme", ""),
                    ("timezone", "99"),
                    ("mailformat", 1),
                ):
                    if name in fields:
                        answer[name] = value
        if "description" in fields:
            answer["description"] = ""
            answer["descriptionformat"] = 1
        if "city" in fields and user.city:
            answer["city"] = user.city
        if "country" in fields and user.country:
            answer["country"] = user.country
        if "profileimageurlsmall" in fields:
            answer["profileimageurlsmall"] = self.picture("f2")
        if "profileimageurl" in fields:
            answer["profileimageurl"] = self.picture("f1")
        if course is not None:
            if "groups" in fields and self.can("moodle/site:accessallgroups"):
                answer["groups"] = []
            if "roles" in fields:
                answer["roles"] = [
                    {"roleid": role_id, "name": "", "shortname": shortname, "sortorder": sortorder}
                    for role_id, shortname, sortorder in ROLES
                    if roles & ROLE_BITS[shortname]
                ]
            if "enrolledcourses" in fields:
                courses = self.dataset.courses
                answer["enrolledcourses"] = [
                    {"id": c, "fullname": courses[c].fullname, "shortname": courses[c].shortname}
                    for c in self.dataset.courses_of(user.id)
                ]
        return answer

    # core_user_get_users_by_field

    def core_user_get_users_by_field(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        by = text(params, "field")
        values = params.get("values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise invalid_parameter("values => Only arrays accepted.")
        if by not in ("id", "idnumber", "username", "email"):
            raise MoodleException(
                "coding_exception",
                "codingerror",
                "Coding error detected, it must be fixed by a programmer: invalid field parameter",
                f"The search field '{by}' is not supported, look at the web service documentation",
            )
        if by == "id":
            for value in values:
                if not re.fullmatch(r"\d+", value):
                    raise invalid_parameter(
                        f"The field 'id' value is invalid: {value}(cleaned value: 0)"
                    )
            wanted = {int(v) for v in values}
            users = [self.dataset.users[i] for i in sorted(wanted) if i in self.dataset.users]
        else:
            wanted_text = set(values)
            users = sorted(
                (u for u in self.dataset.users.values() if getattr(u, by) in wanted_text),
                key=lambda u: u.id,
            )
        answer = []
        for user in users:
            details = self.user_answer(user, USER_FIELDS)
            if details and details.get(by):
                answer.append(details)
        return answer

    # core_enrol_get_enrolled_users

    def core_enrol_get_enrolled_users(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        course_id = integer(params, "courseid")
        options = {o["name"]: o["value"] for o in structures(params, "options", ("name", "value"))}
        fields = list(USER_FIELDS)
        if options.get("userfields"):
            fields = [f.strip() for f in options["userfields"].split(",")]
            for name in fields:
                if name not in USER_FIELDS:
                    raise moodle_exception("invaliduserfield", f"Invalid user field: {name}")
        sort = options.get("sortby", "id")
        if sort not in ("id", "firstname", "lastname", "siteorder"):
            raise invalid_parameter(
                f"Invalid value for sortby parameter (value: {sort}),allowed values are: "
                "id,firstname,lastname,siteorder"
            )
        direction = options.get("sortdirection", "ASC").upper()
        if direction not in ("ASC", "DESC"):
            raise invalid_parameter(
                f"Invalid value for sortdirection parameter\n                        (value: "
                f"{direction}),allowed values are: ASC,DESC"
            )
        limit_from = max(0, int(options.get("limitfrom") or 0))
        limit_number = max(0, int(options.get("limitnumber") or 0))
        with self.dataset.lock:
            course = self.course(course_id)
            self.enter_course(course)
            self.require("moodle/course:viewparticipants")
            capability = options.get("withcapability", "")
            active_only = options.get("onlyactive", "") not in ("", "0")
            if capability:
                self.require("moodle/role:review")
            if active_only:
                self.require("moodle/course:enrolreview")
            roster = self.dataset.rosters[course_id]
            rows = range(len(roster))
            if capability:
                holders = role_bits(ROLE_CAPABILITIES.get(capability, ()))
                rows = [i for i in rows if roster.roles[i] & holders]
            if active_only:
                rows = [i for i in rows if not roster.roles[i] & SUSPENDED]
            if sort in ("firstname", "lastname", "siteorder") or direction == "DESC":
                users = self.dataset.users

                def order(i: int) -> tuple:
                    user = users[roster.users[i]]
                    if sort == "siteorder":
                        return (user.lastname, user.firstname, user.id)
                    return (getattr(user, sort) if sort != "id" else user.id, user.id)

                rows = sorted(rows, key=order, reverse=direction == "DESC")
            if limit_number:
                rows = rows[limit_from : limit_from + limit_number]
            else:
                rows = rows[limit_from:]
            answer = []
            for i in rows:
                details = self.user_answer(
                    self.dataset.users[roster.users[i]],
                    fields,
                    course,
                    roster.roles[i],
                    roster.access[i],
                )
                if details:
                    answer.append(details)
            return answer

    # core_completion_get_course_completion_status

    def core_completion_get_course_completion_status(self, params: dict[str, Any]) -> dict:
        course_id = integer(params, "courseid")
        user_id = integer(params, "userid")
        with self.dataset.lock:
            course = self.course(course_id)
            if user_id not in self.dataset.users:
                raise missing_record()
            self.enter_course(course)
            if not course.enablecompletion or not self.can("report/completion:view"):
                raise moodle_exception("cannotviewreport", "You cannot view this report")
            roster = self.dataset.rosters[course_id]
            position = roster.index(user_id)
            if position < 0 or not roster.roles[position] & ROLE_BITS["student"]:
                raise moodle_exception("usernotenroled", "User is not enrolled in this course")
            completed = roster.completed[position]
        return {
            "completionstatus": {
                "completed": bool(completed),
                "aggregation": 1,
                "completions": [
                    {
                        "type": 4,
                        "title": "Activity completion",
                        "status": "Yes" if completed else "No",
                        "complete": bool(completed),
                        "timecompleted": completed or None,
                        "details": {
                            "type": "Activity completion",
                            "criteria": f'<a href="{self.url}/mod/quiz/view.php?id='
                            f'{course_id * 10}">Examen final</a>',
                            "requirement": "Achieving grade",
                            "status": "",
                        },
                    }
                ],
            },
            "warnings": [],
        }

    # gradereport_user_get_grade_items

    def gradereport_user_get_grade_items(self, params: dict[str, Any]) -> dict[str, Any]:
        course_id = integer(params, "courseid")
        user_id = integer(params, "userid", 0)
        integer(params, "groupid", 0)
        with self.dataset.lock:
            course = self.course(course_id)
            if user_id and user_id not in self.dataset.users:
                raise missing_record()
            self.enter_course(course)
            if not self.can("moodle/grade:viewall"):
                raise moodle_exception("nopermissiontoviewgrades", "Can not view grades.")
            roster = self.dataset.rosters[course_id]
            students = [
                (roster.users[i], roster.completed[i])
                for i in range(len(roster))
                if roster.roles[i] & ROLE_BITS["student"]
                and (not user_id or roster.users[i] == user_id)
            ]
            usergrades = [
                {
                    "courseid": course_id,
                    "userid": user,
                    "userfullname": self.fullname(self.dataset.users[user]),
                    "maxdepth": 2,
                    "gradeitems": [
                        self.grade_item(course_id * 10, "Examen final", "mod", completed),
                        self.grade_item(course_id * 10 + 1, None, "course", completed),
                    ],
                }
                for user, completed in students
            ]
        return {"usergrades": usergrades, "warnings": []}

    @staticmethod
    def grade_item(item_id: int, name: str | None, kind: str, completed: int) -> dict:
        grade = 16.0 if completed else None
        answer: dict[str, Any] = {
            "id": item_id,
            "itemname": name,
            "itemtype": kind,
            "itemmodule": "quiz" if kind == "mod" else None,
            "iteminstance": item_id,
            "itemnumber": 0 if kind == "mod" else None,
            "categoryid": None if kind == "mod" else 1,
            "outcomeid": None,
            "scaleid": None,
            "locked": False,
        }
        if kind == "mod":
            answer["cmid"] = item_id
        answer.update(
            weightraw=1.0,
            weightformatted="100,00 %",
            graderaw=grade,
            gradedatesubmitted=completed or None,
            gradedategraded=completed or None,
            gradehiddenbydate=False,
            gradeneedsupdate=False,
            gradeishidden=False,
            gradeislocked=False,
            gradeisoverridden=False,
            gradeformatted=f"{grade:.2f}".replace(".", ",") if grade is not None else "-",
            grademin=0.0,
            grademax=20.0,
            rangeformatted="0-20",
            percentageformatted=f"{grade * 5:.2f} %".replace(".", ",") if grade else "-",
            feedback="",
            feedbackformat=0,
        )
        return answer
