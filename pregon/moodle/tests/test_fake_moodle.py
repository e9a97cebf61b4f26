"""The fake Moodle the connector's tests and benchmarks talk to: its answers have Moodle 4.x's
shapes, its switches and faults do what the tests ask, its log and mutations let them check
paging and incremental syncs. Exercised over HTTP through the connector's own client."""

import requests
from django.test import SimpleTestCase

from pregon.moodle.client import SERVER_PATH, Client, MoodleError
from pregon.testing.moodle_ws import (
    CAPABILITIES,
    FUNCTIONS,
    RELEASE,
    VERSION,
    WS_USER_ID,
    Category,
    Course,
    Dataset,
    Enrolment,
    FakeMoodle,
    Fault,
    User,
)

ENROLLED = "core_enrol_get_enrolled_users"


def classroom(students: int = 3) -> Dataset:
    """Two categories (one inside the other, one hidden), three courses (one hidden, one
    without completion tracking) and ``students`` students of course 2, the first having
    completed it."""
    users = [
        User(100 + n, f"u{100 + n}", f"Nombre{n}", f"Apellido{n}", f"alumno{n}@example.org")
        for n in range(students)
    ]
    users.append(User(90, "profe", "Rosa", "Ñahui", "rosa.nahui@example.gob.pe", city="Cusco"))
    enrolments = [Enrolment(100 + n, 2) for n in range(students)]
    enrolments[0].completed = 1_700_000_000
    enrolments[0].lastaccess = 1_700_000_000
    enrolments.append(Enrolment(90, 2, roles=("editingteacher",)))
    return Dataset(
        site_name="Aula Virtual / Capacitación",
        categories=[
            Category(1, "Gestión pública"),
            Category(2, "Contrataciones", parent=1),
            Category(3, "Borradores", visible=0),
        ],
        courses=[
            Course(2, "Contrataciones del Estado", "CONT", 2, startdate=1_690_000_000),
            Course(3, "Ética", "ETI", 1, enablecompletion=0, timemodified=1_600_000_000),
            Course(4, "Curso oculto", "OCU", 3, visible=0),
        ],
        users=users,
        enrolments=enrolments,
    )


class FakeMoodleTestCase(SimpleTestCase):
    def serve(self, dataset: Dataset | None = None, **options) -> Client:
        self.moodle = FakeMoodle(dataset or classroom(), **options).start()
        self.addCleanup(self.moodle.stop)
        client = Client(self.moodle.url, self.moodle.token, timeout=5)
        self.addCleanup(client.close)
        return client

    def error(self, client: Client, function: str, **params) -> MoodleError:
        with self.assertRaises(MoodleError) as caught:
            client.call(function, **params)
        return caught.exception

    def raw(self, **fields) -> requests.Response:
        fields.setdefault("wstoken", self.moodle.token)
        fields.setdefault("moodlewsrestformat", "json")
        return requests.post(self.moodle.url + SERVER_PATH, data=fields, timeout=5)


class SiteInfoTests(FakeMoodleTestCase):
    def test_site_user_release_and_the_functions_of_the_service(self):
        client = self.serve(functions=FUNCTIONS[:3])
        info = client.call("core_webservice_get_site_info")
        self.assertEqual(info["sitename"], "Aula Virtual / Capacitación")
        self.assertEqual((info["release"], info["version"]), (RELEASE, VERSION))
        self.assertEqual(info["userid"], WS_USER_ID)
        self.assertEqual(info["siteurl"], self.moodle.url)
        self.assertEqual(
            [f["name"] for f in info["functions"]],
            [
                "core_webservice_get_site_info",
                "core_course_get_categories",
                "core_course_get_courses_by_field",
            ],
        )
        self.assertEqual(info["functions"][0]["version"], VERSION)
        self.assertEqual(
            list(info)[:8],
            [
                "sitename",
                "username",
                "firstname",
                "lastname",
                "fullname",
                "lang",
                "userid",
                "siteurl",
            ],
        )

    def test_json_is_written_as_php_writes_it(self):
        self.serve()
        body = self.raw(wsfunction="core_webservice_get_site_info").text
        self.assertIn('"sitename":"Aula Virtual \\/ Capacitaci\\u00f3n"', body)
        self.assertIn('"userissiteadmin":false', body)

    def test_without_a_format_moodle_answers_xml(self):
        self.serve()
        answer = self.raw(wsfunction="core_webservice_get_site_info", moodlewsrestformat="")
        self.assertTrue(answer.text.startswith('<?xml version="1.0" encoding="UTF-8" ?>'))
        self.assertIn(
            '<KEY name="sitename"><VALUE>Aula Virtual / Capacitación</VALUE>', answer.text
        )

    def test_brackets_without_an_index_append_as_in_php(self):
        self.serve()
        answer = self.raw(
            wsfunction="core_user_get_users_by_field", field="id", **{"values[]": ["101", "102"]}
        )
        self.assertEqual([u["id"] for u in answer.json()], [101, 102])

    def test_get_requests_are_served_too(self):
        self.serve()
        answer = requests.get(
            self.moodle.url + SERVER_PATH,
            params={
                "wstoken": self.moodle.token,
                "moodlewsrestformat": "json",
                "wsfunction": "core_course_get_courses_by_field",
                "field": "id",
                "value": "3",
            },
            timeout=5,
        )
        self.assertEqual([c["shortname"] for c in answer.json()["courses"]], ["ETI"])


