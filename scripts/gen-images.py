#!/usr/bin/env python3
"""Generate Linli's demo images from the seed data (python3 stdlib only).

Reads edge-worker/seed/demo-chain.json and writes, under public/:
  images/products/<product id>.svg   400x400, one per product
  images/stores/<store id>.svg       800x400, one per store
  images/og-default.svg              1200x630 social card
  favicon.svg                        64x64 brand mark

Flat vector style: a soft background per category, a simple illustration chosen by
category (and by a keyword in the name, e.g. 蛋 -> egg, 虾 -> shrimp), coloured with a
hue derived from the product id, and the name in large type. No external references.

Usage: python3 scripts/gen-images.py [--check]   (--check: only verify, write nothing)
"""
import colorsys
import hashlib
import json
import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "edge-worker" / "seed" / "demo-chain.json"
PUBLIC = ROOT / "public"
FONT = "PingFang SC, Noto Sans CJK SC, sans-serif"
GREEN = "#1f9d55"
GREEN_DARK = "#157a41"
MAX_BYTES = 3 * 1024


def hx(h, s, l):
    """HSL (degrees, 0-1, 0-1) to #rrggbb."""
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360, l, s)
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


def seed_of(text):
    return int.from_bytes(hashlib.md5(text.encode("utf-8")).digest()[:4], "big")


def hue_in(pid, lo, hi):
    """A hue in [lo, hi) picked by the id hash, so every product gets its own shade."""
    return lo + seed_of(pid) % max(1, hi - lo)


# ---------------------------------------------------------------- shapes
# Each shape draws around (200, 180) inside roughly x 100-300, y 80-285.
# Arguments: the product id (for the hue) -> svg fragment.

def leaf(x, y, rot, c, size=1.0):
    return (f'<path transform="translate({x} {y}) rotate({rot}) scale({size})" '
            f'd="M0 0C12-14 34-14 44 0C34 14 12 14 0 0Z" fill="{c}"/>')


def round_fruit(pid, lo=352, hi=368, r=82):
    h = hue_in(pid, lo, hi)
    c, d = hx(h, .72, .56), hx(h, .6, .42)
    return (f'<circle cx="200" cy="190" r="{r}" fill="{c}"/>'
            f'<path d="M200 {190 + r}a{r} {r} 0 0 0 {r * .87:.0f}-{r * .5:.0f}a{r} {r} 0 0 1-{r * .87:.0f} {r * .5:.0f}z" fill="{d}" opacity=".35"/>'
            f'<ellipse cx="168" cy="155" rx="20" ry="12" transform="rotate(-35 168 155)" fill="#fff" opacity=".45"/>'
            f'<path d="M200 {192 - r}q2-22 12-34" stroke="#7a5230" stroke-width="8" fill="none" stroke-linecap="round"/>'
            + leaf(210, 190 - r - 22, -25, hx(115, .5, .45)))


def pear(pid):
    h = hue_in(pid, 50, 75)
    c = hx(h, .65, .6)
    return (f'<path d="M200 100C228 100 232 140 240 165C255 195 285 210 282 245C279 280 240 288 200 288C160 288 121 280 118 245C115 210 145 195 160 165C168 140 172 100 200 100Z" fill="{c}"/>'
            f'<ellipse cx="165" cy="225" rx="12" ry="22" fill="#fff" opacity=".4"/>'
            '<path d="M200 104q2-18 12-26" stroke="#7a5230" stroke-width="8" fill="none" stroke-linecap="round"/>'
            + leaf(212, 84, -20, hx(115, .5, .45), .8))


def banana(pid):
    h = hue_in(pid, 44, 54)
    c, d = hx(h, .9, .58), hx(h, .7, .45)
    return (f'<path d="M108 132C118 240 230 292 300 210C238 240 160 214 138 124Z" fill="{c}"/>'
            f'<path d="M138 124C160 214 238 240 300 210C290 228 270 240 250 246C190 250 140 210 138 124Z" fill="{d}" opacity=".4"/>'
            '<path d="M108 132l-4-22l26-4l8 18z" fill="#6b5a2a"/>'
            '<circle cx="300" cy="210" r="6" fill="#5a4a22"/>')


