"""The Models dialog on a real models folder: tiny hand-made models the registry recognises (a
diffusers pipeline folder, a LoRA, a folder it cannot use), grouped by kind with their problems;
importing a folder adds it, a clash or a pickle says why in a box; the folder opens through
Qt's desktop services (a URL handler stands in for the file manager)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from safetensors.numpy import save_file

from studio.core.kinds import ModelKind
from studio.engine.registry import scan
from studio.ui.dialogs.models_dialog import ModelsDialog, human_size

WAIT_MS = 20_000


def write_pipeline(folder: Path) -> Path:
    """A diffusers StableDiffusionPipeline folder with one small component (never loaded)."""
    (folder / "unet").mkdir(parents=True)
    index = {"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.35.0",
             "unet": ["diffusers", "UNet2DConditionModel"]}  # fmt: skip
    (folder / "model_index.json").write_text(json.dumps(index), encoding="utf-8")
    config = {"_class_name": "UNet2DConditionModel", "cross_attention_dim": 32}
    (folder / "unet" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    weights = {"conv_in.weight": np.zeros((4, 4, 3, 3), dtype=np.float32)}
    save_file(weights, str(folder / "unet" / "diffusion_pytorch_model.safetensors"))
    return folder


def write_lora(file: Path) -> Path:
    file.parent.mkdir(parents=True, exist_ok=True)
    base = "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q"
    tensors = {f"{base}.lora_A.weight": np.ones((4, 64), dtype=np.float32),
               f"{base}.lora_B.weight": np.ones((64, 4), dtype=np.float32)}  # fmt: skip
    save_file(tensors, str(file))
    return file


@pytest.fixture
def models(tmp_path: Path) -> Path:
    root = tmp_path / "models"
    write_pipeline(root / "tiny-sd15")
    write_lora(root / "loras" / "ink-style.safetensors")
    (root / "notes").mkdir()
    (root / "notes" / "readme.txt").write_text("not a model", encoding="utf-8")
    return root


class UrlRecorder(QObject):
    """What Qt's desktop services were asked to open (a registered handler for file: URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened():
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")
    yield recorder.urls
    QDesktopServices.unsetUrlHandler("file")


def shown(qtbot, models_dir: Path) -> ModelsDialog:
    dialog = ModelsDialog(models_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    return dialog


def test_lists_the_installed_models_by_kind_with_their_problems(qtbot, models) -> None:
    dialog = shown(qtbot, models)
    assert dialog.entry_names(ModelKind.TEXT_TO_IMAGE) == ["tiny-sd15"]
    assert dialog.entry_names(ModelKind.LORA) == ["ink-style"]
    assert dialog.entry_names(ModelKind.UNKNOWN) == ["notes"]
    groups = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert groups == ["Text to image (1)", "LoRAs (1)", "Not recognised (1)"]
    unknown = dialog.tree.topLevelItem(2).child(0)
    assert "model_index.json" in unknown.text(3)  # why it cannot be used
    pipeline = dialog.tree.topLevelItem(0).child(0)
    assert pipeline.text(1) == "sd15" and pipeline.text(3) == ""
    assert pipeline.text(2) == human_size(scan(models).get("tiny-sd15").size)
    assert "3 models" in dialog.status.text()
    assert str(models) in dialog.folder_label.text()


def test_importing_a_folder_adds_it_and_selects_it(qtbot, models, tmp_path) -> None:
    dialog = shown(qtbot, models)
    source = write_pipeline(tmp_path / "incoming" / "night-sd15")
    with qtbot.waitSignal(dialog.changed, timeout=WAIT_MS):
        dialog.import_path(source)
        assert dialog.busy and not dialog.import_folder_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert dialog.entry_names(ModelKind.TEXT_TO_IMAGE) == ["night-sd15", "tiny-sd15"]
    assert dialog.tree.currentItem().text(0) == "night-sd15"
    assert "Imported night-sd15" in dialog.status.text()
    assert (models / "night-sd15" / "model_index.json").is_file()
    assert (source / "model_index.json").is_file()  # copied, not moved
    assert dialog.import_folder_button.isEnabled()


def test_a_failed_import_says_why_and_changes_nothing(qtbot, models, tmp_path) -> None:
    dialog = shown(qtbot, models)
    source = write_pipeline(tmp_path / "incoming" / "tiny-sd15")  # the name is taken
    dialog.import_path(source)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    box = dialog.error_box
    assert box is not None and box.isVisible()
    assert "already installed" in box.text() and "tiny-sd15" in box.text()
    box.close()
    pickle = tmp_path / "incoming" / "old.ckpt"
    pickle.write_bytes(b"not really a pickle")
    dialog.import_path(pickle)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert dialog.error_box is not box and "pickle" in dialog.error_box.text()
    dialog.error_box.close()
    assert sorted(p.name for p in models.iterdir()) == ["loras", "notes", "tiny-sd15"]


def test_importing_under_another_name(qtbot, models, tmp_path) -> None:
    dialog = shown(qtbot, models)
    lora = write_lora(tmp_path / "ink-style.safetensors")
    dialog.import_path(lora, "ink-style-2")
    qtbot.waitUntil(lambda: "Imported" in dialog.status.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert sorted(dialog.entry_names(ModelKind.LORA)) == ["ink-style", "ink-style-2"]
    assert (models / "loras" / "ink-style-2.safetensors").is_file()


def test_open_folder_makes_and_opens_the_models_folder(qtbot, tmp_path, opened) -> None:
    missing = tmp_path / "not-yet" / "models"
    dialog = shown(qtbot, missing)
    assert "not made yet" in dialog.folder_label.text()
    assert dialog.status.text() == "No models yet" and dialog.tree.topLevelItemCount() == 0
    dialog.open_button.click()
    assert missing.is_dir() and dialog.error_box is None
    assert [url.toLocalFile() for url in opened] == [str(missing)]


def test_a_chat_model_is_listed_with_its_license_and_every_kind_has_a_group(
    qtbot, tmp_path
) -> None:
    from studio.ui.dialogs.models_dialog import KIND_NAMES

    assert set(KIND_NAMES) == set(ModelKind)
    chat = tmp_path / "models" / "small-chat"
    chat.mkdir(parents=True)
    config = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2"}
    (chat / "config.json").write_text(json.dumps(config), "utf-8")
    (chat / "tokenizer_config.json").write_text(json.dumps({"chat_template": "{{ x }}"}), "utf-8")
    (chat / "tokenizer.json").write_text("{}", "utf-8")
    (chat / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n", "utf-8")
    save_file({"w": np.zeros(2, np.float32)}, str(chat / "model.safetensors"))
    dialog = shown(qtbot, tmp_path / "models")
    assert dialog.entry_names(ModelKind.CHAT) == ["small-chat"]
    row = dialog.tree.topLevelItem(0).child(0)
    assert row.text(4) == "cc-by-nc-4.0" and "non-commercial" in row.toolTip(4)
