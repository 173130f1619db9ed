"""The preview player: the episode as it will ship (on a path through a branching episode, as a
viewer on that path sees it; in the language shown), at the playhead of the session.

Frames come from a :class:`~studio.media.frame_server.FrameServer` (approved-else-latest takes,
conformed and fitted to 9:16, read ahead in a background thread), captions are the export
plan's cues drawn in the house style (white bold text, black outline, above the bottom 35 %),
and the sound is the episode mix (made in a background thread) played by :class:`AudioOut`.
While playing, a timer set for each frame's moment reads the audio clock and shows the frame
for that moment if it is decoded; a frame whose moment passed before it could be shown is
dropped and counted in :attr:`PlayerView.dropped_frames`.

Keys, anywhere in the window (:mod:`studio.ui.keymap`): Space play/pause, J/K/L (back, stop,
forward; pressed again: faster), Left/Right one frame, Home/End. Controls: play, a scrub
slider, shuttle speed, timecode and frame counter, loop shot, and the safe-zone overlay (TikTok
or Reels). Right-click: those two, Copy Frame and Export Still… (:mod:`player_menu`).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.core.time import FrameRate
from studio.media.episode_timeline import EpisodeTimeline
from studio.media.frame_proxies import prune
from studio.media.frame_server import PROXIES, FrameServer
from studio.media.subtitles import caption_size
from studio.ui.language_state import LanguageState
from studio.ui.player import player_overlays as overlays
from studio.ui.player.audio_out import AudioOut, mix_episode
from studio.ui.player.player_controls import PlayerControls
from studio.ui.player.player_menu import PlayerMenu, still_name
from studio.ui.player.player_overlays import SAFE_ZONES, picture_rect
from studio.ui.session import Session
from studio.ui.tasks import run_in_background

_RATES = (1.0, 2.0, 4.0, 8.0)


class PlayerView(QWidget):
    """The preview player of the session's episode. ``muted`` plays without sound."""

    status = Signal(str)  # a message for the status bar
    _ready = Signal(int)  # a frame was decoded (from the read-ahead thread)

    def __init__(self, session: Session, parent: QWidget | None = None, *, muted: bool = False):
        super().__init__(parent)
        self.session = session
        self.audio = AudioOut(muted=muted)
        self.timeline = EpisodeTimeline(FrameRate(30), [])
        self.server: FrameServer | None = None
        self.current_frame: np.ndarray | None = None  # the picture shown (RGB)
        self.shown_frame = -1  # the episode frame it is
        self.shown_exact = True  # False: a seek's stand-in until the exact frame is decoded
        self.caption_lines: tuple[str, ...] = ()  # the captions drawn over it
        self.dropped_frames = 0
        self.safe_zone = ""  # "", "TikTok" or "Reels"
        self.loop_shot = False
        self.rate = 0.0  # 0 paused; negative: backwards
        self._root: Path | None = None
        self._wanted = 0
        self._last = 0  # the last frame shown while playing
        self._loop = (0, 0)
        self._driving = False  # we are moving the session's playhead ourselves
        self._mix_number = 0
        self._problem = ""
        self._closed = False
        self._fonts: dict[tuple[int, int], int] = {}
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._mix_timer = QTimer(self, singleShot=True, interval=400)
        self._mix_timer.timeout.connect(self._mix)
        self._build()
        self._ready.connect(self._on_ready)
        for changed in (session.projectChanged, session.episodeChanged, session.shotsChanged,
                        session.pathChanged):  # fmt: skip
            changed.connect(self._reload)
        session.takesChanged.connect(self._takes_changed)
        session.playheadChanged.connect(self._on_playhead)
        self._reload()
        if not self.audio.available:
            QTimer.singleShot(0, self, lambda: self.status.emit(self.muted_message()))

    # -- controls -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.screen_area = overlays.Screen(self, self._paint, self._resized)
        self.controls = PlayerControls(
            self, toggle_play=self.toggle_play, pause=self.pause, shuttle=self.shuttle,
            step=self.step, seek=self.session.set_playhead,
            loop=self.set_loop_shot, safe_zone=self.set_safe_zone,
        )  # fmt: skip
        self.addActions(self.controls.player_actions)
        toggles = (self.controls.safe_zone_action, self.controls.loop_action)
        self.menu = PlayerMenu(self, toggles, lambda: self.current_frame, lambda: still_name(
            self.session.root, self.session.episode_number, self.shown_frame), self.status.emit,
        )  # fmt: skip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.screen_area, 1)
        layout.addWidget(self.controls)
        self._update_controls()

    @property
    def safe_zone_action(self) -> QAction:
        """Shows or hides the safe-zone overlay (for the View menu)."""
        return self.controls.safe_zone_action

    def _update_controls(self) -> None:
        frame, total = max(0, self.session.playhead), self.timeline.frames
        self.controls.show_playhead(self.rate, frame, total, self.timeline.fps)

    def muted_message(self) -> str:
        return f"Preview plays muted: {self.audio.reason}"

    # -- the project ----------------------------------------------------------------------------

    def _reload(self, *_: object, captions: bool = False) -> None:
        """Read the episode again (another project, episode, edited shots; ``captions``: only
        takes changed, the captions hold)."""
        if self._closed:
            return
        self.pause()
        root, (project, shown) = self.session.root, LanguageState.of(self.session).played()
        if project is None or root is None:
            self.timeline = EpisodeTimeline(FrameRate(30), [])
        else:  # on a path, a project whose episode is the path: it plays as the viewer sees it
            played = project if shown is None else dataclasses.replace(project, episodes=[shown])
            number, kept = self.session.episode_number, self.timeline if captions else None
            self.timeline = EpisodeTimeline.from_project(root, played, number, kept)
        if self.server is not None and root != self._root:
            self.server.close()
            self.server = None
        if self.server is None and root is not None and project is not None:
            medias = [root / t.media for s in (*project.shots(), *project.archived_shots)
                      for t in (*s.takes, *s.archived_takes) if t.media]  # fmt: skip
            run_in_background(self, lambda: prune(root / PROXIES, medias),  # unused proxies go
                              name="proxy-prune")  # fmt: skip
            self.server = FrameServer(
                self.timeline, self._display_size(), cache_dir=root / PROXIES,
                on_ready=lambda frame: self._emit(self._ready, frame),
            )  # fmt: skip
        elif self.server is not None:
            self.server.set_timeline(self.timeline)
        self._root, self._fonts, self.shown_frame = root, {}, -1
        self._mix_number += 1  # the mix playing is stale: a new one after a pause in the edits
        self.audio.set_samples(None)
        self._mix_timer.start()
        self._seek(self.session.playhead)

    def _takes_changed(self, shot_ids: list[str]) -> None:
        """A result gave shots a take: read the episode again if it has them."""
        if self.timeline.shows(shot_ids):
            self._reload(captions=True)

    def _emit(self, signal: Signal, *args: object) -> None:
        """Emit from a background thread (queued to the GUI thread), unless the widget is gone."""
        if not self._closed:
            with contextlib.suppress(RuntimeError):
                signal.emit(*args)  # type: ignore[attr-defined]

    def _mix(self) -> None:
        """Mix the episode's sound in a background thread; muted, there is no need."""
        episode, number = LanguageState.of(self.session).played()[1], self._mix_number
        root = self.session.root
        if episode is not None and root is not None and self.audio.available:
            episode, fps = copy.deepcopy(episode), self.timeline.fps  # the window may edit it
            run_in_background(self, lambda: mix_episode(root, fps, episode),
                              lambda mixed: self._on_mixed(number, *mixed),
                              name="episode-mix")  # fmt: skip

    def _on_mixed(self, number: int, samples: np.ndarray | None, message: str) -> None:
        if number != self._mix_number or self._closed:  # a newer mix is wanted, or none
            return
        self.audio.set_samples(samples)
        if message:
            self.status.emit(message)
        if self.rate == 1.0 and not self.audio.sounding:  # the sound joins in
            self._restart(self.shown_frame if self.shown_frame >= 0 else self.session.playhead)

    # -- playing --------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self.rate != 0

    def play(self, rate: float = 1.0) -> None:
        """Play from the playhead at ``rate`` (negative: backwards)."""
        total = self.timeline.frames
        if total == 0 or rate == 0 or self._closed:
            return
        start = self.session.playhead
        if rate > 0 and start >= total - 1:
            start = 0
        elif rate < 0 and start <= 0:
            start = total - 1
        self.rate = rate
        self._loop = self.timeline.shot_range(start)
        self._restart(start)
        if not self.audio.available and rate == 1.0:  # (with a device, a pending mix joins in)
            self.status.emit(self.muted_message())
        self._timer.start(0)
        self._update_controls()

    def pause(self) -> None:
        was = self.rate
        self.rate = 0.0
        self._timer.stop()
        self.audio.stop()
        if was:
            self._seek(self.session.playhead)
            self._update_controls()

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self, frames: int) -> None:
        """Pause and move the playhead by ``frames``."""
        self.pause()
        self.session.set_playhead(self.session.playhead + frames)

    def set_loop_shot(self, on: bool) -> None:
        """Loop the shot under the playhead while playing."""
        self.loop_shot = bool(on)
        self._loop = self.timeline.shot_range(self.session.playhead)
        self.controls.show_options(self.loop_shot, self.safe_zone)

    def set_safe_zone(self, name: str) -> None:
        """Show the safe-zone overlay of "TikTok" or "Reels"; "" hides it."""
        self.safe_zone = name if name in SAFE_ZONES else ""
        self.controls.show_options(self.loop_shot, self.safe_zone)
        self.screen_area.update()

    def _restart(self, frame: int) -> None:
        """Run the clock from ``frame`` at the current rate."""
        self._last = frame - (1 if self.rate > 0 else -1)
        self.audio.start(float(self.timeline.seconds(frame)), self.rate)

    def _tick(self) -> None:
        if self.server is not None and self.rate:
            self._advance()
        if self.rate:  # wake for the next frame's moment (soon, when this one is late)
            position = self.audio.position()
            frame = self.timeline.frame_at(position)
            due = self.timeline.seconds(frame + (1 if self.rate > 0 else 0))
            wait = (float(due) - position) / self.rate if frame == self.shown_frame else 0.004
            self._timer.start(max(1, min(40, math.ceil(wait * 1000))))

    def _advance(self) -> None:
        assert self.server is not None
        direction = 1 if self.rate > 0 else -1
        frame = self.timeline.frame_at(self.audio.position())
        first, end = self._loop
        if self.loop_shot and (frame >= end if direction > 0 else frame < first):
            frame = first if direction > 0 else end - 1
            self._restart(frame)
        if not 0 <= frame < self.timeline.frames:
            self._drive(max(0, min(frame, self.timeline.frames - 1)))
            self.pause()
            return
        self.server.prefetch(frame, direction, playing=True)
        if frame == self.shown_frame:
            self._last = frame
            return
        image = self.server.cached(frame)
        if image is None:
            return  # late: counted as dropped when a later frame is shown
        if abs(self.rate) == 1.0:
            self.dropped_frames += max(0, (frame - self._last) * direction - 1)
        self._last = frame
        self._show(frame, image)
        self._drive(frame)

    def _drive(self, frame: int) -> None:
        """Move the session's playhead without reacting to it as to a seek."""
        self._driving = True
        try:
            self.session.set_playhead(frame)
        finally:
            self._driving = False

    # -- showing --------------------------------------------------------------------------------

    def _on_playhead(self, frame: int) -> None:
        if self._driving or self._closed:
            return
        if self.playing:
            self._loop = self.timeline.shot_range(frame)
            self._restart(frame)
        else:
            self._seek(frame)

    def _seek(self, frame: int) -> None:
        """Show ``frame``, or a stand-in; the GUI thread never decodes: until a thread has a
        picture for it, the one shown stays (:meth:`_on_ready` shows it once ready)."""
        self._wanted = frame
        self._update_controls()
        if self.server is None or self.timeline.frames == 0:
            self.current_frame, self.shown_frame = None, -1
            self.screen_area.update()
            return
        self.server.prefetch(frame)
        self._glance(frame)

    def _on_ready(self, frame: int) -> None:
        """The exact frame, or its take's first, is ready (from the server)."""
        stale = frame != self.shown_frame or not self.shown_exact
        if self.rate == 0 and frame == self._wanted and stale:
            self._glance(frame)

    def _glance(self, frame: int) -> None:
        glance = self.server.glance(frame, decode=False) if self.server is not None else None
        if glance is None:
            self.shown_exact = False
        else:
            self._show(glance.frame, glance.image, glance.exact)

    def _show(self, frame: int, image: np.ndarray, exact: bool = True) -> None:
        self.current_frame, self.shown_frame, self.shown_exact = image, frame, exact
        self.caption_lines = tuple(
            line for cue in self.timeline.cues_at(frame) for line in cue.lines
        )
        problem = self.server.problem(frame) if self.server is not None else ""
        if problem and problem != self._problem:
            self.status.emit(f"Preview: {problem}")
        self._problem = problem
        self._update_controls()
        self.screen_area.update()

    def _display_size(self) -> tuple[int, int]:
        box = picture_rect(QRectF(self.screen_area.rect()))
        ratio = self.screen_area.devicePixelRatioF()
        return max(2, round(box.width() * ratio)), max(2, round(box.height() * ratio))

    def _resized(self) -> None:
        if self.server is not None:
            self.server.set_size(*self._display_size())
            if not self.playing:  # show the frame again at the new size
                self.shown_frame = -1
                self._seek(self.session.playhead)

    # -- drawing ---------------------------------------------------------------------------------

    def _paint(self, painter: QPainter) -> None:
        painter.fillRect(self.screen_area.rect(), overlays.BACKGROUND)
        box = picture_rect(QRectF(self.screen_area.rect()))
        overlays.draw_picture(painter, box, self.current_frame)
        if self.caption_lines:
            w, h = max(1, round(box.width())), max(1, round(box.height()))
            if (w, h) not in self._fonts:
                self._fonts[(w, h)] = caption_size(self.timeline.cues, w, h)
            size = self._fonts[(w, h)]
            overlays.draw_captions(painter, box, self.caption_lines, size, self.timeline.language)
        if self.safe_zone:
            overlays.draw_safe_zone(painter, box, self.safe_zone)

    # -- keys and closing ----------------------------------------------------------------------

    def shuttle(self, sign: float) -> None:
        """J/L: play backwards (``sign`` -1) or forwards, faster on each press that way."""
        speed = abs(self.rate) if self.rate * sign > 0 else 0.0
        faster = next((r for r in _RATES if r > speed), _RATES[-1])
        if self.playing and self.rate * sign > 0:
            self.rate = sign * faster
            self._restart(self.session.playhead)
            self._update_controls()
        else:
            self.pause()
            self.play(sign * faster)

    def stop(self) -> None:
        """Stop playing, the sound and all decoding, for good (when the window closes)."""
        self._closed = True
        self._timer.stop()
        self._mix_timer.stop()
        self.audio.stop()
        if self.server is not None:
            self.server.close()
            self.server = None

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # Qt's name
        self.menu.popup(event.globalPos())
        event.accept()

    def closeEvent(self, event: object) -> None:
        self.stop()
        super().closeEvent(event)  # type: ignore[arg-type]
