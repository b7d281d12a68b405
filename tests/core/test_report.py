"""The Snakemake report of the small preset, opened in headless Chromium.

The report is a single-page app: figures are reached by clicking through the
menu (Results -> category -> figure subcategory -> the entry's view button). The
test drives Chromium through chromedriver with a small WebDriver client (plain
HTTP via urllib), clicks that path for every figure, and checks that the image
decoded (``naturalWidth > 0``) and that its screenshot is not blank. Both forms
are checked: the self-contained ``.html`` and the ``.zip`` (files beside it).

Needs the Debian packages chromium and chromium-driver (``make system-deps``).
Screenshots are kept in the test's temporary directory, or in
``$DIFFGEN_REPORT_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import GRAMMAR_FIGURES as FIGURES
from conftest import ROOT
from PIL import Image, ImageStat
from tiny import CONFIGS, snakemake

from diffgen import __version__
from diffgen.core.config import load_schema, merge, validate

pytestmark = pytest.mark.slow

CATEGORY = "Study 1 – biased generalization"

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--allow-file-access-from-files",
    "--window-size=1400,1000",
)
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # W3C WebDriver element reference key


# -- a minimal W3C WebDriver client -------------------------------------------


class Browser:
    """Headless Chromium behind chromedriver, spoken to over HTTP."""

    def __init__(self, profile: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.driver = subprocess.Popen(
            [CHROMEDRIVER, f"--port={port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.session = None
        self._wait(lambda: self._request("GET", "/status")["ready"], "chromedriver")
        options = {"binary": CHROMIUM, "args": [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]}
        capabilities = {"browserName": "chrome", "goog:chromeOptions": options}
        reply = self._request("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self.session = reply["sessionId"]

    def _request(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as err:
            raise AssertionError(f"WebDriver {method} {path}: {err.read()[:2000]!r}") from None

    def _call(self, method: str, path: str, body: dict | None = None):
        return self._request(method, f"/session/{self.session}{path}", body)

    @staticmethod
    def _wait(condition, what: str, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = condition()
                if value:
                    return value
            except (OSError, AssertionError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.2)

    def open(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def script(self, source: str, *args):
        return self._call("POST", "/execute/sync", {"script": source, "args": list(args)})

    def wait_for(self, source: str, *args, what: str, timeout: float = 60.0):
        """Poll a script until it returns something truthy."""
        return self._wait(lambda: self.script(source, *args), what, timeout)

    def click(self, element: dict) -> None:
        self._call("POST", f"/element/{element[ELEMENT]}/click", {})

    def screenshot(self) -> Image.Image:
        return Image.open(io.BytesIO(base64.b64decode(self._call("GET", "/screenshot"))))

    def close(self) -> None:
        try:
            if self.session:
                self._call("DELETE", "")
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=30)


# -- scripts run in the report page -------------------------------------------

#: The clickable menu link (an <a>) whose label is exactly arguments[0], or null.
MENU_LINK = """
for (const a of document.querySelectorAll('a')) {
    if (a.textContent.trim() === arguments[0] && a.offsetParent !== null) return a;
}
return null;
"""
#: The view (eye) button of the results-table row whose first cell is arguments[0].
VIEW_BUTTON = """
for (const row of document.querySelectorAll('tbody tr')) {
    const cells = row.querySelectorAll('td');
    if (cells.length && cells[0].textContent.trim() === arguments[0]) {
        return cells[cells.length - 1].querySelector('a');
    }
}
return null;
"""
#: The displayed image showing result arguments[0], once decoded.
SHOWN_IMAGE = """
const uri = results[arguments[0]].data_uri;
for (const img of document.querySelectorAll('img')) {
    if ((img.getAttribute('src') === uri || img.src === uri) && img.complete
        && img.naturalWidth > 0) {
        const box = img.getBoundingClientRect();
        return {naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
                x: box.x, y: box.y, width: box.width, height: box.height};
    }
}
return null;
"""
#: Report entries: path -> {figure label, mime type} of every result.
ENTRIES = """
const out = {};
for (const [path, r] of Object.entries(results)) {
    out[path] = {labels: r.labels, mime: r.mime_type, category: null, subcategory: null};
}
for (const [cat, subcats] of Object.entries(categories)) {
    for (const [sub, paths] of Object.entries(subcats)) {
        for (const p of paths) { out[p].category = cat; out[p].subcategory = sub; }
    }
}
return out;
"""


# -- fixtures -----------------------------------------------------------------


def tiny_config(workdir: Path) -> dict:
    """The tiny workflow's configuration (its config files merged, shared keys checked)."""
    merged = {}
    for name in CONFIGS:
        merged = merge(merged, yaml.safe_load((workdir / name).read_text()))
    validate(merged, load_schema(ROOT / "workflow" / "schemas" / "config.schema.yaml"))
    return merged


def make_report(workdir: Path, path: Path) -> Path:
    result = snakemake(workdir, *FIGURES, "--report", str(path), timeout=900)
    assert result.returncode == 0, result.stderr[-6000:]
    assert path.stat().st_size > 0
    return path


