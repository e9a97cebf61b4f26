"""A Moodle 4.x site with the Boost theme, as far as the pop-ups' embed script can tell, served
from an origin of its own (not Pregón's), for the browser tests and the manual's screenshots.

Its pages reproduce what Moodle's sources put on them: the body's id and classes
(lib/pagelib.php ``initialise_standard_body_classes``), ``M.cfg`` (lib/outputrequirementslib.php
``get_config_for_javascript``), Boost's drawers layout, navbar and user menu
(theme/boost/templates/drawers.mustache, navbar.mustache, lib/templates/user_menu.mustache),
an AMD loader that rejects an anonymous ``define()`` as RequireJS does, jQuery, Bootstrap-like
CSS with Boost's z-indexes and some hostile "Raw SCSS", and the staff's one tag pasted into
"Additional HTML", "Before BODY is closed" (``$CFG->additionalhtmlfooter``).
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from django.test import override_settings

from pregon.popups import config, spool
from pregon.popups.models import Popup, PopupEvent, Site
from pregon.testing.browser import BrowserTestCase, chromium_context

ASSETS = Path(__file__).with_name("moodle_site")
COURSE = 12
CATEGORY = 3
COURSE_CONTEXT = 123
SITE = 1  # SITEID: the front page's course.
USER = 5
GUEST = 1  # Moodle's guest user is created first (id 1, the admin 2).

# path: (body id, page layout, course, context, context instance, extra classes, heading)
PAGES = {
    "/course/view.php": (
        "page-course-view-topics",
        "course",
        COURSE,
        COURSE_CONTEXT,
        COURSE,
        "format-topics",
        "Contrataciones del Estado 2026",
    ),
    "/mod/quiz/attempt.php": (
        "page-mod-quiz-attempt",
        "incourse",
        COURSE,
        456,
        44,
        "cmid-44",
        "Examen final",
    ),
    "/mod/quiz/view.php": (
        "page-mod-quiz-view",
        "incourse",
        COURSE,
        456,
        44,
        "cmid-44",
        "Examen final",
    ),
    "/mod/forum/view.php": (
        "page-mod-forum-view",
        "incourse",
        COURSE,
        457,
        45,
        "cmid-45",
        "Foro de consultas",
    ),
    "/my/": ("page-my-index", "mydashboard", SITE, 30, USER, "", "Área personal"),
    "/my/courses.php": ("page-my-courses", "base", SITE, 30, USER, "", "Mis cursos"),
    "/login/index.php": ("page-login-index", "login", SITE, 1, 0, "", "Acceder"),
    "/enrol/index.php": (
        "page-enrol-index",
        "incourse",
        COURSE,
        COURSE_CONTEXT,
        COURSE,
        "",
        "Opciones de matriculación",
    ),
}

COURSE_MAIN = (
    """
<ul class="topics">
  <li id="section-0" class="section course-section main clearfix" role="region">
    <h3 class="sectionname">General</h3>
    <ul class="section m-0 p-0">
      <li class="activity forum modtype_forum"><div class="activity-item">
        <div class="activityiconcontainer communication"></div>
        <a id="first-activity" href="/mod/forum/view.php?id=45">Foro de consultas</a></div></li>
    </ul>
  </li>
  <li id="section-1" class="section course-section main clearfix" role="region">
    <h3 class="sectionname">Módulo 1: Marco normativo</h3>
    <ul class="section m-0 p-0">
      <li class="activity page modtype_page"><div class="activity-item">
        <div class="activityiconcontainer content"></div>
        <a href="#">Lectura: Ley 32069</a></div></li>
      <li class="activity quiz modtype_quiz"><div class="activity-item">
        <div class="activityiconcontainer assessment"></div>
        <a href="/mod/quiz/view.php?id=44">Examen final</a></div></li>
    </ul>
  </li>
</ul>
<div class="card"><div class="card-body">
  <p>Bienvenida al curso. Revise el cronograma y las lecturas de cada módulo.</p>
  <p><button type="button" class="btn btn-primary" id="moodle-button">Botón de Moodle</button></p>
</div></div>
"""
    + "<p>Texto del curso para desplazarse.</p>\n" * 40
)

QUIZ_MAIN = """
<form id="responseform" action="/mod/quiz/processattempt.php" method="post">
  <div class="que multichoice"><div class="content"><div class="formulation">
    <p>¿Qué ley regula las contrataciones del Estado?</p>
    <label><input type="radio" name="q1" value="1"> Ley 32069</label>
  </div></div></div>
  <button type="submit" class="btn btn-primary">Terminar intento...</button>
