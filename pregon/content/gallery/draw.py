"""Draw the gallery's illustrations with Pillow and save them as small palette PNGs.

Run ``python -m pregon.content.gallery.draw``; it overwrites the PNGs in
``pregon/content/static/content/gallery/``. Every picture is flat geometry drawn here, so the
gallery ships no third-party artwork. Shapes are drawn at twice the final size and scaled
down, which gives smooth edges without an anti-aliasing library.
"""

import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "content" / "gallery"
SCALE = 2

# The palette suits the default brand kit (primary #1d4e89, accent #f2a900).
BG = "#eef3f9"
NAVY = "#1d4e89"
NAVY_DARK = "#143a66"
SKY = "#dce8f5"
SKY_MID = "#b9d0ea"
BLUE = "#4f7fb8"
AMBER = "#f2a900"
AMBER_LIGHT = "#fde7b0"
GREEN = "#2e9e7a"
GRAY = "#e3e8ef"
GRAY_MID = "#c3ccd8"
SLATE = "#8a96a8"
INK = "#23324a"
WHITE = "#ffffff"
SKIN = ("#f1c9a5", "#c98f65", "#8d5a3b")

Point = tuple[float, float]


class Pen:
    """ImageDraw with coordinates in final pixels, scaled up for drawing."""

    def __init__(self, width: int, height: int, background: str) -> None:
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), background)
        self.draw = ImageDraw.Draw(self.image)

    def box(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: str | None,
        radius: float = 0,
        outline: str | None = None,
        width: float = 0,
    ) -> None:
        self.draw.rounded_rectangle(
            [x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE],
            radius=radius * SCALE,
            fill=fill,
            outline=outline,
            width=round(width * SCALE),
        )

    def circle(
        self,
        cx: float,
        cy: float,
        r: float,
        fill: str | None,
        outline: str | None = None,
        width: float = 0,
    ) -> None:
        self.draw.ellipse(
            [(cx - r) * SCALE, (cy - r) * SCALE, (cx + r) * SCALE, (cy + r) * SCALE],
            fill=fill,
            outline=outline,
            width=round(width * SCALE),
        )

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: str) -> None:
        self.draw.ellipse([x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE], fill=fill)

    def poly(self, points: Sequence[Point], fill: str) -> None:
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=fill)

    def line(self, points: Sequence[Point], fill: str, width: float) -> None:
        scaled = [(x * SCALE, y * SCALE) for x, y in points]
        self.draw.line(scaled, fill=fill, width=round(width * SCALE), joint="curve")
        for x, y in (scaled[0], scaled[-1]):
            r = width * SCALE / 2
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    def arc(
        self, cx: float, cy: float, r: float, start: float, end: float, fill: str, width: float
    ) -> None:
        box = [(cx - r) * SCALE, (cy - r) * SCALE, (cx + r) * SCALE, (cy + r) * SCALE]
        self.draw.arc(box, start, end, fill=fill, width=round(width * SCALE))

    def pie(self, cx: float, cy: float, r: float, start: float, end: float, fill: str) -> None:
        box = [(cx - r) * SCALE, (cy - r) * SCALE, (cx + r) * SCALE, (cy + r) * SCALE]
        self.draw.pieslice(box, start, end, fill=fill)

    def save(self, name: str, colors: int = 128) -> Path:
        """Scale down, reduce to a small palette and write ``OUT/name``; return the path."""
        small = self.image.resize((self.width, self.height), Image.Resampling.LANCZOS)
        paletted = small.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=0)
        path = OUT / name
        paletted.save(path, optimize=True)
        return path


