"""The fake classroom's data: categories, courses, users and enrolments, built by hand or
generated at a benchmark's scale, and the changes a test makes between two syncs."""

import random
import re
import threading
import time
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

WS_USER_ID = 3  # The guest is created first (1), then the admin (2).
NOW = int(time.time())

# A default install's roles: id, short name, sort order (their names are empty in the
# database, so Moodle's answers carry "name": "").
ROLES = (
    (1, "manager", 1),
    (3, "editingteacher", 3),
    (4, "teacher", 4),
    (5, "student", 5),
)
ROLE_BITS = {shortname: 1 << index for index, (_, shortname, _) in enumerate(ROLES)}
# Kept with the role bits: the enrolment is suspended (the user stays enrolled, inactive).
SUSPENDED = 0x80


@dataclass(slots=True)
class Category:
    id: int
    name: str
    parent: int = 0
    visible: int = 1
    idnumber: str = ""
    description: str = ""
    timemodified: int = NOW


@dataclass(slots=True)
class Course:
    id: int
    fullname: str
    shortname: str
    category: int
    startdate: int = 0
    enddate: int = 0
    visible: int = 1
    enablecompletion: int = 1
    idnumber: str = ""
    summary: str = ""
    timecreated: int = NOW
    timemodified: int = NOW


@dataclass(slots=True)
class User:
    id: int
    username: str
    firstname: str
    lastname: str
    email: str
    city: str = ""
    country: str = ""
    department: str = ""
    institution: str = ""
    idnumber: str = ""
    suspended: int = 0
    firstaccess: int = 0
    lastaccess: int = 0
    timemodified: int = NOW


@dataclass(slots=True)
class Enrolment:
    """A user's enrolment in a course, for datasets built by hand: its roles (short names),
    the last time the user went into the course and when they completed it (Unix times,
    0 for never)."""

    user: int
    course: int
    roles: tuple[str, ...] = ("student",)
    lastaccess: int = 0
    completed: int = 0


class Roster:
    """A course's enrolled users, ordered by user id (as get_enrolled_users sorts them by
    default), in parallel arrays: their roles as bits of ROLE_BITS, their last access to the
    course and the time they completed it."""

    __slots__ = ("access", "completed", "roles", "users")

    def __init__(self) -> None:
        self.users = array("q")
        self.roles = array("B")
        self.access = array("q")
        self.completed = array("q")

    def __len__(self) -> int:
        return len(self.users)

    def index(self, user: int) -> int:
        """The user's position, or -1 if not enrolled."""
        position = bisect_left(self.users, user)
        if position < len(self.users) and self.users[position] == user:
            return position
        return -1

    def put(self, user: int, roles: int, access: int = 0, completed: int = 0) -> None:
        position = bisect_left(self.users, user)
        if position < len(self.users) and self.users[position] == user:
            self.roles[position] = roles
            return
        self.users.insert(position, user)
        self.roles.insert(position, roles)
        self.access.insert(position, access)
        self.completed.insert(position, completed)

    def remove(self, user: int) -> bool:
        position = self.index(user)
        if position < 0:
            return False
        for column in (self.users, self.roles, self.access, self.completed):
            del column[position]
        return True


def role_bits(names: Iterable[str]) -> int:
    bits = 0
    for name in names:
        bits |= ROLE_BITS[name]
    return bits


FIRST_NAMES = (
    "Ana Luis María José Rosa Carlos Carmen Jorge Lucía Miguel Sofía Pedro Elena Diego Julia "
    "Andrés Valeria Raúl Patricia Fernando Gabriela Óscar Daniela Víctor Isabel Ricardo Paola "
    "Sergio Natalia Hugo Mónica Javier Claudia Manuel Teresa Alberto"
).split()
LAST_NAMES = (
    "Quispe Mamani Huamán Flores García Rodríguez Sánchez Rojas Díaz Torres Vargas Ramos "
    "Castillo Mendoza Chávez Gutiérrez Espinoza Cruz Romero Salazar Núñez Ccori Paredes "
    "Ñahui Zúñiga Cáceres León Valdivia Herrera Aguilar Medina Ortiz Ríos Villanueva"
).split()
SUBJECTS = (
    "Contrataciones del Estado|Gestión pública|Ética en la función pública|Ofimática|"
    "Atención al ciudadano|Presupuesto público|Control interno|Gobierno digital|"
    "Redacción administrativa|Seguridad de la información|Archivo y trámite documentario|"
    "Igualdad de género|Gestión de riesgos|Liderazgo|Datos abiertos"
).split("|")


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


