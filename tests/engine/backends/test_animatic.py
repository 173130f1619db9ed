"""The animatic backend, end to end: real drawing, real ffmpeg, real files."""

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.core.request import CameraMotion, ImageRequest, ShotBrief, VideoRequest
from studio.engine.backends.animatic import AnimaticBackend, Panel, figure_layout, framing_of
from studio.engine.backends.animatic_draw import TextPainter, draw_mouth, find_cjk_font
from studio.engine.backends.base import Backend, BackendError, Cancelled, RunContext
from studio.media.ffmpeg import probe, read_frames

BRIEF = ShotBrief(
    heading="INT. CEO OFFICE - NIGHT",
    description="Lin Yue slams the contract on the desk. Chen Mo looks up slowly.",
    framing="medium",
    characters=("LIN YUE", "CHEN MO"),
    dialogue=("LIN YUE: You signed this?", "CHEN MO: Three years ago."),
)
CJK = ShotBrief(
    heading="内景 总裁办公室 - 夜",
    description="林悦把合同摔在桌上。陈默慢慢抬起头。",
    framing="特写",
    characters=("林悦", "陈默"),
    dialogue=("林悦：你签了这个？",),
)


def request(**changes) -> ImageRequest:
    base = ImageRequest(shot_id="e01_s0003", brief=BRIEF, width=144, height=256, frames=16, seed=7)
    return replace(base, **changes)


def context(tmp_path: Path, name: str = "take", progress=None, cancelled=None) -> RunContext:
    return RunContext(
        project_dir=tmp_path,
        models_dir=tmp_path,
        output=tmp_path / f"{name}.mp4.part",  # the engine's temporary names need no extension
        keyframe_output=tmp_path / f"{name}.png.part",
        progress=progress or (lambda i, n, preview: None),
        cancelled=cancelled or (lambda: False),
    )


def render(tmp_path: Path, req, name: str = "take") -> list[np.ndarray]:
    ctx = context(tmp_path, name)
    AnimaticBackend().run(req, ctx)
    return list(read_frames(ctx.output))


def test_it_is_a_backend():
    backend: Backend = AnimaticBackend()
    assert backend.name == "animatic"


def test_renders_a_take_that_probes_as_requested(tmp_path):
    req = request(fps="24000/1001", frames=20)
    calls = []
    ctx = context(tmp_path, progress=lambda i, n, p: calls.append((i, n, p)))
    rendered = AnimaticBackend().run(req, ctx)
    info = probe(ctx.output)
    assert (info.width, info.height, info.frames, info.fps) == (144, 256, 20, "24000/1001")
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert (rendered.width, rendered.height, rendered.frames, rendered.fps) == (
        144,
        256,
        20,
        "24000/1001",
    )
    assert rendered.timings.encode > 0 and rendered.timings.decode > 0
    assert 2 <= len(calls) <= 6 and calls[-1][:2] == (20, 20)
    assert all(p.ndim == 3 and p.dtype == np.uint8 for _, _, p in calls)


def test_keyframe_is_the_first_frame(tmp_path):
    ctx = context(tmp_path)
    AnimaticBackend().run(request(), ctx)
    still = cv2.cvtColor(cv2.imread(str(ctx.keyframe_output)), cv2.COLOR_BGR2RGB)
    first = next(read_frames(ctx.output))
    assert still.shape == first.shape == (256, 144, 3)
    assert np.abs(still.astype(int) - first.astype(int)).mean() < 2.5


def test_video_requests_draw_the_same_panel_and_write_no_still(tmp_path):
    req = VideoRequest(shot_id="e01_s0003", brief=BRIEF, width=144, height=256, frames=8)
    ctx = context(tmp_path)
    AnimaticBackend().run(req, ctx)
    assert probe(ctx.output).frames == 8
    assert not ctx.keyframe_output.exists()


def test_same_request_same_pixels_other_seed_other_pixels(tmp_path):
    a = render(tmp_path, request(), "a")
    b = render(tmp_path, request(), "b")
    c = render(tmp_path, request(seed=8), "c")
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


def test_cancel_after_the_first_progress_leaves_nothing(tmp_path):
    seen = []
    ctx = context(tmp_path, progress=lambda i, n, p: seen.append(i), cancelled=lambda: bool(seen))
    with pytest.raises(Cancelled):
        AnimaticBackend().run(request(frames=60), ctx)
    assert len(seen) == 1
    assert not ctx.output.exists()
    assert not ctx.keyframe_output.exists()


