"""The migration that creates who is in each category (moodle/0003) fills it from the
enrolments earlier syncs left: a category takes in its subcategories' people, each person
once however many courses."""

from pregon.testing.migrations import MigrationTestCase

BEFORE = [("moodle", "0002_segment_indexes")]
AFTER = [("moodle", "0003_category_members")]


class CategoryMembersMigrationTestCase(MigrationTestCase):
    def test_existing_enrolments_fill_their_categories(self) -> None:
        apps = self.migrate(BEFORE)
        Category = apps.get_model("moodle", "Category")
        Course = apps.get_model("moodle", "Course")
        Enrolment = apps.get_model("moodle", "Enrolment")
        Contact = apps.get_model("contacts", "Contact")
        posgrado = Category.objects.create(moodle_id=12, name="Posgrado", path="/12")
        maestrias = Category.objects.create(
            moodle_id=13, name="Maestrías", parent_moodle_id=12, path="/12/13"
        )
        Category.objects.create(moodle_id=20, name="Cursos libres", path="/20")
        mgp = Course.objects.create(moodle_id=101, category=maestrias, fullname="MGP")
        datos = Course.objects.create(moodle_id=102, category=posgrado, fullname="Datos")
        ana, beto = (Contact.objects.create(email=f"{name}@example.pe") for name in ("ana", "beto"))
        Enrolment.objects.create(course=mgp, contact=ana)
        Enrolment.objects.create(course=datos, contact=ana)
        Enrolment.objects.create(course=datos, contact=beto)

        apps = self.migrate(AFTER)
        CategoryMember = apps.get_model("moodle", "CategoryMember")
        rows = CategoryMember.objects.values_list("category__moodle_id", "contact__email")
        self.assertEqual(
            sorted(rows),
            [(12, "ana@example.pe"), (12, "beto@example.pe"), (13, "ana@example.pe")],
        )
