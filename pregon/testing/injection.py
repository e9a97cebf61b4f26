"""Template-injection payloads the tests of every field send, with the Spanish words of the
refusal each one gets (issue 11, section 3)."""

NESTED_IFS = "{% if nombre %}" * 3000 + "x" + "{% endif %}" * 3000
# Deep in one tag: Jinja's parser runs out of stack (a RecursionError) on these.
NESTED_PARENTHESES = "{{ " + "(" * 3000 + "nombre" + ")" * 3000 + " }}"
# Longer than a subject's or a preheader's column (255): refused for that there.
LONGEST_FIELD = 255

# (payload, words of its Spanish refusal)
PAYLOADS = [
    # Tags inside a merge tag hide it from the check of the HTML, not of the text made from it.
    ("{<b></b>{ 7*7 }}", "La versión de texto generada de este HTML"),
    ("{{ email*3 }}", "aquí solo se pueden usar campos de personalización"),
    ("{% for x in range(100000) %}x{% endfor %}", "no se pueden usar bucles"),
    ("Hola {{ nombre", "no están bien escritos"),
    ("{{ ''.__class__ }}", "no se pueden leer partes de un campo"),
    # 6,000 tags: refused before Jinja reads them, for their number.
    (NESTED_IFS, "1000 como máximo"),
    (NESTED_PARENTHESES, "anidados demasiado"),
]


def mjml(content: str) -> str:
    """An MJML design with ``content`` in its text and an unsubscribe link."""
    return (
        "<mjml><mj-body><mj-section><mj-column>"
        f"<mj-text>{content}</mj-text>"
        '<mj-text><a href="{{ enlace_baja }}">Baja</a></mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )


def html(content: str) -> str:
    """An HTML design with ``content`` in its body and an unsubscribe link."""
    return f'<html><body><p>{content}</p><a href="{{{{ enlace_baja }}}}">Baja</a></body></html>'
