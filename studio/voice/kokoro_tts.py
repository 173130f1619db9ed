"""Kokoro-82M, the neural voice: its folder in the models folder, and speech with timings.

The folder is laid out as hexgrad/Kokoro-82M ships it: ``config.json`` (the phoneme vocabulary and
the model's sizes), one ``*.pth`` (the state dicts of the model's five parts) and ``voices/*.pt``
(per voice, one style vector per input length). Weights load with ``torch.load(weights_only=True)``
and nothing is ever downloaded. espeak-ng turns text into words and IPA, ``kokoro_text`` spells
the IPA as Kokoro's training data does, and the model's predicted durations (one per symbol read)
time each word and phoneme.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from studio.core.speech_timing import Mark, SpeechTiming
from studio.voice.kokoro_text import (
    KokoroWord,
    chunk_words,
    kokoro_symbols,
    phoneme_spans,
    punctuation_after,
)

SAMPLE_RATE = 24000
PARTS = ("bert", "bert_encoder", "predictor", "text_encoder", "decoder")
CONFIG_KEYS = ("vocab", "n_token", "plbert", "hidden_dim", "style_dim", "n_layer", "max_dur")
CONFIG_KEYS += ("dropout", "text_encoder_kernel_size", "n_mels", "istftnet")
REPO_ID = "hexgrad/Kokoro-82M"  # only a label: KModel is always given the config and the file
# Kokoro's voice names start with a language letter: af_heart is an American English woman.
VOICE_PREFIX = {"en": "a", "en-gb": "b", "en-uk": "b", "zh": "z", "cmn": "z", "ja": "j"}
VOICE_PREFIX |= {"es": "e", "fr": "f", "hi": "h", "it": "i", "pt": "p"}


class KokoroError(Exception):
    """A Kokoro folder that cannot be used, or a voice it does not have (one line)."""


def is_kokoro_folder(path: Path) -> bool:
    """Whether ``path`` looks like a Kokoro folder: its config, one weights file, some voices."""
    path = Path(path)
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(config, dict)
        and all(key in config for key in CONFIG_KEYS)
        and len(list(path.glob("*.pth"))) == 1
        and bool(kokoro_voices(path))
    )


def kokoro_files(path: Path) -> list[Path]:
    """The files that make the model: config, weights and voices (what a content hash covers)."""
    path = Path(path)
    return [path / "config.json", *sorted(path.glob("*.pth")), *sorted(path.glob("voices/*.pt"))]


def kokoro_voices(path: Path) -> list[str]:
    """The names of the folder's voices (their file stems), sorted."""
    return sorted(p.stem for p in Path(path).glob("voices/*.pt") if p.is_file())


def voice_prefix(language: str) -> str:
    """The first letter of the Kokoro voices that speak ``language`` (``"a"`` for English)."""
    code = language.strip().lower().replace("_", "-")
    return VOICE_PREFIX.get(code) or VOICE_PREFIX.get(code.split("-")[0], "")