def backdrop(pen: Pen, seed: int = 0) -> None:
    """Soft circles and a dot grid behind a hero illustration."""
    w, h = pen.width, pen.height
    pen.circle(w * 0.16, h * 0.28, h * 0.34, SKY)
    pen.circle(w * 0.86, h * 0.78, h * 0.40, SKY)
    pen.circle(w * 0.80, h * 0.18, h * 0.07, AMBER_LIGHT)
    pen.circle(w * 0.12, h * 0.84, h * 0.05, SKY_MID)
    x0 = w * (0.06 if seed % 2 else 0.70)
    for row in range(4):
        for col in range(6):
            pen.circle(x0 + col * 22, h * 0.10 + row * 22, 3.5, SKY_MID)
    pen.box(0, h - 36, w, h, GRAY)


def laptop(pen: Pen, cx: float, top: float, screen_w: float, screen_h: float) -> tuple:
    """A laptop; returns the inner screen box (x0, y0, x1, y1)."""
    x0, x1 = cx - screen_w / 2, cx + screen_w / 2
    pen.box(x0, top, x1, top + screen_h, INK, radius=18)
    inner = (x0 + 16, top + 16, x1 - 16, top + screen_h - 16)
    pen.box(*inner, WHITE, radius=6)
    base_top = top + screen_h
    pen.poly(
        [
            (x0 - 40, base_top + 4),
            (x1 + 40, base_top + 4),
            (x1 + 70, base_top + 34),
            (x0 - 70, base_top + 34),
        ],
        GRAY_MID,
    )
    pen.box(x0 - 70, base_top + 30, x1 + 70, base_top + 44, SLATE, radius=7)
    pen.box(cx - 50, base_top + 4, cx + 50, base_top + 12, SLATE, radius=4)
    return inner


def person(pen: Pen, cx: float, base: float, size: float, shirt: str, skin: str, hair: str) -> None:
    """A bust: rounded shoulders and a head, ``size`` is the shoulder width."""
    pen.box(
        cx - size / 2,
        base - size * 0.62,
        cx + size / 2,
        base + size * 0.4,
        shirt,
        radius=size * 0.36,
    )
    pen.box(
        cx - size * 0.09,
        base - size * 0.74,
        cx + size * 0.09,
        base - size * 0.56,
        skin,
        radius=size * 0.05,
    )
    r = size * 0.25
    hy = base - size * 0.92
    pen.circle(cx, hy - r * 0.12, r * 1.04, hair)
    pen.circle(cx, hy + r * 0.08, r * 0.92, skin)
    pen.pie(cx, hy - r * 0.1, r * 1.02, 190, 350, hair)


def star(pen: Pen, cx: float, cy: float, r: float, fill: str) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    pen.poly(points, fill)


def check(pen: Pen, cx: float, cy: float, size: float, fill: str, width: float) -> None:
    pen.line(
        [
            (cx - size * 0.5, cy),
            (cx - size * 0.15, cy + size * 0.35),
            (cx + size * 0.5, cy - size * 0.4),
        ],
        fill,
        width,
    )


def text_lines(
    pen: Pen,
    x0: float,
    y0: float,
    widths: Sequence[float],
    fill: str,
    height: float = 10,
    gap: float = 20,
) -> None:
    for i, w in enumerate(widths):
        pen.box(x0, y0 + i * gap, x0 + w, y0 + i * gap + height, fill, radius=height / 2)


def gradcap(pen: Pen, cx: float, cy: float, s: float) -> None:
    pen.poly(
        [
            (cx - s * 0.55, cy + s * 0.05),
            (cx + s * 0.55, cy + s * 0.05),
            (cx + s * 0.45, cy + s * 0.4),
            (cx - s * 0.45, cy + s * 0.4),
        ],
        NAVY_DARK,
    )
    pen.poly([(cx, cy - s * 0.45), (cx + s, cy), (cx, cy + s * 0.45), (cx - s, cy)], NAVY)
    pen.line(
        [(cx + s * 0.1, cy), (cx + s * 0.75, cy + s * 0.2), (cx + s * 0.75, cy + s * 0.6)],
        AMBER,
        s * 0.07,
    )
    pen.circle(cx + s * 0.75, cy + s * 0.65, s * 0.1, AMBER)


