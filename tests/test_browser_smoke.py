"""The built site in a real headless Chromium: the seed article reads without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, run_giaoban


@pytest.mark.slow
def test_seed_article_renders_in_chromium_without_javascript(tmp_path: Path, browser, serve_directory) -> None:
    out = tmp_path / "out"
    assert run_giaoban("build", "--source", str(REPO), "--output", str(out)).returncode == 0
    server = serve_directory(out)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    response = page.goto(server.url + "2014/10/hoi-nghi-giao-ban-thuong-truc-hdnd-lan-thu-2-nam-2014/")
    assert response.status == 200
    assert page.locator("main h1").inner_text().startswith("Hội nghị giao ban")
    assert page.locator("article time").first.inner_text() == "Thứ Năm, 02/10/2014"
    # Readable on a 360 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
