"""The exported interactive package played in a real headless Chromium: every path of the story
clicked through, the default taken when the time runs out, the number keys, the end screen.

The page is opened from ``file://`` without ``--allow-file-access-from-files``, as a viewer
would open the folder, so the test also shows that nothing needs a server. Waits are on the
player's own record (``window.storyLog``), never on the clock.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "media"))
from interactive_projects import branching_project

from studio.app.story import EpisodeStory, episode_story
from studio.core.resources import resources_dir
from studio.core.store import open_project
from studio.core.story_check import default_option, entered
from studio.media.episode_export import ExportOptions
from studio.media.interactive_export import export_interactive
from studio.media.presets import PRESETS

pytestmark = pytest.mark.slow

WAIT = 60  # seconds before a wait gives up: a failure, never a pass
CHOICE_SECONDS = 0.5  # the clicked package: the buttons show over the last half second


class Packages:
    def __init__(self, folder: Path) -> None:
        root = branching_project(folder)
        with open_project(root, read_only=True) as opened:
            project = opened.project
        story = episode_story(project, root, 1)
        assert story is not None
        self.story: EpisodeStory = story
        draft = ExportOptions(preset=PRESETS["draft"], resources=resources_dir())
        # clicked: captions as a track (not burned), a timeout no click can miss
        self.clicked = folder / "clicked"
        export_interactive(root, project, 1, story, self.clicked,
                           ExportOptions(preset=PRESETS["draft"], captions="sidecar",
                                         resources=resources_dir()),
                           choice_seconds=CHOICE_SECONDS, timeout_seconds=WAIT * 10)  # fmt: skip
        # waited: the defaults' choice time, and one second to choose
        self.waited = folder / "waited"
        export_interactive(root, project, 1, story, self.waited, draft, timeout_seconds=1)


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    return Packages(tmp_path_factory.mktemp("player"))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("no Chromium and chromedriver: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # the page's requests
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=540,960",
                 "--autoplay-policy=no-user-gesture-required"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)  # no download
    try:
        yield driver
    finally:
        driver.quit()


def _log(driver) -> list[dict]:
    return driver.execute_script("return window.storyLog || []")


def _until(driver, what: str, test) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
        lambda d: test(d), message=f"waiting for {what}; log: {_log(driver)}"
    )


def _open(driver, package: Path) -> None:
    driver.get(package.joinpath("index.html").as_uri())
    _until(driver, "the start", lambda d: _log(d))


def _option(driver, text: str):
    """The option button showing ``text``, once it is on screen."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def shown(d):
        for button in d.find_elements(By.CSS_SELECTOR, "#options button.option"):
            try:
                if (
                    button.is_displayed()
                    and button.find_element(By.CSS_SELECTOR, ".text").text == text
                ):
                    return button
            except StaleElementReferenceException:  # the segment changed meanwhile
                return False
        return False

    return _until(driver, f"the option {text!r}", shown)


def _ended(driver) -> list[dict]:
    _until(driver, "the end screen", lambda d: any(e["event"] == "end" for e in _log(d)))
    return _log(driver)


def _played(log: list[dict], story: EpisodeStory, path: list[str]) -> None:
    """Each segment of ``path`` started in turn and played to its end."""
    starts = [e["segment"] for e in log if e["event"] == "segment-start"]
    assert starts == path
    ends = [e for e in log if e["event"] == "segment-end"]
    assert [e["segment"] for e in ends] == path
    for end in ends:
        seconds = len(story.graph.segment(end["segment"]).shot_ids)  # one-second shots
        assert end["duration"] == pytest.approx(seconds, abs=0.05)
        assert end["currentTime"] == pytest.approx(end["duration"], abs=0.05)


def _end_screen(driver) -> None:
    from selenium.webdriver.common.by import By

    player = driver.find_element(By.ID, "player")
    assert player.get_attribute("data-state") == "ended"
    assert driver.find_element(By.ID, "end").is_displayed()
    assert driver.find_element(By.ID, "again").text == "Play again"


