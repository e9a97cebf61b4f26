from django.test import SimpleTestCase

from pregon.lib import events


class EventsTestCase(SimpleTestCase):
    def test_listeners_get_the_batches_of_their_events_only(self) -> None:
        heard: list[tuple[str, list[dict]]] = []

        def listener(name: str, payloads: list[dict]) -> None:
            heard.append((name, payloads))

        bus = events.Bus()
        bus.listen([events.TAG_ADDED], listener)
        bus.listen([events.TAG_ADDED], listener)
        bus.emit(events.TAG_ADDED, [{"contact": 1, "tag": 2}, {"contact": 3, "tag": 2}])
        bus.emit(events.LIST_JOINED, [{"contact": 1, "list": 5}])
        bus.emit(events.TAG_ADDED, [])
        self.assertEqual(
            heard, [(events.TAG_ADDED, [{"contact": 1, "tag": 2}, {"contact": 3, "tag": 2}])]
        )

    def test_an_unknown_event_is_a_programming_error(self) -> None:
        bus = events.Bus()
        with self.assertRaises(ValueError):
            bus.emit("contact.teleported", [{}])
        with self.assertRaises(ValueError):
            bus.listen(["contact.teleported"], print)
