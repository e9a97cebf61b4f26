"""The training centre: the tutorials, built or not, and who watched what."""


def chapter_for(view_name: str) -> tuple[str, str] | None:
    """The tutorial chapter about the screen ``view_name``, as (title, URL)."""
    return None