def test_every_path_plays_to_its_end(browser, packages: Packages) -> None:
    story = packages.story
    assert len(story.paths) == 3
    for path in story.paths:
        _open(browser, packages.clicked)
        for choice in path.choices:
            if choice:  # "" after a divert: nothing to click
                _option(browser, choice).click()
        log = _ended(browser)
        _played(log, story, list(path.segments))
        choices = [e for e in log if e["event"] == "choice"]
        assert [(e["text"], e["how"]) for e in choices] == [(c, "click") for c in path.choices if c]
        for shown in (e for e in log if e["event"] == "choices"):  # the last half second only
            assert shown["currentTime"] >= shown["duration"] - CHOICE_SECONDS - 0.001
        offered = [e["options"] for e in log if e["event"] == "choices"]
        assert offered[-1] == (  # the condition: Trust him only after the deal
            ["Trust him", "Leave"] if "deal" in path.segments else ["Leave"]
        )
        assert [e["ending"] for e in log if e["event"] == "end"] == [path.ending]
        _end_screen(browser)
        browser.execute_script("document.getElementById('again').click()")
        _until(browser, "the restart", lambda d: _log(d)[-1]["event"] == "segment-start")
        assert _log(browser)[-1] == {"event": "segment-start", "segment": "start",
                                     "variables": {}}  # fmt: skip


def test_the_default_is_taken_when_the_time_runs_out(browser, packages: Packages) -> None:
    story = packages.story
    _open(browser, packages.waited)
    log = _ended(browser)
    choices = [e for e in log if e["event"] == "choice"]
    assert [e["how"] for e in choices] == ["timeout", "timeout"]
    variables: dict[str, int] = {}
    for event in choices:
        segment = story.graph.segment(event["segment"])
        variables = entered(segment, variables)
        expected = default_option(segment, variables)
        assert expected is not None and event["text"] == expected.text
    _played(log, story, ["start", "walk", "bridge", "after", "leave"])  # #bridge: no shots
    _end_screen(browser)


def test_number_keys_choose(browser, packages: Packages) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, packages.clicked)
    for text in ("Take the deal", "Trust him"):  # each the first option: key 1
        _option(browser, text)
        ActionChains(browser).send_keys("1").perform()
        _until(browser, f"{text!r} chosen", lambda d, t=text: any(
            e["event"] == "choice" and e["text"] == t for e in _log(d)))  # fmt: skip
    log = _ended(browser)
    assert [e["how"] for e in log if e["event"] == "choice"] == ["key", "key"]
    _played(log, packages.story, ["start", "deal", "after", "trust"])


def _requests(driver, seen: list[str]) -> list[str]:
    """``seen`` with the URLs the page asked for since the last call (DevTools' log)."""
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            seen.append(message["params"]["request"]["url"])
    return seen


def test_captions_preloading_and_no_network(browser, packages: Packages) -> None:
    from selenium.webdriver.common.by import By

    seen = _requests(browser, [])
    seen.clear()
    _open(browser, packages.clicked)
    script = """
        const video = document.querySelector('video[data-segment="start"]');
        const track = video && video.textTracks[0];
        return track && track.cues && track.cues.length
            ? [track.mode, track.cues[0].text] : null;
    """
    mode, text = _until(browser, "the captions", lambda d: d.execute_script(script))
    assert (mode, text) == ("showing", "Sign it.")
    wanted = {"deal.mp4", "walk.mp4"}  # where #start's choice leads: loading while it plays
    _until(browser, "the next segments preloading",
           lambda d: wanted <= {url.rsplit("/", 1)[-1] for url in _requests(d, seen)})  # fmt: skip
    assert all(url.startswith(("file:", "blob:")) for url in seen), seen
    browser.find_element(By.ID, "sound").click()  # tap for sound
    assert (
        browser.execute_script(
            "return Array.from(document.querySelectorAll('video')).map(v => v.muted)"
        )
        == [False] * 3
    )  # the one playing and the two preloading
    assert not browser.find_element(By.ID, "sound").is_displayed()
    _open(browser, packages.waited)  # captions burned: the track is there, not shown
    burned = _until(browser, "the start video", lambda d: d.execute_script(
        "const v = document.querySelector('video[data-segment=\"start\"]');"
        "return v && v.textTracks.length ? v.textTracks[0].mode : null"))  # fmt: skip
    assert burned == "disabled"