class CatalogueTests(FakeMoodleTestCase):
    def test_categories_with_their_paths_and_the_manager_only_fields(self):
        client = self.serve()
        categories = client.call("core_course_get_categories")
        self.assertEqual([c["id"] for c in categories], [1, 2, 3])
        child = categories[1]
        self.assertEqual((child["parent"], child["depth"], child["path"]), (1, 2, "/1/2"))
        self.assertEqual(child["coursecount"], 1)
        self.assertEqual(
            list(child),
            [
                "id",
                "name",
                "idnumber",
                "description",
                "descriptionformat",
                "parent",
                "sortorder",
                "coursecount",
                "visible",
                "visibleold",
                "timemodified",
                "depth",
                "path",
                "theme",
            ],
        )

    def test_a_category_and_what_is_inside_it(self):
        client = self.serve()
        found = client.call("core_course_get_categories", criteria=[{"key": "id", "value": 1}])
        self.assertEqual([c["id"] for c in found], [1, 2])
        alone = client.call(
            "core_course_get_categories", criteria=[{"key": "id", "value": 1}], addsubcategories=0
        )
        self.assertEqual([c["id"] for c in alone], [1])

    def test_without_the_capabilities_hidden_categories_and_manager_fields_go(self):
        client = self.serve(
            capabilities=CAPABILITIES
            - {"moodle/category:manage", "moodle/category:viewhiddencategories"}
        )
        categories = client.call("core_course_get_categories")
        self.assertEqual([c["id"] for c in categories], [1, 2])
        self.assertNotIn("timemodified", categories[0])
        self.assertNotIn("visible", categories[0])

    def test_courses_of_a_category_with_dates_visibility_and_completion(self):
        client = self.serve()
        answer = client.call("core_course_get_courses_by_field", field="category", value=2)
        self.assertEqual(answer["warnings"], [])
        (course,) = answer["courses"]
        self.assertEqual(
            (course["id"], course["fullname"], course["shortname"], course["categoryid"]),
            (2, "Contrataciones del Estado", "CONT", 2),
        )
        self.assertEqual(
            (course["startdate"], course["visible"], course["enablecompletion"]),
            (1_690_000_000, 1, 1),
        )
        self.assertEqual(course["contacts"], [{"id": 90, "fullname": "Rosa Ñahui"}])
        self.assertIn("timemodified", course)

    def test_all_courses_and_the_hidden_one_only_with_the_capability(self):
        client = self.serve()
        every = client.call("core_course_get_courses_by_field")["courses"]
        self.assertEqual([c["id"] for c in every], [2, 3, 4])
        self.moodle.capabilities -= {"moodle/course:viewhiddencourses", "moodle/course:update"}
        visible = client.call("core_course_get_courses_by_field")["courses"]
        self.assertEqual([c["id"] for c in visible], [2, 3])
        self.assertNotIn("timemodified", visible[0])

    def test_an_unknown_field_is_an_invalid_parameter(self):
        client = self.serve()
        error = self.error(client, "core_course_get_courses_by_field", field="nombre", value="x")
        self.assertEqual(
            (error.code, error.detail), ("invalidparameter", "Invalid parameter value detected")
        )