</form>
"""

ENROL_MAIN = """
<div class="card"><div class="card-body">
  <h3>Auto-matriculación (Estudiante)</h3>
  <p>Usted se ha matriculado en el curso.</p>
</div></div>
"""

DRAWERS = """
    <div class="drawer drawer-left show d-print-none not-initialized" data-region="fixed-drawer"
         id="theme_boost-drawers-courseindex" data-preference="drawer-open-index"
         data-state="show-drawer-left" data-forceopen="0" data-close-on-resize="0">
        <div class="drawerheader"><button class="btn drawertoggle icon-no-margin"
             data-toggler="drawers" data-action="closedrawer"
             data-target="theme_boost-drawers-courseindex">Cerrar índice del curso</button></div>
        <div class="drawercontent drag-container" data-usertour="scroller">
            <nav id="courseindex" class="courseindex">
                <a class="courseindex-item pageitem" href="#section-0">General</a>
                <a class="courseindex-item" href="#section-1">Módulo 1: Marco normativo</a>
            </nav>
        </div>
    </div>
    <div class="drawer drawer-right show d-print-none not-initialized" data-region="fixed-drawer"
         id="theme_boost-drawers-blocks" data-preference="drawer-open-block"
         data-state="show-drawer-right" data-forceopen="0" data-close-on-resize="1">
        <div class="drawerheader"><button class="btn drawertoggle icon-no-margin"
             data-toggler="drawers" data-action="closedrawer"
             data-target="theme_boost-drawers-blocks">Cerrar cajón de bloques</button></div>
        <div class="drawercontent drag-container" data-usertour="scroller">
            <section class="block block_calendar_upcoming card mb-3" aria-label="Eventos próximos">
                <div class="card-body"><h5>Eventos próximos</h5><p>No hay eventos próximos</p></div>
            </section>
        </div>
    </div>