def grape(pid):
    h = hue_in(pid, 80, 110)
    c, d = hx(h, .55, .55), hx(h, .5, .42)
    out = ['<path d="M200 105q4-22 18-30" stroke="#7a5230" stroke-width="8" fill="none" stroke-linecap="round"/>',
           leaf(214, 88, -30, hx(120, .45, .42))]
    for i, (start, y, n) in enumerate(((-60, 130, 4), (-40, 168, 3), (-40, 204, 3), (-20, 238, 2), (0, 268, 1))):
        for k in range(n):
            x = 200 + start + k * 40
            out.append(f'<circle cx="{x}" cy="{y}" r="21" fill="{c if (i + k) % 2 else d}"/>')
    out.append('<circle cx="132" cy="122" r="6" fill="#fff" opacity=".5"/>')
    return "".join(out)


def kiwi(pid):
    h = hue_in(pid, 70, 95)
    seeds = "".join(
        f'<circle cx="{200 + 40 * math.cos(a * math.pi / 5):.0f}" '
        f'cy="{190 + 40 * math.sin(a * math.pi / 5):.0f}" r="4" fill="#2b2118"/>'
        for a in range(10))
    return (f'<circle cx="200" cy="190" r="90" fill="#8a6a45"/>'
            f'<circle cx="200" cy="190" r="78" fill="{hx(h, .65, .5)}"/>'
            f'<circle cx="200" cy="190" r="24" fill="#f4f1d8"/>' + seeds)


def leafy(pid):
    h = hue_in(pid, 95, 140)
    c, d = hx(h, .55, .45), hx(h, .5, .36)
    blade = "M200 272C145 220 148 120 200 84C252 120 255 220 200 272Z"
    return (f'<path d="{blade}" transform="rotate(-32 200 272)" fill="{d}"/>'
            f'<path d="{blade}" transform="rotate(32 200 272)" fill="{d}"/>'
            f'<path d="{blade}" fill="{c}"/>'
            '<path d="M186 272L192 175H208L214 272Z" fill="#eef6df"/>'
            '<path d="M200 240V110" stroke="#eef6df" stroke-width="5" stroke-linecap="round" opacity=".8"/>')


def tomato(pid):
    h = hue_in(pid, 0, 10)
    return (f'<circle cx="200" cy="195" r="85" fill="{hx(h, .75, .55)}"/>'
            '<ellipse cx="165" cy="165" rx="20" ry="12" transform="rotate(-35 165 165)" fill="#fff" opacity=".45"/>'
            f'<path d="M200 118l12-16l4 20l22-2l-16 14l14 14l-22-4l-14 12l-6-20l-22 6l12-16l-18-12l22-2z" fill="{hx(115, .5, .4)}"/>')


def carrot(pid):
    h = hue_in(pid, 20, 30)
    g = hx(110, .5, .42)
    return (f'<path d="M158 140Q200 128 242 140L208 282Q200 294 192 282Z" fill="{hx(h, .85, .55)}"/>'
            '<path d="M172 180h22M182 215h20M188 250h14" stroke="#fff" stroke-width="5" stroke-linecap="round" opacity=".5"/>'
            + leaf(196, 138, -110, g) + leaf(200, 138, -70, g) + leaf(198, 138, -90, g))


def potato(pid):
    h = hue_in(pid, 30, 40)
    c, d = hx(h, .45, .62), hx(h, .4, .45)
    return (f'<path d="M110 200C110 130 190 120 240 135C300 152 300 245 245 262C180 282 110 262 110 200Z" fill="{c}"/>'
            f'<path d="M160 180h.1M230 165h.1M250 225h.1M190 240h.1M140 225h.1" stroke="{d}" stroke-width="10" stroke-linecap="round"/>')


def mushroom(pid):
    h = hue_in(pid, 22, 34)
    return ('<rect x="172" y="180" width="56" height="95" rx="24" fill="#f3e6cf"/>'
            f'<path d="M105 195C105 105 295 105 295 195Q200 212 105 195Z" fill="{hx(h, .45, .4)}"/>'
            '<circle cx="160" cy="160" r="9" fill="#fff" opacity=".35"/><circle cx="228" cy="146" r="7" fill="#fff" opacity=".35"/>')


