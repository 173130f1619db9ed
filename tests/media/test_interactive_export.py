"""``studio export --interactive``: a branching episode as a package of segments and a player,
its MP4s read back with PyAV, its captions with webvtt-py, its graph against the story's."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import av
import pytest
import webvtt
from export_projects import studio
from interactive_projects import FRAMES, branching_project, edit_script

from studio.app.story import EpisodeStory, episode_story
from studio.core.model import Project
from studio.core.resources import resources_dir
from studio.core.store import open_project
from studio.media.episode_export import ExportEvent, ExportOptions, export_episode
from studio.media.export_plan import ExportError
from studio.media.ffmpeg import MediaError
from studio.media.interactive_export import StoryErrors, export_interactive
from studio.media.presets import PRESETS

pytestmark = pytest.mark.slow

DRAFT = ExportOptions(preset=PRESETS["draft"], resources=resources_dir())
CACHE = ("exports", ".cache", "episode-1-draft-interactive")


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _read(root: Path) -> tuple[Project, EpisodeStory]:
    with open_project(root, read_only=True) as folder:
        project = folder.project
    story = episode_story(project, root, 1)
    assert story is not None
    return project, story


class Exported:
    """The package exported once for the module, and what it was made from."""

    def __init__(self, root: Path, out: Path, before: set[str]) -> None:
        self.root, self.out, self.before = root, out, before
        self.project, self.story = _read(root)
        self.events: list[ExportEvent] = []
        self.result = export_interactive(root, self.project, 1, self.story, out, DRAFT,
                                         on_event=self.events.append)  # fmt: skip


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return branching_project(tmp_path_factory.mktemp("interactive"))


@pytest.fixture(scope="module")
def exported(made: Path, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The package of episode 1 (draft preset)."""
    return Exported(made, tmp_path_factory.mktemp("package") / "deal", _files(made))


@pytest.fixture
def root(made: Path, tmp_path: Path) -> Path:
    """A fresh copy of the project, for tests that change it."""
    return Path(shutil.copytree(made, tmp_path / made.name))


def test_the_package_holds_the_player_and_a_video_per_segment(exported: Exported) -> None:
    labels = exported.story.graph.labels()
    assert labels == ["start", "deal", "walk", "bridge", "after", "trust", "leave"]
    expected = {"index.html", "graph.json", "player.js", "player.css"}
    expected |= {f"segments/{label}.mp4" for label in labels if label != "bridge"}  # no shots
    expected |= {"segments/start.vtt", "segments/after.vtt"}  # the segments with dialogue
    assert _files(exported.out) == expected
    assert set(exported.result.files) == expected
    assert exported.result.segments == [label for label in labels if label != "bridge"]
    assert (exported.result.shots_encoded, exported.result.shots_reused) == (7, 0)
    for name in ("player.js", "player.css"):
        shipped = (resources_dir() / "interactive" / name).read_bytes()
        assert (exported.out / name).read_bytes() == shipped
    assert any("not approved" in w for w in exported.result.warnings)
    assert any(w.startswith("story: line ") and "#bridge has no shots" in w
               for w in exported.result.warnings)  # fmt: skip


def test_nothing_is_written_outside_the_package_but_the_cache(exported: Exported) -> None:
    assert [p.name for p in exported.out.parent.iterdir()] == ["deal"]  # no temporary folders
    added = _files(exported.root) - exported.before
    cache = "/".join(CACHE) + "/"
    assert added and all(name.startswith(cache) for name in added), added