def hero_curso() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 1)
    x0, y0, x1, y1 = laptop(pen, 600, 90, 470, 290)
    pen.box(x0, y0, x1, y0 + 44, NAVY, radius=6)
    pen.box(x0, y0 + 30, x1, y0 + 44, NAVY)
    text_lines(pen, x0 + 22, y0 + 16, [150], WHITE, 12)
    for i, h in enumerate((70, 110, 90, 150, 130)):
        bx = x0 + 36 + i * 52
        pen.box(bx, y1 - 26 - h, bx + 34, y1 - 26, AMBER if i == 3 else BLUE, radius=5)
    text_lines(pen, x0 + 310, y0 + 74, [110, 90, 120, 70, 100], GRAY_MID, 10, 24)
    pen.box(x0 + 310, y1 - 58, x0 + 410, y1 - 26, AMBER, radius=16)
    # An open book on the left, a cap on the right.
    pen.poly([(70, 340), (170, 320), (170, 410), (70, 430)], WHITE)
    pen.poly([(270, 340), (170, 320), (170, 410), (270, 430)], SKY_MID)
    text_lines(pen, 88, 352, [62, 52, 66], GRAY_MID, 7, 18)
    pen.box(60, 426, 280, 438, NAVY, radius=6)
    gradcap(pen, 960, 170, 90)
    pen.circle(1010, 380, 46, WHITE)
    check(pen, 1010, 382, 44, GREEN, 12)
    return pen


def hero_webinar() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 0)
    x0, y0, x1, y1 = laptop(pen, 560, 80, 500, 300)
    pen.box(x0, y0, x1, y1, NAVY_DARK, radius=6)
    pen.circle((x0 + x1) / 2, (y0 + y1) / 2 - 10, 52, AMBER)
    cx, cy = (x0 + x1) / 2 + 6, (y0 + y1) / 2 - 10
    pen.box(x0 + 30, y1 - 36, x1 - 30, y1 - 26, BLUE, radius=5)
    pen.box(x0 + 30, y1 - 36, x0 + 200, y1 - 26, AMBER, radius=5)
    pen.circle(x0 + 200, y1 - 31, 10, WHITE)
    pen.poly([(cx - 18, cy - 28), (cx + 30, cy), (cx - 18, cy + 28)], WHITE)
    pen.box(x0 + 14, y0 + 14, x0 + 94, y0 + 42, "#d64545", radius=14)
    pen.circle(x0 + 32, y0 + 28, 6, WHITE)
    text_lines(pen, x0 + 44, y0 + 24, [38], WHITE, 8)
    # Attendees in tiles, and chat bubbles.
    for i, (skin, hair, shirt) in enumerate(
        [(SKIN[1], INK, GREEN), (SKIN[0], "#6b4a2f", AMBER), (SKIN[2], INK, NAVY)]
    ):
        ty = 110 + i * 100
        pen.box(900, ty, 1030, ty + 86, WHITE, radius=12)
        pen.box(900, ty, 1030, ty + 86, None, radius=12, outline=GRAY_MID, width=2)
        person(pen, 965, ty + 78, 64, shirt, skin, hair)
    pen.box(110, 130, 280, 200, WHITE, radius=18)
    pen.poly([(150, 198), (180, 198), (146, 226)], WHITE)
    text_lines(pen, 134, 152, [120, 80], GRAY_MID, 9, 22)
    pen.box(160, 250, 300, 306, AMBER_LIGHT, radius=18)
    pen.poly([(260, 304), (284, 304), (290, 326)], AMBER_LIGHT)
    text_lines(pen, 182, 270, [96], AMBER, 10)
    return pen


