"""Translations added to a real project (see ``export_projects``): lines translated, and some
dubbed by espeak-ng in the target language, stored as the translated lines' voice clips."""

from __future__ import annotations

import json
from pathlib import Path

from studio.core.store import open_project
from studio.core.translations import LineState, TranslatedLine, add_languages, find_language
from studio.core.voicing import SAMPLE_RATE, VoiceClip
from studio.media.audio import resample, write_wav
from studio.voice.espeak import synthesize

SPANISH = {
    "I'm just here for a delivery. Sign, please.": "Solo vengo a hacer una entrega. Firme, "
    "por favor.",
    "Then deliver it, and go.": "Pues entréguela y váyase.",
    "You again?": "¿Tú otra vez?",
}


def translate(
    root: Path, tag: str, texts: dict[str, str], *, dub: set[str] = frozenset(), voice: str = ""
) -> None:
    """Add ``tag`` to the project with the lines whose source text ``texts`` has, approved;
    the lines whose source text is in ``dub`` spoken by espeak-ng's ``voice`` (default: the
    tag) and stored as their voice clips, where the source clip starts."""
    with open_project(root) as folder:
        project = folder.project
        add_languages(project, [tag])
        language = find_language(project, tag)
        for shot in project.shots():
            source = {clip.line: clip for clip in shot.voice}
            for i, line in enumerate(shot.dialogue):
                if line.text not in texts:
                    continue
                text = texts[line.text]
                clip = None
                if line.text in dub:
                    clip = _dub(folder, shot.id, i, line.character, text, voice or tag)
                    clip.start = source[i].start if i in source else 0
                language.lines[(shot.id, i)] = TranslatedLine(
                    shot.id, i, text, LineState.APPROVED, line.text, clip
                )
        folder.save()


def _dub(folder, shot: str, line: int, character: str, text: str, voice: str) -> VoiceClip:
    speech = synthesize(text, voice=voice)
    audio = resample(speech.samples, speech.sample_rate, SAMPLE_RATE)
    timing = speech.timing.rescaled(SAMPLE_RATE, len(audio))
    media = f"audio/{shot}/{voice}-line{line + 1}.wav"
    write_wav(folder.root / media, audio, SAMPLE_RATE)
    rel = media.replace(".wav", ".json")
    folder.write_text(rel, json.dumps(timing.to_json(), ensure_ascii=False) + "\n")
    return VoiceClip(line, character, media, rel, 0, len(audio))
