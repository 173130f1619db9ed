"""``studio voice --language`` and ``studio lipsync --language`` end to end on a real project:
espeak-ng dubs the Spanish line through the worker, the animatic is re-mouthed to it, and the
Spanish export is heard and seen dubbed, while the source's clips, takes and approval stay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from studio.app.language_view import language_view
from studio.core.store import open_project
from studio.core.translations import LineState, TranslatedLine, add_languages, find_language
from studio.media.audio import read_audio
from studio.media.export_plan import plan_episode
from studio.media.ffmpeg import read_frames

pytestmark = pytest.mark.slow

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

ETHAN
Then deliver it, and go.
"""
SPANISH = "Pues entréguela y váyase."


def studio(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)], capture_output=True, text=True,
        timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip


def source_state(root: Path) -> str:
    """The source language's shots as stored: dialogue clips, takes, duration."""
    with open_project(root, read_only=True) as folder:
        shots = [s.to_json() for s in folder.project.shots()]
    return json.dumps([[s["voice"], s["takes"], s["duration_frames"]] for s in shots])


@pytest.fixture(scope="module")
def dubbed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[dict]]:
    tmp = tmp_path_factory.mktemp("dub")
    (tmp / "glass.fountain").write_text(SCRIPT, encoding="utf-8")
    assert studio("new", tmp / "Glass", "--script", tmp / "glass.fountain").returncode == 0
    root = tmp / "Glass.mdstudio"
    for step in (("generate", "--size", "288x512"), ("voice",)):
        done = studio(step[0], root, *step[1:])
        assert done.returncode == 0, done.stderr
    with open_project(root) as folder:
        (shot,) = folder.project.shots()
        shot.approve(shot.takes[0].id)
        add_languages(folder.project, ["es", "fr"])
        for tag, text, state in (
            ("es", SPANISH, LineState.APPROVED),
            ("fr", "Alors livre-le, et va-t'en.", LineState.MACHINE),
        ):
            line = TranslatedLine(shot.id, 0, text, state, shot.dialogue[0].text)
            find_language(folder.project, tag).lines[line.key] = line  # fmt: skip
        folder.save()
    before = source_state(root)
    done = studio("voice", root, "--language", "es", "--json")
    assert done.returncode == 0, done.stderr
    return root, before, json.loads(done.stdout)


def test_the_translation_is_dubbed_in_spanish_and_the_source_is_untouched(dubbed) -> None:
    root, before, lines = dubbed
    (entry,) = lines
    assert (entry["language"], entry["text"], entry["character"]) == ("es", SPANISH, "ETHAN")
    assert entry["path"].startswith(f"audio/es/{entry['shot']}/line1-")
    with wave.open(str(root / entry["path"])) as w:
        assert (w.getframerate(), w.getnframes()) == (48000, entry["samples"])
    assert [w[2] for w in entry["words"]] == ["Pues", "entréguela", "y", "váyase"]
    with open_project(root, read_only=True) as folder:
        (shot,) = folder.project.shots()
        dub = find_language(folder.project, "es").lines[(shot.id, 0)].voice
    source = shot.voice[0]
    assert dub is not None and dub.media == entry["path"] and dub.start == source.start
    assert (dub.request.variant, dub.request.language) == ("es", "es")
    variant = source.request.voice.partition("+")[2]  # the character's own espeak variant
    assert dub.request.voice == f"es+{variant}"
    assert source_state(root) == before  # clips, takes and duration as they were
    stored = json.loads((root / "project.json").read_text(encoding="utf-8"))
    assert "variant" not in json.dumps(stored["project"]["episodes"])  # source requests as before


def test_unchanged_dubs_stay_and_a_changed_translation_is_dubbed_again(dubbed) -> None:
    root, before, lines = dubbed
    again = studio("voice", root, "--language", "es", "--json")
    assert again.returncode == 0 and json.loads(again.stdout) == []
    # French is a machine translation: --approved-only leaves it
    machine = studio("voice", root, "--language", "fr", "--approved-only", "--json")
    assert machine.returncode == 0 and json.loads(machine.stdout) == []
    with open_project(root) as folder:
        language = find_language(folder.project, "es")
        (line,) = language.lines.values()
        line.text = "Pues entrégalo y vete."  # edited after it was dubbed
        folder.save()
    stale = studio("voice", root, "--language", "es", "--json")
    assert stale.returncode == 0, stale.stderr
    (entry,) = json.loads(stale.stdout)
    assert entry["text"] == "Pues entrégalo y vete." and entry["path"] != lines[0]["path"]
    assert [w[2] for w in entry["words"]] == ["Pues", "entrégalo", "y", "vete"]
    assert source_state(root) == before