def test_camera_moves_unless_told_not_to(tmp_path):
    for motion in (CameraMotion.PUSH_IN, CameraMotion.PULL_OUT, CameraMotion.PAN_LEFT):
        fs = render(tmp_path, request(camera_motion=motion), motion.value)
        assert np.abs(fs[0].astype(int) - fs[-1].astype(int)).mean() > 5, motion
    still = render(tmp_path, request(camera_motion=CameraMotion.NONE), "none")
    # the codec refines a still picture over a few frames; the picture itself does not move
    assert all(np.abs(f.astype(int) - still[0].astype(int)).mean() < 1 for f in still)


def test_one_mouth_per_character_inside_the_frame():
    for framing in ("wide", "medium", "close-up", "extreme close-up", "insert", "特写", ""):
        req = request(brief=replace(BRIEF, framing=framing, characters=("A", "B", "C", "A")))
        figures = figure_layout(req)
        assert [f.name for f in figures] == ["A", "B", "C"]
        assert len({f.color for f in figures}) == 3
        for f in figures:
            (x, y), (w, h) = f.mouth_center, f.mouth_size
            assert w / 2 <= x <= req.width - w / 2, framing
            assert h / 2 <= y <= req.height - h / 2, framing
    assert figure_layout(request(brief=ShotBrief())) == []


def test_framing_sets_the_figure_size():
    def radius(framing: str) -> float:
        return figure_layout(request(brief=replace(BRIEF, framing=framing)))[0].head_radius

    assert radius("wide") < radius("medium") < radius("close-up") <= radius("ECU")
    assert framing_of("CLOSE UP") == "close-up" and framing_of("whatever") == "medium"


def test_mouths_can_be_redrawn_open_and_closed_again():
    req = request(width=288, height=512)
    panel = Panel(req)
    closed = panel.image.copy()
    panel.set_mouths({"LIN YUE": 1.0})
    opened = panel.image.copy()
    (x, y), (w, h) = panel.figures[0].mouth_center, panel.figures[0].mouth_size
    changed = np.argwhere((opened != closed).any(axis=2)) / 1.1  # panel image -> frame pixels
    assert len(changed) > 0
    assert (abs(changed[:, 1] - x) <= w).all() and (abs(changed[:, 0] - y) <= h).all()
    panel.set_mouths({"LIN YUE": 0.0, "NOBODY": 1.0})
    assert np.array_equal(panel.image, closed)  # closed again: the very same pixels
    draw_mouth(panel.image, panel.figures[1], 0.5, 1.1)  # the drawing primitive itself
    assert not np.array_equal(panel.image, closed)
    assert panel.frame(0).shape == (512, 288, 3)


def test_cjk_brief_renders(tmp_path):
    req = request(brief=CJK)
    fs = render(tmp_path, req)
    assert len(fs) == req.frames
    assert (fs[0] < 100).any()  # something (text, outlines) was drawn
    assert [f.name for f in figure_layout(req)] == ["林悦", "陈默"]


def test_without_a_cjk_font_cjk_text_becomes_boxes_not_question_marks():
    painter = TextPainter(None)
    blank = np.full((40, 200, 3), 255, np.uint8)
    boxes, marks = blank.copy(), blank.copy()
    painter.draw(boxes, [(4, 4, "林悦", 24, (0, 0, 0))])
    painter.draw(marks, [(4, 4, "??", 24, (0, 0, 0))])
    assert not np.array_equal(boxes, blank)
    assert not np.array_equal(boxes, marks)
    lines = painter.wrap("林悦把合同摔在桌上。陈默慢慢抬起头。", 24, 120, 3)
    assert 1 < len(lines) <= 3 and all(painter.measure(t, 24) <= 120 for t in lines)


def _any_font() -> Path | None:
    """A CJK font if there is one, else any TrueType font, to exercise the Pillow path."""
    found = find_cjk_font() or next(iter(sorted(Path("/usr/share/fonts").rglob("*.ttf"))), None)
    return found if found is None or found.is_file() else None


@pytest.mark.skipif(_any_font() is None, reason="no TrueType font on this machine")
def test_with_a_truetype_font_text_is_drawn_by_pillow():
    painter = TextPainter(_any_font())
    assert painter.uses_pillow
    img = np.full((40, 200, 3), 255, np.uint8)
    painter.draw(img, [(4, 4, "Lin 林悦", 24, (0, 0, 0))])
    assert (img < 128).any()
    panel = Panel(request(brief=CJK), painter)
    assert panel.image.shape == (282, 159, 3)  # 10 % larger than the frame


def test_bad_requests_are_backend_errors(tmp_path):
    with pytest.raises(BackendError, match="even"):
        AnimaticBackend().run(request(width=145), context(tmp_path))
    with pytest.raises(BackendError, match="frame"):
        AnimaticBackend().run(request(frames=0), context(tmp_path))
    assert list(tmp_path.iterdir()) == []