def hero_reloj() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 1)
    cx, cy, r = 600, 235, 170
    pen.circle(cx - 120, cy - 150, 34, NAVY)
    pen.circle(cx + 120, cy - 150, 34, NAVY)
    pen.line([(cx - 110, cy + 130), (cx - 150, cy + 200)], NAVY_DARK, 18)
    pen.line([(cx + 110, cy + 130), (cx + 150, cy + 200)], NAVY_DARK, 18)
    pen.circle(cx, cy, r, NAVY)
    pen.circle(cx, cy, r - 22, WHITE)
    for i in range(12):
        a = math.radians(i * 30)
        inner = r - 50 if i % 3 == 0 else r - 42
        pen.line(
            [
                (cx + inner * math.sin(a), cy - inner * math.cos(a)),
                (cx + (r - 32) * math.sin(a), cy - (r - 32) * math.cos(a)),
            ],
            INK if i % 3 == 0 else SLATE,
            8 if i % 3 == 0 else 4,
        )
    pen.pie(cx, cy, r - 62, 270, 330, AMBER_LIGHT)
    pen.line([(cx, cy), (cx, cy - 100)], INK, 14)
    pen.line([(cx, cy), (cx + 60, cy - 36)], AMBER, 12)
    pen.circle(cx, cy, 14, INK)
    # A calendar page and a bell.
    pen.box(170, 200, 330, 380, WHITE, radius=14)
    pen.box(170, 200, 330, 248, NAVY, radius=14)
    pen.box(170, 230, 330, 248, NAVY)
    pen.box(215, 272, 285, 342, AMBER, radius=12)
    text_lines(pen, 228, 300, [44], WHITE, 14)
    bx, by = 960, 250
    pen.pie(bx, by, 80, 180, 360, AMBER)
    pen.box(bx - 80, by - 2, bx + 80, by + 60, AMBER)
    pen.box(bx - 100, by + 56, bx + 100, by + 78, NAVY_DARK, radius=11)
    pen.circle(bx, by + 92, 18, NAVY_DARK)
    pen.circle(bx, by - 88, 12, AMBER)
    pen.arc(bx, by + 10, 130, 300, 340, SLATE, 8)
    pen.arc(bx, by + 10, 130, 200, 240, SLATE, 8)
    return pen


def hero_vacantes() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 0)
    # An auditorium seen from the front: most seats are taken, three are free.
    pen.box(330, 60, 870, 120, NAVY, radius=12)
    text_lines(pen, 430, 84, [340], SKY_MID, 12)
    free = {(0, 5), (1, 1), (2, 6)}
    for row in range(3):
        for col in range(8):
            x = 300 + col * 76 + (row % 2) * 10
            y = 160 + row * 90
            is_free = (row, col) in free
            color = AMBER if is_free else SKY_MID
            pen.box(x, y, x + 60, y + 52, color, radius=14)
            pen.box(x - 6, y + 40, x + 66, y + 66, NAVY if is_free else BLUE, radius=10)
            if is_free:
                pen.circle(x + 30, y - 16, 17, WHITE)
                check(pen, x + 30, y - 15, 18, GREEN, 5)
    pen.circle(1000, 150, 60, AMBER)
    pen.box(992, 112, 1008, 164, WHITE, radius=8)
    pen.circle(1000, 184, 9, WHITE)
    return pen