def cucumber(pid):
    h = hue_in(pid, 100, 125)
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="4" fill="#fff" opacity=".45"/>'
                   for x, y in ((150, 190), (190, 178), (230, 192), (270, 180), (170, 210), (250, 212)))
    return (f'<g transform="rotate(-20 200 195)"><rect x="90" y="160" width="220" height="70" rx="35" fill="{hx(h, .5, .38)}"/>'
            f'{dots}</g>')


def broccoli(pid):
    h = hue_in(pid, 110, 135)
    c, d = hx(h, .5, .4), hx(h, .5, .32)
    florets = "".join(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{c if i % 2 else d}"/>'
                      for i, (x, y, r) in enumerate(((150, 170, 40), (250, 170, 40), (200, 135, 45), (175, 195, 38), (225, 195, 38))))
    return ('<path d="M180 200L165 282H235L220 200Z" fill="#b7d98f"/>' + florets)


def egg(pid):
    h = hue_in(pid, 22, 38)
    shape = "M0-95C50-95 80-20 80 15C80 60 45 85 0 85C-45 85-80 60-80 15C-80-20-50-95 0-95Z"
    return (f'<path transform="translate(160 200) scale(.85)" d="{shape}" fill="{hx(h, .35, .82)}"/>'
            f'<path transform="translate(230 190)" d="{shape}" fill="{hx(h, .55, .7)}"/>'
            '<ellipse cx="205" cy="140" rx="12" ry="20" transform="rotate(20 205 140)" fill="#fff" opacity=".5"/>')


def salted_egg(pid):
    return ('<path transform="translate(200 190)" d="M0-95C50-95 80-20 80 15C80 60 45 85 0 85C-45 85-80 60-80 15C-80-20-50-95 0-95Z" fill="#f7f4ec"/>'
            '<circle cx="200" cy="205" r="42" fill="#f28c1b"/><circle cx="188" cy="192" r="10" fill="#fff" opacity=".4"/>')


def meat(pid):
    h = hue_in(pid, 352, 372)
    return (f'<path d="M118 170C112 112 210 92 268 120C320 146 305 238 238 256C165 276 124 230 118 170Z" fill="{hx(h, .6, .55)}" stroke="#fbeee6" stroke-width="14"/>'
            '<path d="M150 160C190 140 230 150 260 180M160 215C200 200 230 210 250 226" stroke="#fbeee6" stroke-width="8" fill="none" stroke-linecap="round" opacity=".8"/>'
            '<circle cx="205" cy="180" r="17" fill="#fbeee6"/>')


def drumstick(pid):
    h = hue_in(pid, 22, 34)
    return ('<path d="M210 190L272 252" stroke="#f0e0c6" stroke-width="22" stroke-linecap="round"/>'
            '<circle cx="276" cy="270" r="15" fill="#f0e0c6"/><circle cx="290" cy="256" r="15" fill="#f0e0c6"/>'
            f'<path d="M120 150C120 105 175 90 210 115C250 145 245 200 215 215C180 232 120 205 120 150Z" fill="{hx(h, .7, .55)}"/>'
            '<ellipse cx="160" cy="135" rx="18" ry="10" transform="rotate(-30 160 135)" fill="#fff" opacity=".4"/>')


def fish(pid):
    h = hue_in(pid, 185, 225)
    c, d = hx(h, .45, .55), hx(h, .45, .42)
    return (f'<path d="M262 188L322 140Q306 188 322 236Z" fill="{d}"/>'
            f'<path d="M180 128Q205 96 236 132Z" fill="{d}"/>'
            f'<path d="M92 188C132 112 236 112 276 188C236 264 132 264 92 188Z" fill="{c}"/>'
            '<path d="M108 200C150 236 226 238 262 206C226 250 140 250 108 200Z" fill="#fff" opacity=".3"/>'
            f'<path d="M158 150Q174 188 158 226" stroke="{d}" stroke-width="5" fill="none" stroke-linecap="round"/>'
            '<circle cx="128" cy="178" r="10" fill="#fff"/><circle cx="126" cy="178" r="5" fill="#1f2a30"/>')