@pytest.fixture(scope="module")
def report_dir(tiny_workflow, tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def html_report(tiny_workflow, report_dir) -> Path:
    return make_report(tiny_workflow, report_dir / "report.html")


@pytest.fixture(scope="module")
def zip_report(tiny_workflow, report_dir) -> Path:
    """The .zip report, unpacked: returns its report.html (data files beside it)."""
    archive = make_report(tiny_workflow, report_dir / "report.zip")
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        assert "report/report.html" in names, names
        for figure in FIGURES:
            assert any(n.endswith(f"/{figure}.png") for n in names), (figure, names)
        bundle.extractall(report_dir / "unzipped")
    return report_dir / "unzipped" / "report" / "report.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("needs chromium and chromedriver (make system-deps)")
    session = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield session
    session.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    target = os.environ.get("DIFFGEN_REPORT_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path_factory.mktemp("screenshots")


# -- checks -------------------------------------------------------------------


def load(browser: Browser, report: Path) -> None:
    browser.open(report.resolve().as_uri())
    browser.wait_for(
        "return typeof app !== 'undefined' && typeof results !== 'undefined'"
        " && document.querySelectorAll('a').length > 0",
        what="the report app",
    )


def assert_not_blank(image: Image.Image, what: str) -> None:
    """Not a flat colour: real content has contrast and more than a few colours."""
    grey = image.convert("L")
    assert ImageStat.Stat(grey).stddev[0] > 10, f"{what} looks blank"
    assert len(grey.getcolors()) > 16, f"{what}: too few grey levels"


def view_button(browser: Browser, report: Path, entry: dict) -> dict:
    """Click Results -> category -> subcategory; the view button of the entry's row."""
    load(browser, report)
    start = browser.script(MENU_LINK, entry["category"]) or browser.script(MENU_LINK, "Results")
    assert start, "no Results menu item"
    browser.click(start)
    if browser.script("return Object.keys(categories[arguments[0]]).length", entry["category"]) > 1:
        sub = browser.wait_for(MENU_LINK, entry["subcategory"], what=entry["subcategory"])
        browser.click(sub)
    first_label = next(iter(entry["labels"].values()))
    return browser.wait_for(VIEW_BUTTON, first_label, what=f"the row of {first_label}")


def show_result(browser: Browser, report: Path, path: str, entry: dict) -> dict:
    """Navigate to an image entry and click its view button; the shown image's box."""
    browser.click(view_button(browser, report, entry))
    return browser.wait_for(SHOWN_IMAGE, path, what=f"the image of {path}", timeout=30)


def check_report(
    browser: Browser, report: Path, screenshots: Path, name: str, workdir: Path
) -> None:
    config = tiny_config(workdir)
    load(browser, report)
    # The front page names the configuration.
    text = browser.script("return document.body.innerText")
    assert f"results under {config['results']}" in text
    # One block per study the configuration runs, each figure with its targets.
    assert "Study 1" in text and "Study 5" in text
    for target in FIGURES:
        assert target in text, target
    # ... and its settings, from the configuration in use.
    assert f"n_samples={config['biased']['figures']['fig4a']['n_samples']}" in text
    assert f"run with diffgen {__version__}" in text
    front = browser.screenshot()
    front.save(screenshots / f"{name}-front.png")
    assert_not_blank(front, "front page")

    entries = browser.script(ENTRIES)
    pngs = {p: e for p, e in entries.items() if e["mime"] == "image/png"}
    shown = {e["labels"].get("figure") for e in pngs.values()}
    assert shown == set(FIGURES), shown
    assert {e["category"] for e in pngs.values()} == {CATEGORY}
    for path, entry in sorted(pngs.items()):
        figure = entry["labels"]["figure"]
        box = show_result(browser, report, path, entry)
        assert box["naturalWidth"] > 300 and box["naturalHeight"] > 150, (figure, box)
        assert box["width"] > 100 and box["height"] > 50, (figure, box)
        shot = browser.screenshot()
        shot.save(screenshots / f"{name}-{figure}.png")
        scale = shot.width / browser.script("return window.innerWidth")
        crop = shot.crop(
            (
                int(box["x"] * scale),
                int(box["y"] * scale),
                int(min(box["x"] + box["width"], shot.width / scale) * scale),
                int(min(box["y"] + box["height"], shot.height / scale) * scale),
            )
        )
        assert_not_blank(crop, f"{figure} in the report")
    # Tables (if registered with report()) are offered for download.
    for path, entry in sorted(entries.items()):
        if entry["mime"] == "text/csv":
            button = view_button(browser, report, entry)
            link = browser.script(
                "return [arguments[0].getAttribute('href'), arguments[0].getAttribute('download')]",
                button,
            )
            assert link[1] == Path(path).name, (path, link)
            assert link[0].startswith("data:text/csv") or (report.parent / link[0]).is_file()


def test_html_report_has_no_docutils_system_message(html_report):
    """Every caption and the front page render clean: no error box in the report."""
    assert "system-message" not in html_report.read_text()


def test_html_report_shows_every_figure(browser, html_report, screenshots, tiny_workflow):
    check_report(browser, html_report, screenshots, "html", tiny_workflow)


def test_zip_report_shows_every_figure(browser, zip_report, screenshots, tiny_workflow):
    check_report(browser, zip_report, screenshots, "zip", tiny_workflow)