def hero_certificado() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 1)
    pen.box(330, 70, 870, 420, NAVY, radius=10)
    pen.box(346, 86, 854, 404, WHITE, radius=4)
    pen.box(366, 106, 834, 384, None, radius=4, outline=AMBER_LIGHT, width=4)
    text_lines(pen, 500, 140, [200], NAVY, 18)
    text_lines(pen, 450, 190, [300], SKY_MID, 12)
    text_lines(pen, 470, 236, [260], INK, 20)
    text_lines(pen, 420, 284, [360, 320], GRAY_MID, 10, 22)
    pen.line([(410, 360), (540, 360)], SLATE, 3)
    pen.line([(410, 352), (440, 340), (470, 356), (510, 338)], NAVY, 3)
    # Seal with ribbon tails.
    sx, sy = 760, 340
    pen.poly(
        [
            (sx - 40, sy + 10),
            (sx - 10, sy + 20),
            (sx - 30, sy + 110),
            (sx - 45, sy + 90),
            (sx - 65, sy + 100),
        ],
        NAVY,
    )
    pen.poly(
        [
            (sx + 40, sy + 10),
            (sx + 10, sy + 20),
            (sx + 30, sy + 110),
            (sx + 45, sy + 90),
            (sx + 65, sy + 100),
        ],
        NAVY,
    )
    for i in range(16):
        a = math.radians(i * 22.5)
        pen.circle(sx + 50 * math.cos(a), sy + 50 * math.sin(a), 14, AMBER)
    pen.circle(sx, sy, 50, AMBER)
    pen.circle(sx, sy, 36, "#ffcd4a")
    star(pen, sx, sy, 24, WHITE)
    gradcap(pen, 180, 200, 70)
    pen.circle(1030, 360, 40, WHITE)
    check(pen, 1030, 362, 38, GREEN, 10)
    return pen


def hero_bienvenida() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 0)
    people = [
        (420, 150, GREEN, SKIN[1], INK),
        (780, 150, AMBER, SKIN[2], INK),
        (600, 170, NAVY, SKIN[0], "#6b4a2f"),
    ]
    for cx, size, shirt, skin, hair in people:
        person(pen, cx, 430, size, shirt, skin, hair)
    # Confetti around the group.
    for x, y, color in ((330, 120, AMBER), (870, 110, BLUE), (910, 260, GREEN), (300, 280, NAVY)):
        star(pen, x, y, 16, color)
    for x, y, color in ((520, 90, AMBER), (690, 80, GREEN), (960, 330, AMBER)):
        pen.circle(x, y, 8, color)
    # An envelope and a heart.
    pen.box(130, 150, 290, 260, WHITE, radius=10)
    pen.poly([(130, 158), (210, 216), (290, 158), (290, 150), (130, 150)], SKY_MID)
    pen.circle(290, 150, 26, AMBER)
    text_lines(pen, 284, 146, [12], WHITE, 8)
    hx, hy = 1040, 150
    pen.circle(hx - 20, hy, 24, "#e0607e")
    pen.circle(hx + 20, hy, 24, "#e0607e")
    pen.poly([(hx - 43, hy + 8), (hx + 43, hy + 8), (hx, hy + 56)], "#e0607e")
    return pen


def hero_encuesta() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 1)
    pen.box(440, 60, 760, 450, NAVY, radius=22)
    pen.box(460, 90, 740, 430, WHITE, radius=10)
    pen.box(540, 46, 660, 100, SLATE, radius=16)
    pen.circle(600, 58, 10, BG)
    for i, done in enumerate((True, True, True, False)):
        y = 140 + i * 70
        pen.box(490, y, 530, y + 40, SKY if done else GRAY, radius=8)
        if done:
            check(pen, 510, y + 20, 26, GREEN, 7)
        text_lines(pen, 550, y + 8, [160 - i * 15, 110], GRAY_MID if done else GRAY, 9, 18)
    # Rating stars and a pencil.
    for i in range(5):
        star(pen, 190 + i * 56, 250, 26, AMBER if i < 4 else GRAY_MID)
    pen.box(150, 300, 430, 340, WHITE, radius=20)
    text_lines(pen, 175, 315, [170], SKY_MID, 10)
    pen.poly([(880, 380), (900, 400), (1060, 240), (1040, 220)], AMBER)
    pen.poly([(1040, 220), (1060, 240), (1075, 225), (1055, 205)], "#d64545")
    pen.poly([(880, 380), (900, 400), (868, 412)], SKIN[0])
    return pen