def shrimp(pid):
    h = hue_in(pid, 8, 22)
    c, d = hx(h, .8, .62), hx(h, .7, .5)
    return (f'<path d="M232 110C318 140 300 262 200 262C160 262 136 244 128 222" stroke="{c}" stroke-width="54" fill="none" stroke-linecap="round"/>'
            '<path d="M262 140l-26 30M282 190l-36 8M262 240l-28-22M212 262l-6-34" stroke="#fff" stroke-width="5" stroke-linecap="round" opacity=".6"/>'
            f'<path d="M120 222L92 196L96 250Z" fill="{d}"/>'
            '<circle cx="228" cy="112" r="7" fill="#1f2a30"/>'
            f'<path d="M222 96C190 70 150 72 118 90M230 92C206 62 170 54 138 60" stroke="{d}" stroke-width="4" fill="none" stroke-linecap="round"/>')


def crab(pid):
    h = hue_in(pid, 8, 24)
    c, d = hx(h, .7, .52), hx(h, .6, .42)
    legs = "".join(f'<path d="M{200 + s * 70} {y}l{s * 40} {dy}" stroke="{d}" stroke-width="10" stroke-linecap="round"/>'
                   for s in (-1, 1) for y, dy in ((200, -6), (220, 12), (238, 30)))
    return (legs +
            f'<path d="M140 175L112 138M260 175L288 138" stroke="{d}" stroke-width="10" stroke-linecap="round"/>'
            f'<path d="M112 138C82 130 82 92 108 86L114 110L126 96C140 110 132 136 112 138Z" fill="{c}"/>'
            f'<path d="M288 138C318 130 318 92 292 86L286 110L274 96C260 110 268 136 288 138Z" fill="{c}"/>'
            f'<ellipse cx="200" cy="210" rx="85" ry="55" fill="{c}"/>'
            '<path d="M182 160v-14M218 160v-14" stroke="#1f2a30" stroke-width="5" stroke-linecap="round"/>'
            '<circle cx="182" cy="144" r="7" fill="#1f2a30"/><circle cx="218" cy="144" r="7" fill="#1f2a30"/>')


def clam(pid):
    h = hue_in(pid, 20, 45)
    c, d = hx(h, .4, .78), hx(h, .35, .6)
    ridges = "".join(f'<path d="M200 262L{x} 120" stroke="{d}" stroke-width="5" stroke-linecap="round" opacity=".7"/>'
                     for x in (140, 170, 200, 230, 260))
    return (f'<path d="M200 268C120 264 92 190 120 140C150 96 250 96 280 140C308 190 280 264 200 268Z" fill="{c}"/>'
            + ridges + f'<rect x="176" y="258" width="48" height="20" rx="8" fill="{d}"/>')


def sack(pid):
    h = hue_in(pid, 28, 48)
    c, d = hx(h, .45, .75), hx(h, .4, .55)
    return (f'<path d="M150 120L138 88L172 102L200 82L228 102L262 88L250 120Z" fill="{c}"/>'
            f'<path d="M146 130C108 180 110 254 136 272Q200 286 264 272C290 254 292 180 254 130Z" fill="{c}"/>'
            f'<rect x="142" y="116" width="116" height="18" rx="9" fill="{d}"/>'
            '<rect x="150" y="178" width="100" height="70" rx="14" fill="#fff" opacity=".85"/>'
            f'<path d="M200 236V190M200 206l-14-10M200 206l14-10M200 222l-14-10M200 222l14-10" stroke="{d}" stroke-width="5" fill="none" stroke-linecap="round"/>')


def bottle(pid, dark=False):
    h = hue_in(pid, 20, 30) if dark else hue_in(pid, 40, 52)
    c = hx(h, .55, .28) if dark else hx(h, .85, .58)
    return ('<rect x="176" y="76" width="48" height="22" rx="6" fill="#c9362f"/>'
            f'<rect x="182" y="96" width="36" height="40" fill="{c}"/>'
            f'<path d="M150 160C150 140 182 136 182 130H218C218 136 250 140 250 160V272Q250 282 240 282H160Q150 282 150 272Z" fill="{c}"/>'
            '<rect x="150" y="186" width="100" height="58" fill="#fff" opacity=".9"/>'
            '<ellipse cx="170" cy="170" rx="6" ry="12" fill="#fff" opacity=".45"/>'
            + leaf(186, 216, -20, GREEN, .7))


