"""The small dialogs on real widgets and a real ini file: preferences round-trip (bad values fall
back), Settings checks and saves, Stats shows the figures of a project with reviewed takes, Help
lists and filters the shortcuts of given actions; the light and dark themes apply. Settings
choose where jobs run: the local worker or the Ray farm (its address and worker count)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow

from studio.app.executors import ExecutorChoice
from studio.core.model import Episode, Project, Scene, Shot, ShotKind, Take, TakeState
from studio.core.stats import episode_stats, totals
from studio.engine.models_dir import models_dir
from studio.ui.dialogs.help_dialog import HelpDialog, menu_actions, plain_text
from studio.ui.dialogs.preferences import Preferences
from studio.ui.dialogs.settings_dialog import SettingsDialog
from studio.ui.dialogs.stats_dialog import StatsDialog
from studio.ui.theme import apply_theme


@pytest.fixture
def ini(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def reopened(settings: QSettings) -> QSettings:
    """The same ini file read afresh, as the next start of the app reads it."""
    settings.sync()
    return QSettings(settings.fileName(), QSettings.Format.IniFormat)


# -- preferences ------------------------------------------------------------------------------


def test_preferences_round_trip_through_the_ini_file(ini, tmp_path) -> None:
    assert Preferences.load(ini) == Preferences()  # nothing stored yet: the defaults
    chosen = Preferences(str(tmp_path), "diffusers", "tiny-sd15", 7, "light")
    chosen.save(ini)
    text = Path(ini.fileName()).read_text(encoding="utf-8")
    assert "[preferences]" in text and "tiny-sd15" in text
    assert Preferences.load(reopened(ini)) == chosen
    assert chosen.models_path() == tmp_path


def test_bad_preference_values_fall_back_to_their_defaults(ini) -> None:
    Path(ini.fileName()).write_text(
        "[preferences]\nbackend=comfyui\nautosave_minutes=soon\ntheme=purple\nmodel=sdxl-base\n"
        "[other]\nautosave_minutes=9\n",
        encoding="utf-8",
    )
    loaded = Preferences.load(QSettings(ini.fileName(), QSettings.Format.IniFormat))
    assert loaded == Preferences(model="sdxl-base")  # the one good value kept
    for minutes in ("0", "-3", "1000"):
        ini.setValue("preferences/autosave_minutes", minutes)
        assert Preferences.load(ini).autosave_minutes == 2
    ini.setValue("preferences/autosave_minutes", "15")
    assert Preferences.load(ini).autosave_minutes == 15
    assert Preferences().models_path() == models_dir()  # "" is the default folder


# -- settings ---------------------------------------------------------------------------------


def test_settings_dialog_saves_what_was_chosen(qtbot, ini, tmp_path) -> None:
    dialog = SettingsDialog(ini)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.scanning)
    assert dialog.backend.currentText() == "animatic" and not dialog.model.isEnabled()
    dialog.models_folder.setText(str(tmp_path))
    dialog.autosave.setValue(5)
    dialog.theme.setCurrentText("light")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    expected = Preferences(str(tmp_path), "animatic", "", 5, "light")
    assert saved.args == [expected]
    assert Preferences.load(reopened(ini)) == expected


def test_settings_choose_the_ray_farm_its_cluster_and_its_workers(qtbot, ini) -> None:
    dialog = SettingsDialog(ini)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.scanning)
    assert dialog.executor.currentText() == "local"
    assert not dialog.ray_address.isEnabled() and not dialog.ray_workers.isEnabled()
    dialog.executor.setCurrentText("ray")
    assert dialog.ray_address.isEnabled() and dialog.ray_workers.isEnabled()
    assert dialog.ray_workers.text() == "one per GPU"  # 0, said in words
    dialog.ray_address.setText(" 10.0.0.7:6379 ")
    dialog.ray_workers.setValue(4)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.accept()
    expected = Preferences(executor="ray", ray_address="10.0.0.7:6379", ray_workers=4)
    assert saved.args == [expected]
    assert Preferences.load(reopened(ini)) == expected
    assert expected.executor_choice() == ExecutorChoice("ray", "10.0.0.7:6379", 4)

    again = SettingsDialog(reopened(ini))  # back to the local worker: the farm fields go
    qtbot.addWidget(again)
    assert again.ray_address.text() == "10.0.0.7:6379" and again.ray_workers.value() == 4
    again.executor.setCurrentText("local")
    again.accept()
    assert Preferences.load(reopened(ini)) == Preferences()
    assert Preferences().executor_choice() == ExecutorChoice()


def test_settings_refuse_the_farm_when_ray_is_not_installed(qtbot, ini, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the [farm] extra were not installed
    dialog = SettingsDialog(ini)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.executor.setCurrentText("ray")
    dialog.accept()
    assert dialog.isVisible() and "install micro-drama-studio[farm]" in dialog.problem.text()
    assert Preferences.load(reopened(ini)) == Preferences()


def test_settings_refuses_a_missing_models_folder_and_keeps_the_old_values(
    qtbot, ini, tmp_path
) -> None:
    Preferences(autosave_minutes=4).save(ini)
    dialog = SettingsDialog(ini)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.autosave.value() == 4  # the stored values are what it starts from
    missing = tmp_path / "no-such-folder"
    dialog.models_folder.setText(str(missing))
    dialog.autosave.setValue(9)
    dialog.accept()
    assert dialog.isVisible()  # still open, saying why
    assert str(missing) in dialog.problem.text() and "does not exist" in dialog.problem.text()
    assert Preferences.load(reopened(ini)) == Preferences(autosave_minutes=4)
    dialog.models_folder.setText("")
    dialog.backend.setCurrentText("diffusers")
    assert dialog.model.isEnabled()
    dialog.accept()
    assert dialog.isVisible() and "diffusers" in dialog.problem.text()  # it needs a model
    dialog.model.setCurrentText("tiny-sd15")
    dialog.accept()
    assert not dialog.isVisible()
    stored = Preferences.load(reopened(ini))
    assert (stored.backend, stored.model, stored.autosave_minutes) == ("diffusers", "tiny-sd15", 9)


# -- stats ------------------------------------------------------------------------------------


def _shot(shot_id: str, frames: int, *takes: tuple[TakeState, float]) -> Shot:
    made = [Take(f"tk-{shot_id}-{i}", state=s, gpu_seconds=g) for i, (s, g) in enumerate(takes)]
    return Shot(shot_id, ShotKind.ACTION, "rain", frames, takes=made)


@pytest.fixture
def reviewed() -> Project:
    """Episode 1: one shot of 1 s approved after a rejected take, one of 2 s with one finished
    take; 60 GPU-seconds over three finished takes (a failed one does not count). Episode 2:
    only a queued take."""
    done, approved, rejected = TakeState.DONE, TakeState.APPROVED, TakeState.REJECTED
    one = Scene("INT. LOBBY", 1, shots=[
        _shot("a", 30, (rejected, 20.0), (approved, 10.0), (TakeState.FAILED, 5.0)),
        _shot("b", 60, (done, 30.0)),
    ])  # fmt: skip
    two = Scene("EXT. ROOF", 1, shots=[_shot("c", 45, (TakeState.QUEUED, 0.0))])
    return Project("Glass", episodes=[Episode(1, scenes=[one]), Episode(2, scenes=[two])])


def test_episode_stats_figures(reviewed) -> None:
    first, second = episode_stats(reviewed)
    assert (first.shots, first.approved_shots, first.generated_takes) == (2, 1, 3)
    assert first.usable_rate == pytest.approx(1 / 3)
    assert first.gpu_seconds == 60.0
    assert first.approved_minutes == pytest.approx(1 / 60)
    assert first.gpu_seconds_per_approved_minute == pytest.approx(3600.0)
    assert second.usable_rate is None and second.gpu_seconds_per_approved_minute is None
    both = totals([first, second])
    assert (both.episode, both.shots, both.generated_takes) == (0, 3, 3)
    assert first.to_json()["gpu_seconds_per_approved_minute"] == pytest.approx(3600.0)


def test_stats_dialog_shows_each_episode_and_the_totals(qtbot, reviewed) -> None:
    dialog = StatsDialog(reviewed)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 3
    row = {h: dialog.cell(0, h) for h in ("Episode", "Shots", "Approved", "Takes")}
    assert row == {"Episode": "1", "Shots": "2", "Approved": "1", "Takes": "3"}
    assert dialog.cell(0, "Usable rate") == "33%"
    assert dialog.cell(0, "GPU-s") == "60.0"
    assert dialog.cell(0, "GPU-s / approved min") == "3600.0"
    assert dialog.cell(1, "Usable rate") == "–" and dialog.cell(1, "GPU-s / approved min") == "–"
    assert dialog.cell(2, "Episode") == "All" and dialog.cell(2, "Shots") == "3"
    reviewed.episodes[0].scenes[0].shots[1].approve("tk-b-0")  # the second shot approved too
    dialog.refresh()
    assert dialog.cell(0, "Usable rate") == "67%"
    assert dialog.cell(0, "GPU-s / approved min") == "1200.0"  # 60 GPU-s for 3 s


# -- help -------------------------------------------------------------------------------------


def test_help_lists_the_shortcuts_of_the_given_actions(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    file = window.menuBar().addMenu("&File")
    playback = window.menuBar().addMenu("&Playback")
    for menu, text, keys in (
        (file, "&Open Project…", "Ctrl+O"),
        (file, "&Save", "Ctrl+S"),
        (playback, "Play/&Pause", "Space"),
        (playback, "Rock && Roll", "R"),
    ):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        menu.addAction(action)  # fmt: skip
    file.addSeparator()
    file.addAction(QAction("&Quit (no key)", window))
    zoom = playback.addMenu("&Zoom")
    zoom.addAction(QAction("Zoom &In", window, shortcut=QKeySequence("Ctrl+=")))
    native = QKeySequence.SequenceFormat.NativeText
    dialog = HelpDialog(menu_actions(window.menuBar()))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.groups() == ["File", "Playback"]
    assert dialog.shown() == [
        ("Open Project", QKeySequence("Ctrl+O").toString(native)),
        ("Save", QKeySequence("Ctrl+S").toString(native)),
        ("Play/Pause", QKeySequence("Space").toString(native)),
        ("Rock & Roll", "R"),
        ("Zoom In", QKeySequence("Ctrl+=").toString(native)),
    ]
    qtbot.keyClicks(dialog.filter, "pause")
    assert dialog.shown() == [("Play/Pause", QKeySequence("Space").toString(native))]
    assert dialog.groups() == ["Playback"]
    dialog.filter.clear()
    assert len(dialog.shown()) == 5
    flat = HelpDialog([*file.actions()])  # a plain list: no groups
    qtbot.addWidget(flat)
    assert flat.groups() == [] and [name for name, _ in flat.shown()] == ["Open Project", "Save"]


def test_plain_text_drops_mnemonics() -> None:
    assert plain_text("&Export Episode…") == "Export Episode"
    assert plain_text("Save && &Quit") == "Save & Quit"


# -- theme ------------------------------------------------------------------------------------


def test_themes_change_the_palette(qtbot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    try:
        apply_theme(app, "light")
        light = app.palette().window().color().lightness()
        apply_theme(app, "dark")
        dark = app.palette().window().color().lightness()
        assert light > 150 > 80 > dark
    finally:
        app.setPalette(before)