def hero_calendario() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 0)
    x0, y0, x1, y1 = 380, 70, 820, 440
    pen.box(x0, y0, x1, y1, WHITE, radius=20)
    pen.box(x0, y0, x1, y0 + 80, NAVY, radius=20)
    pen.box(x0, y0 + 50, x1, y0 + 80, NAVY)
    text_lines(pen, x0 + 150, y0 + 32, [140], WHITE, 16)
    for ring in (x0 + 90, x1 - 90):
        pen.box(ring - 9, y0 - 24, ring + 9, y0 + 22, SLATE, radius=9)
    cell, gap = 46, 12
    for row in range(5):
        for col in range(7):
            cx = x0 + 28 + col * (cell + gap)
            cy = y0 + 100 + row * (cell + gap)
            if row == 2 and col == 3:
                pen.box(cx, cy, cx + cell, cy + cell, AMBER, radius=10)
            elif (row, col) in {(1, 1), (3, 5)}:
                pen.box(cx, cy, cx + cell, cy + cell, SKY_MID, radius=10)
            else:
                pen.box(cx, cy, cx + cell, cy + cell, GRAY, radius=10)
    # A small clock and a list of times.
    pen.circle(980, 200, 72, NAVY)
    pen.circle(980, 200, 58, WHITE)
    pen.line([(980, 200), (980, 160)], INK, 8)
    pen.line([(980, 200), (1010, 215)], AMBER, 7)
    for i in range(3):
        y = 310 + i * 40
        pen.box(910, y, 960, y + 22, NAVY if i == 0 else BLUE, radius=11)
        pen.box(972, y, 1080 - i * 20, y + 22, SKY_MID, radius=11)
    gradcap(pen, 210, 230, 80)
    return pen


def hero_megafono() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 1)
    pen.poly([(420, 200), (700, 90), (700, 390), (420, 290)], NAVY)
    pen.box(340, 190, 440, 300, NAVY_DARK, radius=16)
    pen.box(690, 80, 730, 400, AMBER, radius=20)
    pen.poly([(380, 296), (440, 296), (470, 400), (420, 410)], BLUE)
    for i, r in enumerate((110, 170, 230)):
        pen.arc(730, 240, r, -35, 35, AMBER if i == 1 else SKY_MID, 16)
    for dx, dy, s in ((220, 120, 14), (980, 400, 10), (160, 380, 10)):
        star(pen, dx, dy, s * 2, AMBER)
    return pen


def hero_boletin() -> Pen:
    pen = Pen(1200, 500, BG)
    backdrop(pen, 0)
    pen.box(380, 70, 860, 450, SKY_MID, radius=12)
    pen.box(360, 54, 840, 434, WHITE, radius=12)
    pen.box(390, 84, 810, 130, NAVY, radius=8)
    text_lines(pen, 420, 100, [200], WHITE, 14)
    pen.box(390, 150, 590, 280, AMBER_LIGHT, radius=8)
    pen.circle(450, 200, 22, AMBER)
    pen.poly([(400, 276), (480, 214), (540, 256), (580, 230), (586, 276)], BLUE)
    text_lines(pen, 610, 156, [190, 170, 200, 150, 180], GRAY_MID, 10, 26)
    text_lines(pen, 390, 304, [420, 390, 410, 300], GRAY, 10, 26)
    pen.box(390, 400, 520, 416, AMBER, radius=8)
    # Envelope with a new-mail dot.
    pen.box(920, 170, 1090, 290, NAVY, radius=12)
    pen.poly([(920, 180), (1005, 240), (1090, 180), (1090, 170), (920, 170)], BLUE)
    pen.circle(1090, 170, 26, AMBER)
    pen.box(150, 160, 270, 300, WHITE, radius=10)
    text_lines(pen, 170, 186, [80, 60, 70, 50], SKY_MID, 9, 24)
    return pen