def carton(pid):
    h = hue_in(pid, 195, 230)
    c = hx(h, .6, .55)
    return (f'<rect x="172" y="78" width="56" height="20" rx="4" fill="{c}"/>'
            '<path d="M146 136L174 96H226L254 136Z" fill="#e3e9f1"/>'
            '<rect x="146" y="134" width="108" height="148" rx="10" fill="#fff" stroke="#d5dde8" stroke-width="3"/>'
            f'<path d="M146 196Q173 180 200 196T254 196V272Q254 282 244 282H156Q146 282 146 272Z" fill="{c}"/>'
            f'<circle cx="200" cy="160" r="12" fill="{c}" opacity=".35"/>')


def cup(pid):
    h = hue_in(pid, 320, 350)
    c = hx(h, .55, .65)
    return ('<path d="M138 128H262L246 270Q200 284 154 270Z" fill="#fff" stroke="#e2d6df" stroke-width="3"/>'
            f'<path d="M145 180H255L248 236H152Z" fill="{c}"/>'
            f'<rect x="128" y="112" width="144" height="24" rx="12" fill="{c}"/>')


def cheese(pid):
    h = hue_in(pid, 42, 50)
    c, d = hx(h, .9, .62), hx(h, .8, .5)
    return (f'<path d="M110 205L270 130L292 168L292 262Q200 276 110 262Z" fill="{c}"/>'
            f'<path d="M110 205L292 168" stroke="{d}" stroke-width="6" stroke-linejoin="round"/>'
            f'<circle cx="170" cy="232" r="14" fill="{d}"/><circle cx="240" cy="214" r="10" fill="{d}"/><circle cx="250" cy="248" r="7" fill="{d}"/>')


def toast(pid):
    h = hue_in(pid, 26, 36)
    return (f'<path d="M135 275V180C100 172 108 112 150 110C170 92 230 92 250 110C292 112 300 172 265 180V275Q200 286 135 275Z" fill="{hx(h, .55, .45)}"/>'
            f'<path d="M150 265V170C124 166 128 126 158 124C174 108 226 108 242 124C272 126 276 166 250 170V265Q200 274 150 265Z" fill="{hx(h, .6, .84)}"/>')


def bun(pid):
    h = hue_in(pid, 30, 42)
    return (f'<path d="M106 250C106 132 294 132 294 250Q200 272 106 250Z" fill="{hx(h, .7, .6)}"/>'
            '<path d="M150 180Q170 160 200 160M160 212Q190 190 240 200" stroke="#fff" stroke-width="7" fill="none" stroke-linecap="round" opacity=".5"/>')


def steamed_bun(pid):
    return ('<path d="M92 255C92 180 188 180 188 255Q140 266 92 255Z" fill="#fbf8f1" stroke="#d6c6aa" stroke-width="4"/>'
            '<path d="M212 255C212 180 308 180 308 255Q260 266 212 255Z" fill="#fbf8f1" stroke="#d6c6aa" stroke-width="4"/>'
            '<path d="M148 212C148 130 252 130 252 212Q200 224 148 212Z" fill="#fff" stroke="#d6c6aa" stroke-width="4"/>')


def snack_bag(pid):
    h = hue_in(pid, 0, 360)
    c, d = hx(h, .55, .55), hx(h, .5, .42)
    zig = "".join(f"l8-10l8 10" for _ in range(8))
    return (f'<path d="M136 100{zig}L258 276{"".join("l-8 10l-8-10" for _ in range(7))}l-8 10L142 276Z" fill="{c}"/>'
            f'<rect x="136" y="100" width="128" height="16" fill="{d}"/>'
            '<circle cx="200" cy="190" r="40" fill="#fff" opacity=".9"/>'
            f'<circle cx="200" cy="190" r="18" fill="{d}"/>')