class EnrolledUsersTests(FakeMoodleTestCase):
    def test_pages_with_limitfrom_and_limitnumber_in_user_order(self):
        client = self.serve(classroom(students=25))
        pages = [
            client.call(
                ENROLLED,
                courseid=2,
                options=[
                    {"name": "limitfrom", "value": start},
                    {"name": "limitnumber", "value": 10},
                ],
            )
            for start in (0, 10, 20, 30)
        ]
        self.assertEqual([len(page) for page in pages], [10, 10, 6, 0])
        ids = [user["id"] for page in pages for user in page]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(ids[0], 90)
        self.assertEqual(len(set(ids)), 26)
        calls = self.moodle.calls_to(ENROLLED)
        self.assertEqual(
            calls[1].params["options"],
            [{"name": "limitfrom", "value": "10"}, {"name": "limitnumber", "value": "10"}],
        )

    def test_a_user_as_moodle_describes_enrolled_users(self):
        client = self.serve()
        first = client.call(ENROLLED, courseid=2)[1]
        self.assertEqual(first["id"], 100)
        self.assertEqual(first["email"], "alumno0@example.org")
        self.assertEqual(
            first["roles"], [{"roleid": 5, "name": "", "shortname": "student", "sortorder": 5}]
        )
        self.assertEqual(first["lastcourseaccess"], 1_700_000_000)
        self.assertEqual(
            first["enrolledcourses"],
            [{"id": 2, "fullname": "Contrataciones del Estado", "shortname": "CONT"}],
        )
        self.assertEqual(
            list(first)[:6], ["id", "username", "firstname", "lastname", "fullname", "email"]
        )

    def test_userfields_keeps_the_id_and_full_name_and_what_was_asked(self):
        client = self.serve()
        users = client.call(
            ENROLLED, courseid=2, options=[{"name": "userfields", "value": "email,roles"}]
        )
        self.assertEqual(list(users[0]), ["id", "fullname", "email", "roles"])
        error = self.error(
            client, ENROLLED, courseid=2, options=[{"name": "userfields", "value": "password"}]
        )
        self.assertEqual(error.code, "invaliduserfield")

    def test_withcapability_keeps_the_roles_holding_it(self):
        client = self.serve()
        users = client.call(
            ENROLLED,
            courseid=2,
            options=[{"name": "withcapability", "value": "moodle/course:isincompletionreports"}],
        )
        self.assertEqual([u["id"] for u in users], [100, 101, 102])

    def test_onlyactive_leaves_suspended_enrolments_out(self):
        client = self.serve()
        self.moodle.dataset.suspend(101, 2)
        everyone = client.call(ENROLLED, courseid=2)
        active = client.call(ENROLLED, courseid=2, options=[{"name": "onlyactive", "value": 1}])
        self.assertIn(101, [u["id"] for u in everyone])
        self.assertEqual([u["id"] for u in active], [90, 100, 102])
        self.moodle.dataset.suspend(101, 2, suspended=False)
        again = client.call(ENROLLED, courseid=2, options=[{"name": "onlyactive", "value": 1}])
        self.assertEqual(len(again), 4)
        self.moodle.capabilities.discard("moodle/course:enrolreview")
        error = self.error(
            client, ENROLLED, courseid=2, options=[{"name": "onlyactive", "value": 1}]
        )
        self.assertIn("(Review course enrolments)", error.detail)

    def test_names_and_addresses_hidden_without_their_capabilities(self):
        client = self.serve(
            capabilities=CAPABILITIES
            - {
                "moodle/site:viewfullnames",
                "moodle/course:useremail",
                "moodle/site:viewuseridentity",
            }
        )
        user = client.call(ENROLLED, courseid=2)[1]
        self.assertEqual(user["fullname"], "Nombre0 Apellido0")
        for hidden in ("firstname", "lastname", "email"):
            self.assertNotIn(hidden, user)

    def test_without_viewparticipants_moodle_refuses(self):
        client = self.serve(capabilities=CAPABILITIES - {"moodle/course:viewparticipants"})
        error = self.error(client, ENROLLED, courseid=2)
        self.assertEqual(error.code, "nopermissions")
        self.assertEqual(
            error.detail,
            "Sorry, but you do not currently have permissions to do that (View participants).",
        )

    def test_a_user_not_enrolled_needs_course_view_to_enter_the_course(self):
        client = self.serve(capabilities=CAPABILITIES - {"moodle/course:view"})
        error = self.error(client, ENROLLED, courseid=2)
        self.assertEqual(error.code, "errorcoursecontextnotvalid")
        self.assertIn("course id:2", error.detail)

    def test_an_unknown_course(self):
        client = self.serve()
        error = self.error(client, ENROLLED, courseid=999)
        self.assertEqual(
            (error.code, error.detail),
            ("invalidrecordunknown", "Can't find data record in database."),
        )

    def test_a_course_id_that_is_not_a_number_or_missing(self):
        client = self.serve()
        self.assertEqual(self.error(client, ENROLLED, courseid="dos").code, "invalidparameter")
        self.assertEqual(self.error(client, ENROLLED).code, "invalidparameter")