class KokoroVoice:
    """A loaded Kokoro model and its folder's voices."""

    sample_rate = SAMPLE_RATE

    def __init__(self, model: Any, folder: Path, style_width: int) -> None:
        self._model = model
        self._folder = folder
        self._style_width = style_width
        self._styles: dict[str, Any] = {}
        self.voices = kokoro_voices(folder)

    @classmethod
    def load(cls, folder: Path, *, device: str = "cpu") -> KokoroVoice:
        """Load the model in ``folder`` onto ``device``; :class:`KokoroError` names what is
        missing or wrong."""
        folder = Path(folder)
        config = _read_config(folder)
        weights = _weights_file(folder)
        if not kokoro_voices(folder):
            raise KokoroError(f"{folder} has no Kokoro voices (voices/*.pt)")
        parts = _read_weights(weights)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # weight_norm's deprecation, 1-layer LSTM dropout
            try:
                from kokoro.model import KModel
            except ImportError as error:
                raise KokoroError(f"Kokoro needs the kokoro package: {error}") from None
            try:
                model = KModel(repo_id=REPO_ID, config=config, model=str(weights))
            except (RuntimeError, AssertionError, KeyError, TypeError, ValueError) as error:
                raise KokoroError(
                    f"{weights.name} does not fit its config.json: {_first_line(error)}"
                ) from None
        for part in PARTS:  # KModel loads a prefixed checkpoint leniently: check it is whole
            have = {key.removeprefix("module.") for key in parts[part]}
            missing = [n for n, _ in getattr(model, part).named_parameters() if n not in have]
            if missing:
                raise KokoroError(f"{weights.name} lacks {part} weights such as {missing[0]}")
        return cls(model.eval().to(device), folder, 128 + int(config["style_dim"]))

    def pick_voice(self, voice: str = "", language: str = "en") -> str:
        """``voice`` if the folder has it; for "" the first voice of ``language``, else the
        first voice."""
        if voice:
            if voice not in self.voices:
                raise KokoroError(f"no Kokoro voice {voice!r}; there are {', '.join(self.voices)}")
            return voice
        prefix = voice_prefix(language)
        return next((v for v in self.voices if prefix and v.startswith(prefix)), self.voices[0])

    def synthesize(
        self, text: str, *, voice: str = "", language: str = "en", speed: float = 1.0
    ) -> tuple[np.ndarray, SpeechTiming]:
        """``text`` spoken: float32 mono at 24 kHz, and when each word and phoneme is heard.

        Long text is read in chunks that fit the model, split after sentences where it can."""
        if not (isinstance(speed, int | float) and 0.1 <= speed <= 10):
            raise KokoroError(f"the speech speed must be between 0.1 and 10, not {speed!r}")
        name = self.pick_voice(voice, language)
        limit = self._model.context_length - 2  # the two boundary tokens
        pieces: list[np.ndarray] = []
        words: list[Mark] = []
        phonemes: list[Mark] = []
        offset = 0
        for chunk in chunk_words(self._words(text, name, language, limit), limit):
            audio, said, heard = self._speak(chunk, name, speed)
            pieces.append(audio)
            words += [Mark(m.start + offset, m.end + offset, m.text) for m in said]
            phonemes += [Mark(m.start + offset, m.end + offset, m.text) for m in heard]
            offset += len(audio)
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return audio, SpeechTiming(SAMPLE_RATE, len(audio), tuple(words), tuple(phonemes))

    def _words(self, text: str, name: str, language: str, limit: int) -> list[KokoroWord]:
        from studio.voice.espeak import SpeechError, phonemize, voice_for_language

        try:
            espeak_voice = voice_for_language(language)
            if espeak_voice.startswith("en"):  # the accent follows the voice: bf_* is British
                espeak_voice = "en-gb" if name.startswith("b") else "en-us"
            pairs = phonemize(text, voice=espeak_voice)
        except SpeechError as error:
            raise KokoroError(str(error)) from None
        vocab = self._model.vocab
        after = punctuation_after(text, [word for word, _ in pairs])
        return [
            KokoroWord(
                word,
                "".join(c for c in kokoro_symbols(ipa, espeak_voice) if c in vocab)[: limit - 3],
                "".join(c for c in punctuation if c in vocab)[:3],
            )
            for (word, ipa), punctuation in zip(pairs, after, strict=True)
        ]

    def _speak(
        self, chunk: list[KokoroWord], name: str, speed: float
    ) -> tuple[np.ndarray, list[Mark], list[Mark]]:
        """One chunk through the model: its audio, word marks and phoneme marks."""
        line = " ".join(word.symbols + word.punctuation for word in chunk)
        if not line.strip(" "):  # nothing the model can read: silence, and words of no length
            return np.zeros(0, np.float32), [Mark(0, 0, word.text) for word in chunk], []
        import torch

        style = self._style(name)
        cuda = [self._model.device.index or 0] if self._model.device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(0)  # the source's noise: the same line sounds the same every time
            output = self._model(line, style[min(len(line), len(style)) - 1], speed, True)
        audio = output.audio.numpy().astype(np.float32, copy=False).reshape(-1)
        durations = output.pred_dur.reshape(-1).tolist()
        unit = round(len(audio) / max(sum(durations), 1))  # samples per duration step
        edges = np.cumsum([0, *durations]) * unit  # token i spans edges[i] .. edges[i + 1]
        words, phonemes = [], []
        token = 1  # after the leading boundary token
        for word in chunk:
            first = token
            for start, end, text in phoneme_spans(word.symbols):
                phonemes.append(Mark(int(edges[token + start]), int(edges[token + end]), text))
            token += len(word.symbols)
            words.append(Mark(int(edges[first]), int(edges[token]), word.text))
            token += len(word.punctuation) + 1  # and the space between words
        return audio, words, phonemes

    def _style(self, name: str) -> Any:
        """The voice's style vectors, one row per input length (loaded once)."""
        if name not in self._styles:
            import torch

            path = self._folder / "voices" / f"{name}.pt"
            try:
                pack = torch.load(path, map_location="cpu", weights_only=True)
            except Exception as error:  # any unreadable voice file is the user's to replace
                raise KokoroError(f"voice {name} ({path.name}): {_first_line(error)}") from None
            if not isinstance(pack, torch.Tensor) or pack.shape[-1] != self._style_width:
                raise KokoroError(f"voice {name} is not {self._style_width} style values per row")
            self._styles[name] = pack.float().reshape(-1, 1, self._style_width)
        return self._styles[name]


def _read_config(folder: Path) -> dict[str, Any]:
    path = folder / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KokoroError(f"{folder} has no config.json") from None
    except (OSError, ValueError) as error:
        raise KokoroError(f"{path} cannot be read: {_first_line(error)}") from None
    missing = [key for key in CONFIG_KEYS if not isinstance(config, dict) or key not in config]
    if missing:
        raise KokoroError(f"{path} lacks {', '.join(missing)}")
    vocab, tokens = config["vocab"], config["n_token"]
    if not isinstance(vocab, dict) or not all(
        len(k) == 1 and isinstance(v, int) and 0 < v < tokens for k, v in vocab.items()
    ):
        raise KokoroError(f"{path}: vocab must map single symbols to token numbers below n_token")
    return config


def _weights_file(folder: Path) -> Path:
    found = sorted(folder.glob("*.pth"))
    if len(found) != 1:
        many = "more than one" if found else "no"
        raise KokoroError(f"{folder} has {many} Kokoro weights file (*.pth, as kokoro-v1_0.pth)")
    return found[0]


def _read_weights(path: Path) -> dict[str, Any]:
    """The checkpoint's five state dicts: tensors only (``weights_only``), memory-mapped."""
    import pickle

    import torch

    try:
        try:
            parts = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError:  # an old (not zip) checkpoint cannot be memory-mapped
            parts = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, OSError, EOFError, ValueError) as error:
        raise KokoroError(
            f"{path.name} is not a plain weights file: {_first_line(error)}"
        ) from None
    if not isinstance(parts, dict) or not all(isinstance(parts.get(p), dict) for p in PARTS):
        raise KokoroError(f"{path.name} does not hold Kokoro's parts ({', '.join(PARTS)})")
    return parts


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
