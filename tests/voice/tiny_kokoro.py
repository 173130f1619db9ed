"""A tiny random-weight Kokoro-82M folder, built in code for tests (nothing is downloaded).

``save_tiny_kokoro(folder) -> Path`` lays it out as hexgrad/Kokoro-82M ships it: ``config.json``,
``kokoro-v1_0.pth`` (the five parts' state dicts under KModel's names, saved with ``torch.save``,
keys prefixed ``module.`` as a checkpoint saved from a data-parallel model is) and
``voices/af_test.pt``, ``voices/zf_test.pt`` (random style tensors, one row per input length).

Most sizes are tiny (a 1-layer ALBERT 16 wide, one text-encoder and duration layer, a one-step
iSTFTNet generator: 32 samples per duration step), but KModel fixes some: the decoder's blocks
are 1024 channels wide and read 512-wide text features (so ``hidden_dim`` is 512), and the style
vector is split at 128 (so ``style_dim`` is 128 and a voice row 256 wide). The weights are kept in
float16 to halve the file (KModel copies them into its float32 parameters). Seeded: the same
folder every time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# What the English and Chinese test lines need once spelled for Kokoro, less the glottal stop ʔ
# (so a test can see a symbol the vocabulary lacks being dropped).
SYMBOLS = ';:,.!?—…"()“” ' + "AIOQWYabdefhijklmnpstuvwxzæðŋɑɒɔəɛɜɡɪɹɾʃʊʌʒʤʧθᵊᵻ" + "ˈˌː"
SYMBOLS += "oʰʦʨꭧɕʂɻɨyɥ↓→↗↘"
SAMPLES_PER_STEP = 2 * 4 * 4  # the decoder's upsampling x the generator's rate x the iSTFT hop
VOICE_ROWS = 510


def tiny_config() -> dict[str, Any]:
    vocab = {symbol: i + 1 for i, symbol in enumerate(dict.fromkeys(SYMBOLS))}
    return {
        "vocab": vocab,
        "n_token": len(vocab) + 1,
        "plbert": {
            "hidden_size": 16,
            "embedding_size": 16,
            "num_attention_heads": 2,
            "intermediate_size": 32,
            "max_position_embeddings": 128,
            "num_hidden_layers": 1,
            "dropout": 0.1,
        },
        "hidden_dim": 512,
        "style_dim": 128,
        "n_layer": 1,
        "max_dur": 6,  # each token lasts up to 6 steps (the real model: 50)
        "dropout": 0.2,
        "text_encoder_kernel_size": 3,
        "n_mels": 80,
        "istftnet": {
            "upsample_kernel_sizes": [8],
            "upsample_rates": [4],
            "gen_istft_hop_size": 4,
            "gen_istft_n_fft": 8,
            "resblock_dilation_sizes": [[1, 3, 5]],
            "resblock_kernel_sizes": [3],
            "upsample_initial_channel": 512,
        },
    }


def save_tiny_kokoro(folder: Path, *, seed: int = 0) -> Path:
    """Write the tiny Kokoro layout under ``folder`` (created if needed); returns it."""
    import torch

    folder = Path(folder)
    (folder / "voices").mkdir(parents=True, exist_ok=True)
    config = tiny_config()
    (folder / "config.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    torch.manual_seed(seed)
    checkpoint = {
        name: {f"module.{key}": value.half() for key, value in part.state_dict().items()}
        for name, part in _parts(config).items()
    }
    torch.save(checkpoint, folder / "kokoro-v1_0.pth")
    generator = torch.Generator().manual_seed(seed)
    for voice in ("af_test", "zf_test"):
        style = torch.randn(VOICE_ROWS, 1, 2 * config["style_dim"], generator=generator)
        torch.save(style, folder / "voices" / f"{voice}.pt")
    return folder


def _parts(config: dict[str, Any]) -> dict[str, Any]:
    """KModel's five parts, built as KModel builds them, with fresh random weights."""
    import warnings

    import torch
    from kokoro.istftnet import Decoder
    from kokoro.modules import CustomAlbert, ProsodyPredictor, TextEncoder
    from transformers import AlbertConfig

    hidden, style = config["hidden_dim"], config["style_dim"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # weight_norm's deprecation, 1-layer LSTM dropout
        return {
            "bert": CustomAlbert(AlbertConfig(vocab_size=config["n_token"], **config["plbert"])),
            "bert_encoder": torch.nn.Linear(config["plbert"]["hidden_size"], hidden),
            "predictor": ProsodyPredictor(
                style_dim=style,
                d_hid=hidden,
                nlayers=config["n_layer"],
                max_dur=config["max_dur"],
                dropout=config["dropout"],
            ),
            "text_encoder": TextEncoder(
                channels=hidden,
                kernel_size=config["text_encoder_kernel_size"],
                depth=config["n_layer"],
                n_symbols=config["n_token"],
            ),
            "decoder": Decoder(
                dim_in=hidden, style_dim=style, dim_out=config["n_mels"], **config["istftnet"]
            ),
        }
