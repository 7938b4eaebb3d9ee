"""The web studio in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright): upload a reference, see its checks, save the voice, set controls, speak,
and find non-empty playable audio in the page's <audio> element.

Needs `apt-get install chromium` and `pip install playwright` (no browser download).
Set TIMBREL_SKIP_BROWSER=1 to skip on a machine without Chromium.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import soundfile

from test_server_support import REFERENCE_WAV, TRANSCRIPT, LiveServer
from timbrel import VoiceLibrary
from timbrel.server import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required", "--mute-audio",
    # A fake microphone (a beeping tone) so the Record button can be exercised.
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if os.environ.get("TIMBREL_SKIP_BROWSER"):
        pytest.skip("TIMBREL_SKIP_BROWSER is set")
    if not CHROMIUM.is_file():
        pytest.fail("no /usr/bin/chromium: apt-get install chromium (see scripts/setup.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        yield context
        context.close()


def wait_for(page, expression: str, timeout: float = 90.0):
    """Poll a page expression (the studio's CSP forbids Playwright's eval-based waits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {expression}")


def test_studio_upload_save_speak_play(browser, tmp_path):
    library = VoiceLibrary(tmp_path / "library")
    errors: list[str] = []
    with LiveServer(create_app(library)) as live:
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live.url}/")
        page.wait_for_selector("#controls .control[data-name=speed]")
        assert page.locator("#api-key-box").is_hidden()

        page.set_input_files("#ref-file", str(REFERENCE_WAV))
        page.wait_for_selector("#ref-checks .usable", timeout=60_000)
        assert "10.8 s" in page.inner_text("#ref-checks")
        page.fill("#voice-name", "rainbow")
        page.fill("#voice-transcript", TRANSCRIPT)
        page.fill("#voice-consent", "test recording from codec2-examples")
        page.click("#save-voice")
        wait_for(page, "document.querySelector('#voice-select').value === 'rainbow'")
        assert "rainbow" in library

        page.fill("#text", "Dinner is ready. Please come to the table before it gets cold.")
        page.fill("#control-speed", "1.1")
        page.fill("#control-seed", "5")
        page.click("[data-name=emotion] .presets button:has-text('happy')")
        page.click("#speak")
        duration = wait_for(page, "(() => { const a = document.querySelector('#output');"
                                  " return a.duration > 0 && a.duration !== Infinity"
                                  " ? a.duration : 0; })()")
        assert 1.5 < duration < 10.0
        audio = page.evaluate("""(async () => {
            const a = document.querySelector('#output');
            await a.play();
            return {bytes: Number(a.dataset.bytes), src: a.src, error: a.error && a.error.code,
                    ready: a.readyState, href: document.querySelector('#download').href};
        })()""")
        assert audio["bytes"] > 20_000 and audio["src"].startswith("blob:")
        assert audio["error"] is None and audio["ready"] >= 1
        assert audio["href"] == audio["src"]
        wait_for(page, "document.querySelector('#output').currentTime > 0", timeout=20)

        with page.expect_download() as download:
            page.click("#download")
        saved = tmp_path / "download.wav"
        download.value.save_as(saved)
        assert saved.stat().st_size == audio["bytes"]
        samples, rate = soundfile.read(str(saved))  # the fixed-up header reads cleanly
        assert abs(len(samples) / rate - duration) < 0.05

        page.evaluate("document.querySelector('#message').hidden = true")
        shot = os.environ.get("TIMBREL_STUDIO_SCREENSHOT")
        page.screenshot(path=str(tmp_path / "studio.png"), full_page=True)
        if shot:
            shutil.copy(tmp_path / "studio.png", shot)
        page.close()
    assert errors == []


def test_studio_records_in_the_browser_and_checks_the_clip(browser, tmp_path):
    """MediaRecorder's webm/opus reaches the server, is decoded and checked."""
    with LiveServer(create_app(VoiceLibrary(tmp_path / "library"))) as live:
        page = browser.new_page()
        page.goto(f"{live.url}/studio/")
        page.wait_for_selector("#controls .control")
        page.click("#record")
        page.wait_for_selector("#record.recording")
        time.sleep(4.0)
        page.click("#record")
        page.wait_for_selector("#ref-checks .usable, #ref-checks .unusable", timeout=60_000)
        report = page.inner_text("#ref-checks")
        assert "not a recognised audio" not in report and "does not decode" not in report
        assert page.evaluate("document.querySelector('#ref-audio').src").startswith("blob:")
        page.close()
