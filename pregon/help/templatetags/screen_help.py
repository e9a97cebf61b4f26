"""``{% screen_help %}``: the "?" of every screen: its section of the manual, its tutorial
chapter, and "Solicitar ayuda" with the page it came from."""

from django import template
from django.http import HttpRequest

from pregon.help import manual, training

register = template.Library()


@register.inclusion_tag("help/includes/screen_help.html", takes_context=True)
def screen_help(context: template.Context) -> dict:
    request: HttpRequest = context["request"]
    match = request.resolver_match
    view_name = match.view_name if match else ""
    return {
        "section": manual.section_for(view_name),
        "chapter": training.chapter_for(view_name),
        "page": request.get_full_path(),
    }