def hero_catalogo() -> Pen:
    pen = Pen(1200, 400, BG)
    backdrop(pen, 1)
    # A shelf of course binders.
    colors = [NAVY, AMBER, BLUE, GREEN, NAVY_DARK, SKY_MID, AMBER, BLUE, NAVY, GREEN]
    x = 270
    for i, color in enumerate(colors):
        w = 44 + (i * 7) % 18
        h = 190 + (i * 37) % 70
        pen.box(x, 320 - h, x + w, 320, color, radius=6)
        pen.box(x + 10, 320 - h + 24, x + w - 10, 320 - h + 34, WHITE, radius=4)
        x += w + 8
    pen.box(240, 318, x + 30, 336, INK, radius=6)
    gradcap(pen, 1010, 170, 80)
    pen.box(120, 130, 220, 240, WHITE, radius=10)
    text_lines(pen, 136, 150, [66, 50, 60], SKY_MID, 9, 22)
    check(pen, 170, 218, 28, GREEN, 7)
    return pen


def icon_ley() -> Pen:
    pen = Pen(240, 240, SKY)
    pen.box(62, 34, 178, 196, WHITE, radius=10)
    pen.box(62, 34, 178, 70, NAVY, radius=10)
    pen.box(62, 56, 178, 70, NAVY)
    text_lines(pen, 82, 90, [76, 64, 76, 50], GRAY_MID, 8, 20)
    pen.circle(160, 174, 28, AMBER)
    star(pen, 160, 174, 15, WHITE)
    return pen


def icon_etica() -> Pen:
    pen = Pen(240, 240, AMBER_LIGHT)
    pen.box(114, 52, 126, 182, NAVY, radius=6)
    pen.box(74, 178, 166, 192, NAVY, radius=7)
    pen.line([(54, 72), (186, 72)], NAVY, 10)
    pen.circle(120, 56, 12, AMBER)
    for cx in (62, 178):
        pen.line([(cx, 74), (cx - 26, 128)], SLATE, 3)
        pen.line([(cx, 74), (cx + 26, 128)], SLATE, 3)
        pen.pie(cx, 124, 30, 0, 180, BLUE)
    return pen


def icon_gestion() -> Pen:
    pen = Pen(240, 240, SKY)
    pen.box(40, 46, 200, 190, WHITE, radius=12)
    for i, h in enumerate((40, 66, 54, 96)):
        x = 62 + i * 34
        pen.box(x, 170 - h, x + 22, 170, AMBER if i == 3 else BLUE, radius=4)
    pen.line([(60, 118), (96, 96), (130, 106), (180, 60)], NAVY, 6)
    pen.circle(180, 60, 9, NAVY)
    return pen


def icon_digital() -> Pen:
    pen = Pen(240, 240, AMBER_LIGHT)
    pen.box(36, 50, 204, 160, NAVY, radius=12)
    pen.box(48, 62, 192, 148, WHITE, radius=4)
    pen.box(100, 160, 140, 184, SLATE)
    pen.box(76, 182, 164, 194, NAVY_DARK, radius=6)
    text_lines(pen, 62, 78, [60, 90, 70], SKY_MID, 8, 18)
    pen.poly(
        [(140, 110), (140, 170), (154, 156), (164, 178), (174, 172), (164, 152), (182, 150)], AMBER
    )
    return pen


IMAGES: dict[str, Callable[[], Pen]] = {
    "curso.png": hero_curso,
    "webinar.png": hero_webinar,
    "reloj.png": hero_reloj,
    "vacantes.png": hero_vacantes,
    "certificado.png": hero_certificado,
    "bienvenida.png": hero_bienvenida,
    "encuesta.png": hero_encuesta,
    "calendario.png": hero_calendario,
    "megafono.png": hero_megafono,
    "boletin.png": hero_boletin,
    "catalogo.png": hero_catalogo,
    "icono-ley.png": icon_ley,
    "icono-etica.png": icon_etica,
    "icono-gestion.png": icon_gestion,
    "icono-digital.png": icon_digital,
}


def main() -> None:
    """Draw every image in IMAGES and print each file's size."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in IMAGES.items():
        path = draw().save(name)
        print(f"{path.stat().st_size / 1024:6.1f} KB  {path.name}")


if __name__ == "__main__":
    main()