"""

USER_MENU = (
    '<div class="dropdown show"><a href="#" role="button" id="user-menu-toggle" '
    'data-toggle="dropdown" aria-label="Menú de usuario" aria-haspopup="true" '
    'aria-controls="user-action-menu" class="btn dropdown-toggle">'
    '<span class="userbutton"><span class="avatars"><span class="userinitials size-35">MQ'
    "</span></span></span></a></div>"
)
GUEST_MENU = (
    '<span class="login ps-2">Usted está usando el acceso de invitado'
    '<div class="divider border-left h-75 align-self-center mx-2"></div>'
    '<a href="/login/index.php">Acceder</a></span>'
)
ANONYMOUS_MENU = (
    '<span class="login ps-2">Usted no se ha identificado.'
    '<a href="/login/index.php">Acceder</a></span>'
)

HEAD_SCRIPTS = """<script>
//<![CDATA[
var require = {
    baseUrl : '${wwwroot}/lib/requirejs.php/1700000000/',
    enforceDefine: false,
    skipDataMain: true,
    waitSeconds : 0,
    paths: { jquery: '${wwwroot}/lib/javascript.php/1700000000/lib/jquery/jquery-3.7.1.min' },
    map: { '*': { jquery: 'core/jquery_private' }, 'core/jquery_private': { jquery: 'jquery' } }
};
//]]>
</script>
<script src="${wwwroot}/lib/requirejs/require.min.js"></script>
<script src="${wwwroot}/lib/javascript.php/1700000000/lib/jquery/jquery-3.7.1.min.js"></script>"""

GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
FILES = {
    "/theme/styles.php/boost/1700000000_1/all": ("boost.css", "text/css"),
    "/lib/requirejs/require.min.js": ("require.js", "text/javascript"),
    "/lib/javascript.php/1700000000/lib/jquery/jquery-3.7.1.min.js": (
        "jquery.js",
        "text/javascript",
    ),
}


@dataclass
class MoodleSite:
    """The classroom the tests browse: who the visitor is, and Pregón's tag in its footer."""

    pregon: str
    site_key: str
    visitor: str = "user"  # "user", "guest" or "anonymous"
    footer_extra: str = ""  # More "Additional HTML", after Pregón's tag.
    origin: str = ""
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.origin + path

    def render(self, path: str, host: str) -> str | None:
        page = PAGES.get(path)
        if page is None:
            return None
        body_id, layout, course, context, instance, extra, heading = page
        wwwroot = self.origin
        user = {"user": USER, "guest": GUEST, "anonymous": 0}[self.visitor]
        if body_id == "page-login-index":
            user = 0
        pagetype = body_id.removeprefix("page-")
        bits = pagetype.split("-")
        # Classes the page's own code adds (the course format) come first, a course module's
        # id after the context's, as lib/pagelib.php adds them.
        classes = [extra] if extra and not extra.startswith("cmid-") else []
        classes += ["path-" + "-".join(bits[:i]) for i in range(1, len(bits))]
        classes += ["chrome", "dir-ltr", "lang-es", "yui-skin-sam", "yui3-skin-sam"]
        classes += [host.replace(".", "-").replace(":", "--"), f"pagelayout-{layout}"]
        classes += [f"course-{course}", f"context-{context}"]
        if extra.startswith("cmid-"):
            classes.append(extra)
        if course != SITE:
            classes.append(f"category-{CATEGORY}")
        if user == 0:
            classes.append("notloggedin")
        drawers = course != SITE
        if drawers:
            classes += ["uses-drawers", "drawer-open-index", "drawer-open-block"]
        mcfg = {
            "wwwroot": wwwroot,
            "apibase": f"{wwwroot}/r.php/api",
            "homeurl": {},
            "sesskey": "Xy7wQ2pLmN",
            "sessiontimeout": "28800",
            "sessiontimeoutwarning": 1200,
            "themerev": "1700000000",
            "slasharguments": 1,
            "theme": "boost",
            "iconsystemmodule": "core/icon_system_fontawesome",
            "jsrev": "1700000000",
            "admin": "admin",
            "svgicons": True,
            "usertimezone": "America/Lima",
            "language": "es",
            "courseId": course,
            "courseContextId": COURSE_CONTEXT if course != SITE else 2,
            "contextid": context,
            "contextInstanceId": instance,
            "langrev": 1700000000,
            "templaterev": "1700000000",
            "siteId": SITE,
            "userId": user,
        }
        main = {"page-mod-quiz-attempt": QUIZ_MAIN, "page-enrol-index": ENROL_MAIN}
        menu = {USER: USER_MENU, GUEST: GUEST_MENU, 0: ANONYMOUS_MENU}[user]
        tag = f'<script async src="{self.pregon}/p/embed.js" data-site="{self.site_key}"></script>'
        footer = tag
        if body_id == "page-enrol-index":
            footer += f'\n<script src="{self.pregon}/t/v.js" data-objetivo="matricula"></script>'
        values = {
            "title": f"Curso: {heading}",
            "heading": heading,
            "wwwroot": wwwroot,
            "mcfg": json.dumps(mcfg, ensure_ascii=False),
            "head_scripts": Template(HEAD_SCRIPTS).substitute(wwwroot=wwwroot),
            "body_id": body_id,
            "body_classes": " ".join(classes),
            "user_menu": menu,
            "drawers": DRAWERS if drawers else "",
            "drawer_classes": "show-drawer-left show-drawer-right" if drawers else "",
            "main": main.get(body_id, COURSE_MAIN),
            "user_name": "María Quispe" if user == USER else "Invitado",
            "footer_html": footer + self.footer_extra,
        }
        return Template((ASSETS / "page.html").read_text()).substitute(values)


