"""``studio export --language`` on a real voiced project translated into Spanish (one line dubbed
by espeak-ng) and Indonesian (partly): the MP4 read back with PyAV and ffmpeg, its captions with
the srt parser, the sound compared with the clips it should hold."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from export_projects import studio, voiced_project
from language_projects import SPANISH, translate

from studio.app.dub_fit import line_slots
from studio.app.language_export import export_language, language_output
from studio.app.language_view import language_view
from studio.cli import main
from studio.core.store import open_project
from studio.core.translations import LineState, TranslatedLine, add_languages, find_language
from studio.core.voicing import SAMPLE_RATE, VoiceClip
from studio.media.audio import read_audio, resample, write_wav
from studio.media.export_plan import ExportError, plan_episode
from studio.media.presets import PRESETS
from studio.voice.espeak import synthesize

pytestmark = pytest.mark.slow
DUBBED = "Then deliver it, and go."


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = voiced_project(tmp_path_factory.mktemp("l10n"))
    translate(root, "es", SPANISH, dub={DUBBED})
    translate(root, "id", {"I'm just here for a delivery. Sign, please.": "Aku cuma mengantar "
                           "paket. Tanda tangan, ya."})  # fmt: skip
    return root


def _streams(path: Path) -> tuple[dict[str, str], str]:
    """The audio stream's language tag per codec type, and the file's comment."""
    with av.open(str(path)) as container:
        tags = {s.type: s.metadata.get("language", "") for s in container.streams}
        return tags, container.metadata.get("comment", "")


def _likeness(mix: np.ndarray, clip: Path, at: int) -> float:
    """How much of ``clip`` is heard in ``mix`` from sample ``at`` (best normalized correlation
    within 20 ms either side, 1.0 = the same waveform at some gain)."""
    voice = read_audio(clip, channels=1)[:, 0]
    best = 0.0
    for lag in range(-960, 961, 48):
        part = mix[at + lag : at + lag + len(voice)]
        a, b = part - part.mean(), voice[: len(part)] - voice[: len(part)].mean()
        best = max(best, float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9)))
    return best


def test_spanish_export_has_its_captions_dub_tag_and_label(root: Path) -> None:
    before = (root / "project.json").read_bytes()
    done = studio("export", root, "--episode", "1", "--language", "es", "--preset", "draft",
                  "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 lines not dubbed in es: subtitled only" in done.stderr
    (record,) = json.loads(done.stdout)
    files = {kind: Path(path) for kind, path in record["files"].items()}
    assert record["language"] == "es"
    assert files["video"].name == "Glass-ep01-draft-es.mp4"  # beside Glass-ep01-draft.mp4
    assert (files["srt"].name, files["vtt"].name) == ("Glass-ep01-draft-es.srt",
                                                      "Glass-ep01-draft-es.vtt")  # fmt: skip
    tags, comment = _streams(files["video"])
    assert tags["audio"] == "spa" and comment.startswith("Generado con IA:")
    subs = list(srt.parse(files["srt"].read_text(encoding="utf-8")))
    shown = " ".join(s.content.replace("\n", " ") for s in subs)
    assert shown == " ".join(SPANISH[line] for line in list(SPANISH)[:2])
    assert "webvtt" in files["vtt"].read_text(encoding="utf-8").lower()
    # the dubbed line is heard in Spanish, the other one in the source voice
    with open_project(root, read_only=True) as folder:
        project = folder.project
    plan = plan_episode(root, language_view(project, "es").project, 1)
    mix = read_audio(files["video"], channels=1)[:, 0]
    heard = {line.text: line for line in plan.lines}
    spanish, english = (
        heard[SPANISH[DUBBED]],
        next(v for k, v in heard.items() if k != SPANISH[DUBBED]),
    )
    source = {line.text: line for line in plan_episode(root, project, 1).lines}[DUBBED]
    assert spanish.media.name.startswith("es-") and english.media.name.startswith("line")
    assert _likeness(mix, spanish.media, spanish.start) > 0.8
    assert _likeness(mix, source.media, spanish.start) < 0.4
    assert _likeness(mix, english.media, english.start) > 0.8
    assert (root / "project.json").read_bytes() == before  # the source is as it was
    assert language_output(root, project, 1, PRESETS["shorts"], "pt-BR").name == (
        "Glass-ep01-pt-BR.mp4"
    )  # fmt: skip


def test_lines_not_translated_are_refused_or_exported_in_the_source(root: Path) -> None:
    done = studio("export", root, "--episode", "1", "--language", "id", "--preset", "draft")
    assert done.returncode != 0
    assert "1 line of episode 1 not translated into id yet (sh-" in done.stderr
    assert "(--allow-untranslated)" in done.stderr
    assert not list((root / "exports").glob("*-id.*"))  # nothing written
    done = studio("export", root, "--episode", "2", "--all-languages", "--allow-untranslated",
                  "--preset", "draft", "--no-cover", "--interchange", root.parent / "cut.otio",
                  "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [Path(r["files"]["otio"]).name for r in records] == [
        "cut.otio", "cut-es.otio", "cut-id.otio"
    ]  # fmt: skip
    assert [r["language"] for r in records] == ["", "es", "id"]
    names = [Path(r["files"]["video"]).name for r in records]
    assert names == ["Glass-ep02-draft.mp4", "Glass-ep02-draft-es.mp4", "Glass-ep02-draft-id.mp4"]
    assert [_streams(Path(r["files"]["video"]))[0]["audio"] for r in records] == [
        "und",
        "spa",
        "ind",
    ]  # fmt: skip  (the source's language is detected, so undetermined)
    for cache in ("episode-2-draft", "episode-2-draft-es", "episode-2-draft-id"):
        # each language its own cache: one pruning another's would leave the source's empty
        kinds = sorted(p.suffix for p in (root / "exports/.cache" / cache).iterdir())
        assert kinds == [".m4a", ".mp4", ".mp4"], cache  # two shots and the sound
    assert "1 lines not translated into id: shown and heard in the source language" in (
        done.stderr
    )  # fmt: skip
    subs = Path(records[2]["files"]["srt"]).read_text(encoding="utf-8")
    assert "You again?" in subs  # the source text, allowed
    assert "Dibuat dengan AI" in _streams(Path(records[2]["files"]["video"]))[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--language", "fr"), "fr is not a target language of this project (targets: es, id)"),
     (("--allow-untranslated",), "--allow-untranslated goes with --language or --all-languages"),
     (("--all-languages", "--out", "x.mp4"), "--out names one file"),
     (("--language", "es", "--interactive", "out"), "--interactive exports the source language")],
)  # fmt: skip
def test_bad_language_requests_say_why(
    root: Path, args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(root), "--episode", "1", *args]) != 0
    assert message in capsys.readouterr().err


def test_a_language_without_an_iso_code_is_refused_before_anything_is_written(root: Path) -> None:
    with open_project(root, read_only=True) as folder:
        project = folder.project
    add_languages(project, ["sw"])  # in memory only
    with pytest.raises(ExportError, match="no ISO 639-2 code known for the language 'sw'"):
        export_language(root, project, 1, "sw")
    assert not list((root / "exports").glob("*-sw*"))


def test_a_dub_a_little_longer_than_its_slot_is_sped_up_to_fit(root: Path) -> None:
    translate(root, "pt", {"I'm just here for a delivery. Sign, please.": "Só vim entregar."})
    with open_project(root) as folder:
        project = folder.project
        shot = next(s for s in project.episode(1).shots() if s.dialogue and s.voice and
                    s.dialogue[0].text == DUBBED)  # fmt: skip
        slot = line_slots(shot, project.fps.seconds(shot.duration_frames))[0]
        speech = synthesize("Então entregue e vá embora.", voice="pt")
        length = round(slot * Fraction(108, 100) * SAMPLE_RATE)  # 1.08x its slot
        audio = resample(speech.samples, len(speech.samples), length)[:length]
        write_wav(root / "audio/pt-long.wav", audio, SAMPLE_RATE)
        clip = VoiceClip(0, "ETHAN", "audio/pt-long.wav", "", shot.voice[0].start, len(audio))
        find_language(project, "pt").lines[(shot.id, 0)] = TranslatedLine(
            shot.id, 0, "Então entregue e vá embora.", LineState.APPROVED, DUBBED, clip
        )
        folder.save()
    done = studio("translations", "fit", root, "--to", "pt", "--episode", "1")
    assert done.returncode == 0 and "speed-up" in done.stdout, done.stdout + done.stderr
    done = studio("export", root, "--episode", "1", "--language", "pt", "--preset", "draft",
                  "--captions", "none", "--no-cover", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 dubbed lines in pt sped up to fit their shots (up to 1.08x)" in done.stderr
    (faster,) = (root / "exports/.cache/episode-1-draft-pt/tempo").glob("*.wav")
    samples = len(read_audio(faster, channels=1))
    assert abs(samples - length / 1.08) < 0.01 * length  # atempo: as much shorter
    with open_project(root, read_only=True) as folder:
        assert folder.project.languages[-1].lines[(shot.id, 0)].voice.media == "audio/pt-long.wav"
    video = Path(json.loads(done.stdout)[0]["files"]["video"])
    mix = read_audio(video, channels=1)[:, 0]
    at = next(line.start for line in plan_episode(root, project, 1).lines if line.text == DUBBED)
    assert _likeness(mix, faster, at) > 0.8
    assert _likeness(mix, root / "audio/pt-long.wav", at) < 0.6  # not the clip as it was