# (category, keywords in name) -> shape; first match wins, then the category default.
KEYWORD_SHAPES = [
    ("fruit", ("香蕉",), banana), ("fruit", ("葡萄",), grape), ("fruit", ("猕猴桃",), kiwi),
    ("fruit", ("梨",), pear), ("fruit", ("桔", "橙", "柚"), lambda pid: round_fruit(pid, 24, 40)),
    ("fruit", ("枣",), lambda pid: round_fruit(pid, 75, 95, 70)),
    ("vegetables", ("番茄", "西红柿"), tomato), ("vegetables", ("胡萝卜",), carrot),
    ("vegetables", ("土豆",), potato), ("vegetables", ("菇",), mushroom),
    ("vegetables", ("黄瓜",), cucumber), ("vegetables", ("西兰花",), broccoli),
    ("meat_eggs", ("咸鸭蛋",), salted_egg), ("meat_eggs", ("蛋",), egg),
    ("meat_eggs", ("鸡",), drumstick),
    ("seafood", ("虾",), shrimp), ("seafood", ("蟹",), crab), ("seafood", ("蛤", "贝"), clam),
    ("grains_oils", ("油",), bottle), ("grains_oils", ("生抽", "酱油", "醋"), lambda pid: bottle(pid, True)),
    ("dairy_bakery", ("奶酪", "芝士"), cheese), ("dairy_bakery", ("发酵乳", "酸奶"), cup),
    ("dairy_bakery", ("奶",), carton), ("dairy_bakery", ("吐司", "面包"), toast),
    ("dairy_bakery", ("馒头",), steamed_bun), ("dairy_bakery", ("包",), bun),
]
DEFAULT_SHAPES = {
    "fruit": round_fruit, "vegetables": leafy, "meat_eggs": meat, "seafood": fish,
    "grains_oils": sack, "dairy_bakery": carton, "snacks": snack_bag,
}
# Soft background and text colour per category.
CATEGORY_BG = {
    "fruit": ("#fff1e6", "#7a3b12"), "vegetables": ("#eaf6e4", "#245a22"),
    "meat_eggs": ("#fcecea", "#7a2a24"), "seafood": ("#e6f2fa", "#1d4a66"),
    "grains_oils": ("#f7f0df", "#5e4616"), "dairy_bakery": ("#eef1fb", "#2e3a6e"),
    "snacks": ("#f5ecf7", "#5a2a66"),
}


def shape_for(product):
    cat, name = product["category_id"], product["name"]
    for c, words, fn in KEYWORD_SHAPES:
        if c == cat and any(w in name for w in words):
            return fn
    return DEFAULT_SHAPES.get(cat, snack_bag)


def name_text(name, ink):
    """The name in large type; a trailing （...） goes on a smaller second line."""
    main, extra = name, ""
    if "（" in name and not name.startswith("（"):
        i = name.index("（")
        main, extra = name[:i], name[i:]
    size = min(50, 340 // max(1, len(main)))
    t = (f'<text x="200" y="{340 if not extra else 330}" text-anchor="middle" font-size="{size}" '
         f'font-weight="700" fill="{ink}">{escape(main)}</text>')
    if extra:
        t += (f'<text x="200" y="372" text-anchor="middle" font-size="{min(24, 340 // len(extra))}" '
              f'fill="{ink}" opacity=".7">{escape(extra)}</text>')
    return t


def product_svg(product):
    bg, ink = CATEGORY_BG.get(product["category_id"], ("#f2f4f3", "#1d2521"))
    art = shape_for(product)(product["id"])
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" '
            f'font-family="{FONT}"><title>{escape(product["name"])}</title>'
            f'<rect width="400" height="400" rx="40" fill="{bg}"/>'
            '<circle cx="200" cy="180" r="124" fill="#fff" opacity=".55"/>'
            f'{art}{name_text(product["name"], ink)}</svg>\n')