class UsersAndCompletionTests(FakeMoodleTestCase):
    def test_users_by_id_and_by_email(self):
        client = self.serve()
        users = client.call("core_user_get_users_by_field", field="id", values=[101, 90, 5])
        self.assertEqual([u["id"] for u in users], [90, 101])
        self.assertEqual(users[0]["city"], "Cusco")
        self.assertNotIn("roles", users[0])
        (found,) = client.call(
            "core_user_get_users_by_field", field="email", values=["alumno2@example.org"]
        )
        self.assertEqual(found["id"], 102)

    def test_an_unsupported_field_is_a_coding_error(self):
        client = self.serve()
        error = self.error(client, "core_user_get_users_by_field", field="city", values=["Lima"])
        self.assertEqual(error.code, "codingerror")

    def test_completion_of_a_student(self):
        client = self.serve()
        done = client.call("core_completion_get_course_completion_status", courseid=2, userid=100)
        self.assertEqual(done["warnings"], [])
        status = done["completionstatus"]
        self.assertTrue(status["completed"])
        self.assertEqual(status["completions"][0]["timecompleted"], 1_700_000_000)
        pending = client.call(
            "core_completion_get_course_completion_status", courseid=2, userid=101
        )["completionstatus"]
        self.assertFalse(pending["completed"])
        self.assertIsNone(pending["completions"][0]["timecompleted"])

    def test_completion_errors(self):
        client = self.serve()
        function = "core_completion_get_course_completion_status"
        self.assertEqual(self.error(client, function, courseid=2, userid=90).code, "usernotenroled")
        self.assertEqual(
            self.error(client, function, courseid=3, userid=100).code, "cannotviewreport"
        )
        self.assertEqual(
            self.error(client, function, courseid=2, userid=4242).code, "invalidrecordunknown"
        )

    def test_grade_items_of_the_students(self):
        client = self.serve()
        grades = client.call("gradereport_user_get_grade_items", courseid=2)
        self.assertEqual([g["userid"] for g in grades["usergrades"]], [100, 101, 102])
        items = grades["usergrades"][0]["gradeitems"]
        self.assertEqual([i["itemtype"] for i in items], ["mod", "course"])
        self.assertEqual(items[1]["graderaw"], 16.0)
        self.moodle.capabilities.discard("moodle/grade:viewall")
        error = self.error(client, "gradereport_user_get_grade_items", courseid=2)
        self.assertEqual(error.code, "nopermissiontoviewgrades")


class ServiceAndTokenTests(FakeMoodleTestCase):
    def test_a_bad_token(self):
        self.serve()
        client = Client(self.moodle.url, "0" * 32, timeout=5)
        error = self.error(client, "core_webservice_get_site_info")
        self.assertEqual(
            (error.code, error.detail), ("invalidtoken", "Invalid token - token not found")
        )

    def test_a_function_outside_the_service(self):
        client = self.serve(functions=set(FUNCTIONS) - {ENROLLED})
        error = self.error(client, ENROLLED, courseid=2)
        self.assertEqual(
            (error.code, error.detail), ("accessexception", "Access control exception")
        )

    def test_errors_are_json_with_http_200_and_debuginfo_only_when_debugging(self):
        self.serve(functions=FUNCTIONS[:1])
        quiet = self.raw(wsfunction=ENROLLED, courseid="2")
        self.assertEqual(quiet.status_code, 200)
        self.assertEqual(
            quiet.json(),
            {
                "exception": "webservice_access_exception",
                "errorcode": "accessexception",
                "message": "Access control exception",
            },
        )
        self.moodle.debug = True
        loud = self.raw(wsfunction=ENROLLED, courseid="2").json()
        self.assertIn(
            "Access to the function core_enrol_get_enrolled_users() is not allowed",
            loud["debuginfo"],
        )
        self.assertTrue(loud["message"].startswith("Access control exception (Access to"))

    def test_a_function_moodle_does_not_have(self):
        client = self.serve()
        self.assertEqual(self.error(client, "local_nada_hacer").code, "invalidrecordunknown")