def test_a_tag_that_is_not_a_target_says_so_in_one_line(dubbed) -> None:
    root, before, _ = dubbed
    for command in (("voice", root, "--language", "it"),
                    ("lipsync", root, "--episode", "1", "--language", "it")):  # fmt: skip
        done = studio(*command)
        assert done.returncode == 1
        assert done.stderr == (
            "studio: error: it is not a target language of this project (targets: es, fr)\n"
        )
    misused = studio("voice", root, "--approved-only")
    assert misused.stderr == "studio: error: --approved-only goes with --language\n"
    approve = studio("lipsync", root, "--episode", "1", "--language", "es", "--approve")
    assert approve.returncode == 1 and approve.stderr.startswith(
        "studio: error: --approve is for the source language"
    )
    assert source_state(root) == before


def test_the_spanish_export_shows_the_lip_synced_take_and_plays_the_dub(dubbed) -> None:
    root, before, _ = dubbed
    done = studio("lipsync", root, "--episode", "1", "--language", "es", "--json")
    assert done.returncode == 0, done.stderr
    (made,) = json.loads(done.stdout)
    with open_project(root, read_only=True) as folder:
        project = folder.project
    (shot,) = project.shots()
    line = find_language(project, "es").lines[(shot.id, 0)]
    take = shot.take(made["id"])
    assert (made["language"], made["approved"], line.take) == ("es", False, take.id)
    assert take.source_take == shot.approved_take != take.id  # approval stays the source's
    assert take.request.variant == "es" and take.request.lines[0].media == line.voice.media
    assert json.loads(source_state(root))[0][0] == json.loads(before)[0][0]  # clips as they were

    export = studio("export", root, "--episode", "1", "--language", "es", "--preset", "draft",
                    "--json")  # fmt: skip
    assert export.returncode == 0, export.stderr
    video = Path(json.loads(export.stdout)[0]["files"]["video"])
    assert video.name == "Glass-ep01-draft-es.mp4"
    plan = plan_episode(root, language_view(project, "es").project, 1)
    (cut,) = plan.cuts
    assert cut.take_id == take.id
    # Heard: the Spanish dub where the line starts, not the English voice.
    (heard,) = plan.lines
    mix = read_audio(video, channels=1)[:, 0]
    assert heard.media == root / line.voice.media
    assert _likeness(mix, root / line.voice.media, heard.start) > 0.8
    assert _likeness(mix, root / shot.voice[0].media, heard.start) < 0.4
    # Seen: where the lip-sync redrew the mouth, the export has the lip-synced pixels.
    synced = list(read_frames(root / take.media))
    source = list(read_frames(root / shot.take(take.source_take).media))
    exported = list(read_frames(video))[cut.start : cut.start + cut.frames]
    near_sync, near_source = [], []
    for s, o, e in zip(synced, source, exported, strict=False):  # the source may run longer
        s, o = _resized(s, e.shape).astype(int), _resized(o, e.shape).astype(int)
        changed = np.abs(s - o).max(axis=2) > 60
        if changed.sum() > 20:
            near_sync.append(np.abs(e - s)[changed].mean())
            near_source.append(np.abs(e - o)[changed].mean())
    assert len(near_sync) > 5
    assert np.mean(near_sync) < 0.5 * np.mean(near_source)


def _resized(frame: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A take's frame at the export's size (nearest pixel: both are 9:16)."""
    h, w = frame.shape[:2]
    rows = np.arange(shape[0]) * h // shape[0]
    cols = np.arange(shape[1]) * w // shape[1]
    return frame[rows][:, cols]


def _likeness(mix: np.ndarray, clip: Path, at: int) -> float:
    """How much of ``clip`` is heard in ``mix`` from sample ``at`` (best normalized correlation
    within 20 ms either side)."""
    voice = read_audio(clip, channels=1)[:, 0]
    best = 0.0
    for lag in range(-960, 961, 48):
        part = mix[max(at + lag, 0) : at + lag + len(voice)]
        a, b = part - part.mean(), voice[: len(part)] - voice[: len(part)].mean()
        best = max(best, float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9)))
    return best
