"""A campaign message as the engine builds it, with fixed sample values, for the tests of the
message builder and of the transports that carry it."""

from typing import Any

from pregon.sending.mime import MessageBuilder

UNSUBSCRIBE = "https://correo.example.gob.pe/t/u/AbCdEfGhIjKlMnOp"
MAILTO = "mailto:baja-AbCdEfGhIjKlMnOp@correo.example.gob.pe"
HTML = '<p style="color:#333">Hola <b>Ana</b>, ¿te inscribes?</p>\n<a href="https://x.pe/?a=1&b=2">Sí</a>\n'
TEXT = "Hola Ana, ¿te inscribes?\n\nSí: https://x.pe/?a=1&b=2\n"


def builder(**options: Any) -> MessageBuilder:
    values = {
        "from_name": "Escuela Nacional de Administración Pública",
        "from_address": "boletin@example.gob.pe",
        "list_id": "Boletín de cursos <boletin.42.example.gob.pe>",
        "feedback_id": "42:campaign:pregon",
        **options,
    }
    return MessageBuilder(**values)


def build(message_builder: MessageBuilder | None = None, **options: Any) -> bytes:
    values = {
        "to_address": "ana@example.org",
        "to_name": "Ana Pérez",
        "subject": "Cursos de diciembre",
        "html": HTML,
        "text": TEXT,
        "message_id": "m1.c42@example.gob.pe",
        "list_unsubscribe_url": UNSUBSCRIBE,
        "list_unsubscribe_mailto": MAILTO,
        **options,
    }
    return (message_builder or builder()).build(**values)