def handler_for(site: MoodleSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            site.requests.append(self.path)
            if path in FILES:
                name, kind = FILES[path]
                self.answer(200, kind, (ASSETS / name).read_bytes())
            elif path.startswith("/theme/yui_combo.php"):
                self.answer(200, "text/css", b"")
            elif path.startswith("/theme/image.php"):
                self.answer(200, "image/gif", GIF)
            else:
                html = site.render(path, self.headers.get("Host", ""))
                if html is None:
                    self.answer(404, "text/html; charset=utf-8", b"<h1>No encontrado</h1>")
                else:
                    self.answer(200, "text/html; charset=utf-8", html.encode())

        def answer(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def moodle_site(pregon: str, site_key: str = "") -> Iterator[MoodleSite]:
    """A Moodle site on 127.0.0.1 at a free port, showing Pregón's tag for ``site_key``."""
    site = MoodleSite(pregon=pregon.rstrip("/"), site_key=site_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site))
    site.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# A person's Chrome: Pregón flags a headless browser's beacons as a robot's (tracking.agents).
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@contextmanager
def classroom_browser(width: int = 1280, height: int = 800) -> Iterator[object]:
    """A Playwright browser context as a student's browser: Spanish, Lima's time, a person's
    user agent. Pages of one context share localStorage; each page has a sessionStorage of
    its own (a new page is a new session)."""
    with chromium_context(width, height, user_agent=USER_AGENT) as context:
        yield context


class ClassroomTestCase(BrowserTestCase):
    """Pregón's live server, the Moodle site on another origin allowed as a pop-up Site, and
    a student's browser; ``popup()`` publishes a pop-up, ``visit()`` opens a classroom page
    and waits for the embed script to decide."""

    def setUp(self) -> None:
        super().setUp()
        self.moodle = self.enterContext(moodle_site(self.live_server_url))
        self.site = Site.objects.create(name="Aula virtual", origin=self.moodle.origin)
        self.moodle.site_key = self.site.key
        # Click and conversion addresses are made absolute with SITE_URL.
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        config.forget()
        self.browser = self.enterContext(classroom_browser())
        self.page = self.new_page()

    def new_page(self) -> object:
        """A new tab of the same browser: same localStorage, a new session."""
        page = self.browser.new_page()
        pending = self.pending.setdefault(page, set())
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self._note_request(pending, request))
        page.on("response", lambda response: self._note_answer(pending, response))
        page.on("requestfailed", lambda request: pending.discard(request))
        return page

    def _note_request(self, pending: set, request: object) -> None:
        if request.url.startswith(f"{self.live_server_url}/p/"):
            pending.add(request)

    def _note_answer(self, pending: set, response: object) -> None:
        self.answered.append(response)
        pending.discard(response.request)

    @property
    def pending(self) -> dict:
        """By page, the requests to Pregón it sent and has no answer to yet."""
        return self.__dict__.setdefault("_pending", {})

    @property
    def errors(self) -> list[str]:
        return self.__dict__.setdefault("_errors", [])

    @property
    def answered(self) -> list:
        return self.__dict__.setdefault("_answered", [])

    def popup(self, **fields: object) -> Popup:
        """A published, live pop-up shown on every page to everyone, once per session."""
        values = {
            "name": "Curso de contrataciones",
            "is_published": True,
            "title": "Inscríbase en Contrataciones del Estado",
            "body": "<p>Curso <strong>gratuito</strong> de 40 horas.</p>",
            "button_text": "Inscribirme",
            "button_url": self.moodle.url(f"/enrol/index.php?id={COURSE}"),
            **fields,
        }
        popup = Popup.objects.create(**values)
        config.forget()
        return popup

    def visit(self, path: str, page: object | None = None) -> object:
        """Open ``path`` of the classroom and wait until the embed script has decided."""
        page = page or self.page
        # A beacon the page sent is answered before it leaves: Chromium still delivers one
        # answered after (keepalive), but Playwright no longer tells its page, and a test
        # waiting for that answer would wait in vain when the machine is busy.
        self.until(lambda: not self.pending[page], "Pregón's answers to the page")
        page.goto(self.moodle.url(path))
        page.wait_for_function("() => window.pregonPopups && window.pregonPopups.done")
        return page

    def dialog(self, popup: Popup, page: object | None = None) -> object:
        """The pop-up's dialog (Playwright's CSS locators enter open shadow roots)."""
        return (page or self.page).locator(f"#pregon-popup-{popup.pk} [role=dialog]")

    def settled(self, popup: Popup, page: object | None = None) -> object:
        """The pop-up's dialog once it shows and its entrance animation has ended."""
        page = page or self.page
        dialog = self.dialog(popup, page)
        dialog.wait_for()
        page.evaluate(
            "id => Promise.all(document.getElementById(id).shadowRoot.getAnimations()"
            ".map(animation => animation.finished))",
            f"pregon-popup-{popup.pk}",
        )
        return dialog

    def shown(self, page: object | None = None) -> int | None:
        return (page or self.page).evaluate("() => window.pregonPopups.shown")

    def until(self, condition: object, what: str) -> None:
        """Wait, up to 15 seconds, until ``condition()`` is true (something Pregón or the
        page does after a step: an answer to a beacon, an error thrown later)."""
        deadline = time.monotonic() + 15
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"Still waiting for {what}")
            self.page.wait_for_timeout(50)

    def wait_for_answers(self, path: str, count: int) -> None:
        """Wait until Pregón has answered ``count`` requests whose address has ``path``."""
        self.until(
            lambda: sum(path in response.url for response in self.answered) >= count,
            f"{count} answers to {path}",
        )

    def counts(self, popup: Popup) -> dict[str, int]:
        """Flush the spool and count the pop-up's events of each kind."""
        spool.flush()
        kinds = PopupEvent.objects.filter(popup=popup).values_list("kind", flat=True)
        return dict(Counter(kinds))
