"""The pacing strip above the timeline shows the flags of the episode shown, and follows edits
and the episode choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_project import make_project

from studio.ui.timeline.pacing_strip import FLAG, OK, PacingStrip, strip_marks
from studio.ui.timeline.timeline import TimelineView

SCRIPT = """Title: Glass

# Episode 1

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.

# Episode 2

INT. ROOF - NIGHT

[[beat: reveal]]

ETHAN
Who sent you?
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "Glass.mdstudio", SCRIPT)


def _shown(qtbot, session) -> TimelineView:
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(900, 260)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.canvas.view.frames > 0)
    return view


def _colour_at(strip: PacingStrip, frame: float) -> tuple[int, int, int]:
    image = strip.grab().toImage()
    x = round(strip.view.x(frame) * image.width() / strip.width())
    c = image.pixelColor(x, image.height() // 2)
    return c.red(), c.green(), c.blue()


def test_the_strip_flags_a_slow_open_episode_and_clears_on_a_passing_one(qtbot, session):
    view = _shown(qtbot, session)
    strip = view.pacing
    rain = session.project.episode(1).scenes[0].shots[0]
    rain.duration_frames = 40 * 30  # a 40 s establishing shot before the first line
    session.shotsChanged.emit()

    pacing = strip.pacing
    assert pacing is not None and pacing.number == 1
    flags = pacing.flags()
    assert any(f.startswith("hook at 40.2 s") for f in flags)
    assert any("without a turn" in f for f in flags)
    assert any("final 10 s" in f for f in flags)
    assert strip.toolTip().splitlines() == flags
    marks = {m.kind: m for m in strip_marks(pacing)}
    assert marks["hook"].flagged and marks["gap"].flagged and marks["window"].flagged
    view.canvas.fit()
    hook_red = _colour_at(strip, marks["hook"].start)
    assert hook_red == (FLAG.red(), FLAG.green(), FLAG.blue())
    r, g, b = _colour_at(strip, (marks["gap"].start + marks["gap"].end) / 2)
    assert r > g + 40 and r > b + 40  # the stretch without a turn is painted red

    session.set_episode(2)
    qtbot.waitUntil(lambda: view.canvas.view.frames > 0)
    passing = strip.pacing
    assert passing is not None and passing.number == 2
    assert passing.flags() == [] and strip.toolTip() == "Pacing: no flags"
    hook = next(m for m in strip_marks(passing) if m.kind == "hook")
    assert not hook.flagged and hook.start == 0
    view.canvas.fit()
    assert _colour_at(strip, 0) == (OK.red(), OK.green(), OK.blue())


def test_a_bad_project_preset_is_said_and_the_defaults_measure(qtbot, session, project):
    (project / "pacing.json").write_text('{"hook_max_seconds": 99}', encoding="utf-8")
    view = _shown(qtbot, session)
    assert "hook_max_seconds must be from 0 to 60" in view.pacing.toolTip()
    assert view.pacing.pacing is not None
    assert view.pacing.pacing.preset.hook_max_seconds == 3
