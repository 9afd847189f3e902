"""Screenshots of every page in Chinese and English, desktop and phone, for the README and the docs.

    .venv/bin/python -m tests.e2e.screenshots [--out docs/screenshots] [--pages overview pareto]

Serves the dashboard from a fresh demo database in a temporary folder (the same code as the
browser tests) and saves docs/screenshots/<page>-zh.png and <page>-en.png, full page height
at a 1440-pixel-wide window, and <page>-zh-phone.png / <page>-en-phone.png at 390 × 844."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.e2e import harness

LANGS = ("zh", "en")
# A phone held upright (an iPhone 12-14 class screen); the suffix goes into the file name.
SCREENS = {"": harness.VIEWPORT, "-phone": {"width": 390, "height": 844}}
# A phone says so in its User-Agent (ui.common.on_phone: tables show their key columns only).
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
# The pages about one customer or manager, shot with one of the demo's (the demo is seeded).
QUERIES = {"customer": {"customer": "330102000019"}, "manager": {"manager_id": "M001"}}


def shoot(
    browser, server: harness.Server, page_info: harness.PageInfo, lang: str, out: Path, screen: str = ""
) -> Path:
    phone = {"is_mobile": True, "user_agent": PHONE_AGENT} if screen else {}
    context = browser.new_context(viewport=SCREENS[screen], device_scale_factor=1, **phone)
    try:
        tab = context.new_page()
        harness.open_page(tab, page_info.url(server.base_url, lang, **QUERIES.get(page_info.name, {})))
        if tab.locator(harness.EXCEPTION).count():
            print(f"  ! {page_info.name}-{lang}: the page shows an exception", file=sys.stderr)
        path = out / f"{page_info.name}-{lang}{screen}.png"
        harness.full_page_screenshot(tab, path)
        return path
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.e2e.screenshots", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=harness.ROOT / "docs" / "screenshots")
    parser.add_argument("--pages", nargs="*", help="page names (file names without .py); default: all")
    args = parser.parse_args(argv)
    pages = [p for p in harness.existing_pages() if not args.pages or p.name in args.pages]
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="dashboard-shots-") as tmp:
        folder = Path(tmp)
        server = harness.start_server(harness.make_demo_db(folder), folder)
        try:
            with sync_playwright() as playwright:
                browser = harness.launch_browser(playwright)
                harness.warm_up(browser, server)
                for page_info in pages:
                    for lang in LANGS:
                        for screen in SCREENS:
                            print(shoot(browser, server, page_info, lang, args.out, screen))
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
