from pregon.automation.graph import validate
from pregon.testing import BaseTestCase
from pregon.testing.automation import edge, node


class GraphValidationTestCase(BaseTestCase):
    def test_a_good_graph_has_no_problems(self) -> None:
        graph = {
            "nodes": [
                node("n1", "trigger", kind="api"),
                node("n2", "wait", mode="duration", minutes=0),
                node("n3", "tag", action="add", tag="bienvenido"),
            ],
            "edges": [edge("n1", "n2"), edge("n2", "n3")],
        }
        self.assertEqual(validate(graph), [])

    def test_no_trigger(self) -> None:
        problems = validate({"nodes": [node("n1", "tag", action="add", tag="x")], "edges": []})
        self.assertIn("Agregue un disparador: indica quién entra en el flujo.", problems)

    def test_a_cycle_with_no_wait(self) -> None:
        graph = {
            "nodes": [
                node("n1", "trigger", kind="api"),
                node("n2", "tag", action="add", tag="a"),
                node("n3", "tag", action="remove", tag="a"),
            ],
            "edges": [edge("n1", "n2"), edge("n2", "n3"), edge("n3", "n2")],
        }
        self.assertEqual(
            validate(graph),
            [
                "Los pasos n2, n3 forman un bucle sin espera: agregue una espera al bucle, "
                "o rómpalo."
            ],
        )

    def test_a_cycle_through_a_wait_is_allowed(self) -> None:
        graph = {
            "nodes": [
                node("n1", "trigger", kind="api"),
                node("n2", "tag", action="add", tag="a"),
                node("n3", "wait", mode="duration", minutes=60),
            ],
            "edges": [edge("n1", "n2"), edge("n2", "n3"), edge("n3", "n2")],
        }
        self.assertEqual(validate(graph), [])

    def test_a_branch_with_an_exit_missing(self) -> None:
        graph = {
            "nodes": [
                node("n1", "trigger", kind="api"),
                node("n2", "branch", kind="engagement", event="opened"),
                node("n3", "tag", action="add", tag="a"),
            ],
            "edges": [edge("n1", "n2"), edge("n2", "n3", "yes")],
        }
        self.assertEqual(
            validate(graph),
            ["Bifurcación (n2) necesita ambas salidas, «sí» y «no»: conecte la que falta."],
        )

    def test_a_node_not_connected(self) -> None:
        graph = {
            "nodes": [
                node("n1", "trigger", kind="api"),
                node("n2", "tag", action="add", tag="a"),
                node("n3", "tag", action="add", tag="b"),
            ],
            "edges": [edge("n1", "n2")],
        }
        self.assertEqual(validate(graph), ["Etiqueta (n3) no está conectado a ningún disparador."])

    def test_a_deleted_template(self) -> None:
        graph = {
            "nodes": [
                node("n1", "trigger", kind="api"),
                node(
                    "n2",
                    "email",
                    template="8e3e5a0c-3c1e-4e53-9d43-5d0c1c5e8a11",
                    subject="Hola",
                    sender=1,
                ),
            ],
            "edges": [edge("n1", "n2")],
        }
        problems = validate(graph)
        self.assertIn(
            "Correo (n2): su plantilla de correo no existe (quizá se eliminó): elija otra.",
            problems,
        )
