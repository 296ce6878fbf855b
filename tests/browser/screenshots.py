"""Screenshots of the main pages of a running server, for the README.

    python -m tests.browser.screenshots --base http://127.0.0.1:8000 \
        --out docs/screenshots

Drives Debian's Chromium through Playwright (the same set-up as the browser tests).
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: file name -> (path, full page?)
PAGES = {
    "overview": ("/", True),
    "taxonomy": ("/taxonomy/", False),
    "gap-matrix": ("/taxonomy/#gaps", False),
    "papers": ("/papers/?modality=image&application=image-description", False),
    "paper": ("/papers/vinyals2015show/", False),
    "node": ("/taxonomy/application/visual-question-answering/", False),
}


def take(base: str, out: Path, width: int = 1360, height: int = 900) -> list[Path]:
    """Save one PNG per page in PAGES under `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS
        )
        page = browser.new_page(viewport={"width": width, "height": height})
        for name, (path, full) in PAGES.items():
            page.goto(base.rstrip("/") + path, wait_until="networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=full)
            saved.append(target)
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots", type=Path)
    args = parser.parse_args()
    for path in take(args.base, args.out):
        print(path)


if __name__ == "__main__":
    main()