class Dataset:
    """A classroom: categories, courses, users and each course's enrolments. Thread-safe:
    the server reads it while a test changes it."""

    def __init__(
        self,
        *,
        site_name: str = "Aula Virtual de Capacitación",
        categories: Iterable[Category] = (),
        courses: Iterable[Course] = (),
        users: Iterable[User] = (),
        enrolments: Iterable[Enrolment] = (),
    ) -> None:
        self.lock = threading.RLock()
        self.site_name = site_name
        self.categories: dict[int, Category] = {c.id: c for c in categories}
        self.courses: dict[int, Course] = {c.id: c for c in courses}
        self.users: dict[int, User] = {
            WS_USER_ID: User(WS_USER_ID, "pregon", "Pregón", "Servicio web", "pregon@localhost")
        }
        self.users.update((u.id, u) for u in users)
        self.rosters: dict[int, Roster] = {course: Roster() for course in self.courses}
        # Users whose details the web-service user may not see (in Moodle, a course in
        # separate groups mode without moodle/site:accessallgroups): answers leave them out.
        self.hidden: set[int] = set()
        self._user_courses: dict[int, array] | None = None
        for enrolment in enrolments:
            self.rosters[enrolment.course].put(
                enrolment.user,
                role_bits(enrolment.roles),
                enrolment.lastaccess,
                enrolment.completed,
            )

    @classmethod
    def generate(
        cls,
        *,
        users: int,
        courses: int,
        enrolments: int,
        categories: int | None = None,
        seed: int = 1,
    ) -> "Dataset":
        """A classroom of this size with Peruvian-Spanish names: about ``enrolments``
        enrolments spread over the courses (a few teachers, the rest students), a fifth of
        the students of courses with completion tracking having completed them."""
        rng = random.Random(seed)
        dataset = cls()
        category_count = categories or max(1, courses // 100)
        tops = max(1, min(10, category_count))
        for number in range(1, category_count + 1):
            parent = 0 if number <= tops else rng.randint(1, tops)
            name = SUBJECTS[(number - 1) % len(SUBJECTS)]
            if number > len(SUBJECTS):
                name = f"{name} {number // len(SUBJECTS) + 1}"
            dataset.categories[number] = Category(number, name, parent=parent)
        start = NOW - 365 * 86400
        for number in range(courses):
            course_id = number + 2
            subject = SUBJECTS[number % len(SUBJECTS)]
            begins = start + rng.randint(0, 330) * 86400
            dataset.courses[course_id] = Course(
                course_id,
                f"{subject} — edición {number // len(SUBJECTS) + 1}",
                f"C{course_id:05d}",
                rng.randint(1, category_count),
                startdate=begins,
                enddate=begins + 60 * 86400,
                visible=0 if rng.random() < 0.05 else 1,
                enablecompletion=1 if rng.random() < 0.8 else 0,
                timecreated=begins - 30 * 86400,
                timemodified=begins - 7 * 86400,
            )
            dataset.rosters[course_id] = Roster()
        first_user = 100
        for number in range(users):
            user_id = first_user + number
            first = rng.choice(FIRST_NAMES)
            last = f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"{ascii_slug(first)}.{ascii_slug(last)}{user_id}@example.org"
            dataset.users[user_id] = User(
                user_id,
                f"u{user_id}",
                first,
                last,
                email,
                city="Lima",
                country="PE",
                firstaccess=start,
                lastaccess=NOW - rng.randint(0, 90) * 86400,
            )
        per_course = enrolments / max(1, courses)
        student = ROLE_BITS["student"]
        teacher = ROLE_BITS["editingteacher"]
        for course in dataset.courses.values():
            roster = dataset.rosters[course.id]
            size = min(users, max(1, round(rng.uniform(0.5, 1.5) * per_course)))
            chosen = sorted(rng.sample(range(users), size))
            roster.users = array("q", (first_user + index for index in chosen))
            roster.roles = array("B", (teacher if rng.random() < 0.01 else student for _ in chosen))
            roster.access = array(
                "q",
                (
                    0 if rng.random() < 0.2 else course.startdate + rng.randint(0, 86400 * 60)
                    for _ in chosen
                ),
            )
            roster.completed = array(
                "q",
                (
                    course.startdate + rng.randint(86400, 86400 * 60)
                    if course.enablecompletion and roster.roles[i] == student and rng.random() < 0.2
                    else 0
                    for i in range(size)
                ),
            )
        return dataset

    # Mutations: what happens in the classroom between two syncs.

    def add_category(self, category: Category) -> Category:
        with self.lock:
            self.categories[category.id] = category
            return category

    def add_course(self, course: Course) -> Course:
        with self.lock:
            self.courses[course.id] = course
            self.rosters.setdefault(course.id, Roster())
            return course

    def rename_course(self, course: int, fullname: str) -> None:
        with self.lock:
            self.courses[course].fullname = fullname
            self.courses[course].timemodified = int(time.time())

    def move_course(self, course: int, category: int) -> None:
        with self.lock:
            self.courses[course].category = category
            self.courses[course].timemodified = int(time.time())

    def move_category(self, category: int, parent: int) -> None:
        """Put the category under ``parent`` (0: at the top), its subcategories with it."""
        with self.lock:
            self.categories[category].parent = parent
            self.categories[category].timemodified = int(time.time())

    def add_user(self, user: User) -> User:
        with self.lock:
            self.users[user.id] = user
            return user

    def change_email(self, user: int, email: str) -> None:
        with self.lock:
            self.users[user].email = email
            self.users[user].timemodified = int(time.time())

    def enrol(self, user: int, course: int, roles: Iterable[str] = ("student",)) -> None:
        with self.lock:
            self.rosters[course].put(user, role_bits(roles))
            self._user_courses = None

    def suspend(self, user: int, course: int, suspended: bool = True) -> None:
        """Suspend the user's enrolment (or make it active again)."""
        with self.lock:
            roster = self.rosters[course]
            position = self._position(roster, user)
            if suspended:
                roster.roles[position] |= SUSPENDED
            else:
                roster.roles[position] &= ~SUSPENDED & 0xFF

    def unenrol(self, user: int, course: int) -> None:
        with self.lock:
            self.rosters[course].remove(user)
            self._user_courses = None

    def visit(self, user: int, course: int, at: int | None = None) -> None:
        """The user went into the course (its lastcourseaccess moves)."""
        with self.lock:
            roster = self.rosters[course]
            roster.access[self._position(roster, user)] = at or int(time.time())

    def complete(self, user: int, course: int, at: int | None = None) -> None:
        """The user completed the course (and so went into it)."""
        with self.lock:
            roster = self.rosters[course]
            position = self._position(roster, user)
            when = at or int(time.time())
            roster.completed[position] = when
            roster.access[position] = max(roster.access[position], when)

    @staticmethod
    def _position(roster: Roster, user: int) -> int:
        position = roster.index(user)
        if position < 0:
            raise KeyError(f"user {user} is not enrolled")
        return position

    # Reading.

    def enrolment_count(self) -> int:
        return sum(len(roster) for roster in self.rosters.values())

    def courses_of(self, user: int) -> array:
        """The ids of the courses the user is enrolled in (an index built on first use)."""
        with self.lock:
            if self._user_courses is None:
                index: dict[int, array] = {}
                for course, roster in self.rosters.items():
                    for member in roster.users:
                        index.setdefault(member, array("q")).append(course)
                self._user_courses = index
            return self._user_courses.get(user, array("q"))

    def category_path(self, category: int) -> list[int]:
        path = []
        while category:
            path.append(category)
            category = self.categories[category].parent
        return path[::-1]
