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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

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
def moodle_site(pregon: str, site_key: str) -> Iterator[MoodleSite]:
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