class MutationTests(FakeMoodleTestCase):
    def test_changes_between_two_syncs_show_in_the_next_answers(self):
        client = self.serve()
        dataset = self.moodle.dataset
        dataset.add_user(User(200, "nuevo", "Nuevo", "Alumno", "nuevo@example.org"))
        dataset.enrol(200, 3)
        dataset.unenrol(101, 2)
        dataset.complete(102, 2, at=1_710_000_000)
        dataset.visit(100, 2, at=1_720_000_000)
        dataset.rename_course(3, "Ética y probidad")
        dataset.change_email(100, "ana.nueva@example.org")
        self.assertEqual([u["id"] for u in client.call(ENROLLED, courseid=3)], [200])
        in_two = {u["id"]: u for u in client.call(ENROLLED, courseid=2)}
        self.assertNotIn(101, in_two)
        self.assertEqual(in_two[100]["email"], "ana.nueva@example.org")
        self.assertEqual(in_two[100]["lastcourseaccess"], 1_720_000_000)
        self.assertEqual(in_two[102]["lastcourseaccess"], 1_710_000_000)
        completion = client.call(
            "core_completion_get_course_completion_status", courseid=2, userid=102
        )["completionstatus"]
        self.assertTrue(completion["completed"])
        (course,) = client.call("core_course_get_courses_by_field", field="id", value=3)["courses"]
        self.assertEqual(course["fullname"], "Ética y probidad")
        self.assertGreater(course["timemodified"], 1_600_000_000)
        self.assertEqual(in_two[100]["enrolledcourses"][0]["id"], 2)

    def test_a_new_category_and_course(self):
        client = self.serve()
        self.moodle.dataset.add_category(Category(9, "Nueva"))
        self.moodle.dataset.add_course(Course(9, "Curso nuevo", "NUE", 9))
        answer = client.call("core_course_get_courses_by_field", field="category", value=9)
        self.assertEqual([c["id"] for c in answer["courses"]], [9])


class FaultTests(FakeMoodleTestCase):
    def test_the_nth_call_to_a_function_fails_with_an_error_code(self):
        client = self.serve()
        self.moodle.fail(Fault.error("nopermissions"), function=ENROLLED, nth=2)
        client.call("core_webservice_get_site_info")
        client.call(ENROLLED, courseid=2)
        self.assertEqual(self.error(client, ENROLLED, courseid=2).code, "nopermissions")
        client.call(ENROLLED, courseid=2)
        self.assertEqual(len(self.moodle.calls_to(ENROLLED)), 3)

    def test_a_time_out_then_an_answer(self):
        self.serve()
        client = Client(self.moodle.url, self.moodle.token, timeout=0.3)
        self.moodle.fail(Fault.timeout(seconds=1.5))
        self.assertEqual(self.error(client, "core_webservice_get_site_info").code, "timeout")
        self.assertEqual(client.call("core_webservice_get_site_info")["siteid"], 1)

    def test_an_http_error_and_a_page_that_is_not_moodle(self):
        client = self.serve()
        self.moodle.fail(Fault.http(503))
        self.moodle.fail(Fault.not_moodle(), nth=2)
        self.assertEqual(self.error(client, "core_webservice_get_site_info").code, "http")
        self.assertEqual(self.error(client, "core_webservice_get_site_info").code, "format")

    def test_several_calls_in_a_row(self):
        client = self.serve()
        self.moodle.fail(Fault.error("sitemaintenance"), times=2)
        for _ in range(2):
            self.assertEqual(
                self.error(client, "core_course_get_categories").code, "sitemaintenance"
            )
        self.assertEqual(len(client.call("core_course_get_categories")), 3)

    def test_an_unknown_error_code_is_refused(self):
        with self.assertRaises(ValueError):
            Fault.error("nosuchcode")


class GeneratedDatasetTests(FakeMoodleTestCase):
    def test_the_size_asked_for_and_the_same_classroom_for_the_same_seed(self):
        dataset = Dataset.generate(users=500, courses=20, enrolments=2000, seed=7)
        self.assertEqual(len(dataset.courses), 20)
        self.assertEqual(len(dataset.users), 501)  # With the web-service user.
        self.assertAlmostEqual(dataset.enrolment_count(), 2000, delta=400)
        again = Dataset.generate(users=500, courses=20, enrolments=2000, seed=7)
        self.assertEqual(list(again.rosters[5].users), list(dataset.rosters[5].users))
        for course, roster in dataset.rosters.items():
            members = list(roster.users)
            self.assertEqual(members, sorted(set(members)), course)
            self.assertTrue(all(member in dataset.users for member in members))
        completed = sum(1 for r in dataset.rosters.values() for t in r.completed if t)
        self.assertGreater(completed, 0)

    def test_served_and_paged_like_a_hand_made_one(self):
        client = self.serve(Dataset.generate(users=300, courses=5, enrolments=600, seed=2))
        course = client.call("core_course_get_courses_by_field")["courses"][0]
        size = len(self.moodle.dataset.rosters[course["id"]])
        page = client.call(
            ENROLLED, courseid=course["id"], options=[{"name": "limitnumber", "value": size - 1}]
        )
        self.assertEqual(len(page), size - 1)
        self.assertTrue(page[0]["email"].endswith("@example.org"))
