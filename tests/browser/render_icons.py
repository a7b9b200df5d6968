"""Render the app icons (PNG) from the brand mark in Debian's chromium. Run by hand:

    python tests/browser/render_icons.py

Writes webapp/static/icons/{icon,maskable}-{192,512}.png and apple-touch-icon.png. "any"
icons keep the rounded square of icon.svg; maskable ones fill the square with the brand
green and keep the mark inside the central 80 % safe zone, as launchers crop them.
"""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "icons"
MARK = (
    '<path d="M12 22 32 12l20 10-20 10z" fill="#fff"/>'
    '<path d="M20 27v11c0 4 6 8 12 8s12-4 12-8V27l-12 6z" fill="#f5c518"/>'
    '<path d="M50 23v15" stroke="#fff" stroke-width="3"/>'
)


def any_svg() -> str:
    return (ICONS / "icon.svg").read_text()


def maskable_svg() -> str:
    # Full-bleed background; the 64-unit mark scaled to 70 % and centred.
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            '<rect width="64" height="64" fill="#0b5d3b"/>'
            f'<g transform="translate(9.6 9.6) scale(.7)">{MARK}</g></svg>')


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])
        for name, svg, size in [
            ("icon-192.png", any_svg(), 192), ("icon-512.png", any_svg(), 512),
            ("maskable-192.png", maskable_svg(), 192), ("maskable-512.png", maskable_svg(), 512),
            ("apple-touch-icon.png", maskable_svg(), 180),
        ]:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                "<style>html,body{margin:0;background:transparent}svg{display:block;"
                f"width:{size}px;height:{size}px}}</style>{svg}"
            )
            page.screenshot(path=str(ICONS / name), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