class _Scripts(HTMLParser):
    """The text of each ``<script id=…>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self._id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._id = dict(attrs).get("id")

    def handle_data(self, data: str) -> None:
        if self._id:
            self.texts[self._id] = self.texts.get(self._id, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._id = None


def test_graph_json_is_the_story_with_its_files_and_timing(exported: Exported) -> None:
    graph = json.loads((exported.out / "graph.json").read_text(encoding="utf-8"))
    story = exported.story.to_json()
    for key, value in story.items():
        if key != "segments":
            assert graph[key] == value, key
    assert graph["paths"] == [p.to_json() for p in exported.story.paths]
    assert len(graph["paths"]) == 3
    assert (graph["choice_seconds"], graph["timeout_seconds"]) == (5, 10)
    assert graph["format"] == "micro-drama-studio/interactive" and graph["fps"] == "30/1"
    assert graph["captions_burned"] is True  # the draft preset burns them (and ships WebVTT)
    for segment, written in zip(story["segments"], graph["segments"], strict=True):
        label = segment["label"]
        assert {k: written[k] for k in segment} == segment
        assert written["video"] == (None if label == "bridge" else f"segments/{label}.mp4")
        assert written["captions"] == (
            f"segments/{label}.vtt" if label in ("start", "after") else None
        )
        frames = len(exported.story.graph.segment(label).shot_ids) * FRAMES
        assert written["seconds"] == pytest.approx(frames / 30)
    page = _Scripts()
    page.feed((exported.out / "index.html").read_text(encoding="utf-8"))
    assert json.loads(page.texts["story"]) == graph  # inline, for file://
    inline = json.loads(page.texts["captions"])
    assert set(inline) == {"start", "after"}
    assert inline["after"] == (exported.out / "segments/after.vtt").read_text(encoding="utf-8")


def test_each_segment_reads_back_with_its_frames_sound_and_label(exported: Exported) -> None:
    for segment in exported.story.graph.segments:
        if not segment.shot_ids:
            continue
        video = exported.out / "segments" / f"{segment.label}.mp4"
        with av.open(str(video)) as container:
            v, a = container.streams.video[0], container.streams.audio[0]
            assert (v.codec_context.name, v.width, v.height) == ("h264", 540, 960)
            assert (a.codec_context.name, a.rate) == ("aac", 48000)
            assert json.loads(container.metadata["AIGC"])["Label"] == "1"
            decoded = sum(1 for _ in container.decode(video=0))
        assert decoded == len(segment.shot_ids) * FRAMES, segment.label


def test_captions_per_segment_are_timed_from_its_start(exported: Exported) -> None:
    start = webvtt.read(str(exported.out / "segments/start.vtt"))
    after = webvtt.read(str(exported.out / "segments/after.vtt"))
    assert [c.text for c in start] == ["Sign it."]
    assert start[0].start_in_seconds >= 1  # the second shot of #start
    assert [c.text for c in after] == ["You will regret this."]
    assert after[0].start_in_seconds < 1  # #after's only shot, from the segment's start


def test_progress_goes_forward_to_done(exported: Exported) -> None:
    stages = [e.stage for e in exported.events]
    assert stages[0] == "plan" and stages[-1] == "done"
    assert stages.index("package") > max(i for i, s in enumerate(stages) if s == "video")
    video = [e.done for e in exported.events if e.stage == "video"]
    assert video == sorted(video) and video[-1] == exported.events[2].total == 7 * FRAMES
    assert any(e.message.startswith("#after") for e in exported.events)


def test_re_export_reuses_the_cache_and_replaces_the_package(exported: Exported) -> None:
    project, story = exported.project, exported.story
    stale = exported.out / "segments" / "gone.mp4"  # as from an older version of the story
    stale.write_bytes(b"old")
    cache = exported.root.joinpath(*CACHE)
    (cache / "0123abcd.mp4").write_bytes(b"a segment no shot uses any more")
    linear = export_episode(exported.root, project, 1, exported.root / "ep1.mp4", DRAFT)
    assert linear.segments_encoded == 7  # its own cache: it prunes nothing of the package's
    again = export_interactive(exported.root, project, 1, story, exported.out, DRAFT,
                               choice_seconds=2, timeout_seconds=4)  # fmt: skip
    assert (again.shots_encoded, again.shots_reused) == (0, 7)
    assert not stale.exists() and set(again.files) == set(exported.result.files)
    graph = json.loads((exported.out / "graph.json").read_text(encoding="utf-8"))
    assert (graph["choice_seconds"], graph["timeout_seconds"]) == (2, 4)
    names = [p.name for p in cache.iterdir()]  # pruned once, for all the segments together
    assert len([n for n in names if n.endswith(".mp4")]) == 7 and "0123abcd.mp4" not in names
    assert all(n.endswith((".mp4", ".m4a")) for n in names)
    (exported.root / "ep1.mp4").unlink()


def test_a_folder_that_is_not_a_package_is_refused(exported: Exported, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty and is not an interactive package"):
        export_interactive(exported.root, exported.project, 1, exported.story, busy, DRAFT)
    assert _files(busy) == {"notes.txt"}
    beside = exported.out / "segments" / "notes.txt"  # a package with a file of the user's
    beside.write_text("mine")
    with pytest.raises(ExportError, match="not empty"):
        export_interactive(exported.root, exported.project, 1, exported.story, exported.out,
                           DRAFT)  # fmt: skip
    beside.unlink()


def test_an_episode_with_story_errors_is_refused(root: Path, tmp_path: Path) -> None:
    path = root / "script" / "script.fountain"
    script = path.read_text(encoding="utf-8").replace("-> #walk (default)", "-> #wlak")
    with open_project(root, read_only=True) as folder:
        project = folder.project
    story = episode_story(project, root, 1, script=script)
    assert story is not None and story.errors
    out = tmp_path / "package"
    with pytest.raises(StoryErrors) as raised:
        export_interactive(root, project, 1, story, out, DRAFT)
    assert [p.kind for p in raised.value.problems] == ["broken-link"]
    assert "#wlak" in str(raised.value) and f"line {story.errors[0].line}" in str(raised.value)
    assert not out.exists() and list(tmp_path.iterdir()) == [root]


def test_a_linear_episode_is_refused(exported: Exported, tmp_path: Path) -> None:
    assert episode_story(exported.project, exported.root, 2) is None
    with pytest.raises(ExportError, match="episode 2 does not branch"):
        export_interactive(exported.root, exported.project, 2, None, tmp_path / "p", DRAFT)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_segment_leaves_no_package_and_no_temporary_folder(
    root: Path, tmp_path: Path
) -> None:
    project, story = _read(root)
    last = project.find_shot(story.graph.segment("leave").shot_ids[0])
    take = root / next(t for t in last.takes if t.media).media
    take.write_bytes(b"not a video")  # the last segment's take: the others encode first
    out = tmp_path / "packages" / "deal"
    with pytest.raises((ExportError, MediaError)):
        export_interactive(root, project, 1, story, out, DRAFT)
    assert list(out.parent.iterdir()) == []


def test_the_command_writes_the_package_and_refuses_what_it_cannot_do(
    root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "deal"
    done = studio("export", root, "--episode", "1", "--preset", "draft", "--interactive", out,
                  "--choice-seconds", "3", "--choice-timeout", "6", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["package"] == str(out) and printed["segments"][0] == "start"
    assert set(printed["files"]) == _files(out) and "not approved" in done.stderr
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert (graph["choice_seconds"], graph["timeout_seconds"]) == (3, 6)
    for wrong, message in (
        (["--episode", "1", "--interactive", out, "--out", tmp_path / "x.mp4"], "--out"),
        (["--all-episodes", "--interactive", out], "--all-episodes"),
        (["--episode", "1", "--interactive", out, "--otio"], "--otio"),
        (["--episode", "1", "--choice-timeout", "3"], "goes with --interactive"),
        (["--episode", "2", "--interactive", tmp_path / "two"], "does not branch"),
        (["--episode", "1", "--interactive", out, "--choice-timeout", "0"], "more than 0"),
    ):
        refused = studio("export", root, *wrong)
        assert refused.returncode == 1 and message in refused.stderr, (wrong, refused.stderr)
    edit_script(root, "Walk away -> #walk (default)", "Walk away -> #wlak (default)")
    refused = studio("export", root, "--episode", "1", "--interactive", tmp_path / "broken")
    assert refused.returncode == 1
    assert "#wlak" in refused.stderr and "fix the story's errors" in refused.stderr
    assert not (tmp_path / "broken").exists() and not (tmp_path / "two").exists()