def store_svg(store):
    h = hue_in(store["id"], 95, 165)
    bg, wall, awn = hx(h, .45, .93), hx(h, .3, .98), hx(h, .55, .42)
    stripes = "".join(f'<rect x="{70 + i * 40}" y="130" width="20" height="44" fill="#fff" opacity=".9"/>' for i in range(7))
    scallops = "".join(f'<circle cx="{80 + i * 20}" cy="174" r="10" fill="{awn if i % 2 == 0 else "#fff"}"/>' for i in range(14))
    produce = "".join(f'<circle cx="{x}" cy="262" r="13" fill="{c}"/>'
                      for x, c in ((104, "#e4572e"), (132, "#f2a541"), (160, "#8bc34a"), (188, "#e4572e")))
    city_line = f'{store["city"]} · {store["neighbourhood"]}'
    name = store["name"]
    size = min(48, 350 // max(1, len(name)))  # CJK glyphs are 1em wide
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400" viewBox="0 0 800 400" '
            f'font-family="{FONT}"><title>{escape(name)}</title>'
            f'<rect width="800" height="400" rx="32" fill="{bg}"/>'
            '<circle cx="720" cy="60" r="120" fill="#fff" opacity=".4"/>'
            f'<rect x="60" y="110" width="300" height="230" rx="14" fill="{wall}"/>'
            f'<rect x="50" y="96" width="320" height="36" rx="10" fill="{awn}"/>'
            f'<rect x="70" y="130" width="280" height="44" fill="{awn}"/>{stripes}{scallops}'
            f'<rect x="86" y="200" width="124" height="92" rx="10" fill="{hx(h, .4, .85)}"/>{produce}'
            f'<rect x="236" y="200" width="96" height="140" rx="10" fill="{awn}"/>'
            '<circle cx="316" cy="272" r="6" fill="#fff"/>'
            f'<rect x="60" y="334" width="300" height="10" rx="5" fill="{hx(h, .3, .75)}"/>'
            + leaf(196, 114, -20, "#fff", .5) +
            f'<text x="410" y="190" font-size="{size}" font-weight="700" fill="{GREEN_DARK}">{escape(name)}</text>'
            f'<text x="412" y="240" font-size="28" fill="#3d4a43">{escape(city_line)}</text>'
            f'<rect x="410" y="272" width="250" height="44" rx="22" fill="{GREEN}"/>'
            '<text x="535" y="302" text-anchor="middle" font-size="22" fill="#fff">今日下单 · 次日自提</text></svg>\n')


MARK = ('<path d="M14 31L32 15L50 31V49Q50 52 47 52H17Q14 52 14 49Z" fill="#fff"/>'
        f'<path d="M32 47C23 42 23 31 38 27C42 36 40 44 32 47Z" fill="{GREEN}"/>'
        '<path d="M32 47Q33 38 37 31" stroke="#fff" stroke-width="1.6" fill="none" stroke-linecap="round"/>')


def favicon_svg():
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
            f'<rect width="64" height="64" rx="14" fill="{GREEN}"/>{MARK}</svg>\n')


def og_svg():
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" '
            f'font-family="{FONT}"><title>邻里 · 社区生鲜</title>'
            '<rect width="1200" height="630" fill="#f1f9f4"/>'
            '<circle cx="1090" cy="90" r="240" fill="#dff2e6"/><circle cx="1160" cy="560" r="150" fill="#e8f6ee"/>'
            f'<g transform="translate(110 175) scale(4.4)"><rect width="64" height="64" rx="14" fill="{GREEN}"/>{MARK}</g>'
            f'<text x="430" y="300" font-size="92" font-weight="700" fill="{GREEN}">邻里 · 社区生鲜</text>'
            f'<text x="434" y="380" font-size="40" fill="{GREEN_DARK}">今日下单，次日到店自提</text>'
            '<text x="434" y="440" font-size="30" fill="#6b7770">新鲜水果蔬菜 · 肉禽蛋 · 水产 · 米面粮油</text>'
            f'<rect x="0" y="600" width="1200" height="30" fill="{GREEN}"/></svg>\n')


def main():
    check_only = "--check" in sys.argv[1:]
    data = json.loads(SEED.read_text(encoding="utf-8"))
    files = {}
    for p in data["products"]:
        files[PUBLIC / p["image"].lstrip("/")] = product_svg(p)
    for s in data["stores"]:
        files[PUBLIC / s["cover"].lstrip("/")] = store_svg(s)
    files[PUBLIC / "images" / "og-default.svg"] = og_svg()
    files[PUBLIC / "favicon.svg"] = favicon_svg()

    problems = []
    for path, svg in files.items():
        size = len(svg.encode("utf-8"))
        if size > MAX_BYTES:
            problems.append(f"{path}: {size} bytes > {MAX_BYTES}")
        if "href" in svg or "url(" in svg:
            problems.append(f"{path}: has an external reference")
        if check_only:
            if not path.exists() or path.read_text(encoding="utf-8") != svg:
                problems.append(f"{path}: missing or out of date")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(svg, encoding="utf-8")
    for msg in problems:
        print(msg, file=sys.stderr)
    print(f"{'checked' if check_only else 'wrote'} {len(files)} files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
