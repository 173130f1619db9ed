"""The composition root of the window: the Qt application, the settings, the session and the
main window; ``--screenshot`` renders the window (or one panel) to a PNG and exits.

Nothing here imports torch or diffusers: generation runs in the worker process, so the window
is up in well under a second and a half.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

APP_NAME = "Micro-Drama Studio"
SCREENSHOT_SETTLE_MS = 1500  # thumbnails, waveforms and the first frame arrive off-thread


def settings() -> QSettings:
    """The user's window settings: ``$STUDIO_CONFIG_DIR/window.ini`` if set, else in the
    platform's config folder."""
    folder = os.environ.get("STUDIO_CONFIG_DIR", "").strip()
    if not folder:
        import platformdirs

        folder = str(platformdirs.user_config_path("micro-drama-studio"))
    return QSettings(str(Path(folder) / "window.ini"), QSettings.Format.IniFormat)


def run(
    project: str | None = None, screenshot: Path | None = None, panel: str | None = None
) -> int:
    """Open the window (on ``project`` if given, else on its start page) and run until it
    closes; with ``screenshot``, save the painted window (or ``panel``) as a PNG instead and
    return."""
    from studio.ui import PANELS
    from studio.ui.gui_thread import favour_gui_thread

    if panel is not None and panel not in PANELS:
        print(f"studio: error: no panel {panel!r} (panels: {', '.join(PANELS)})", file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    collector = favour_gui_thread(app)
    try:
        return _run_window(app, project, screenshot, panel)
    finally:
        collector.stop()


def _run_window(
    app: QApplication, project: str | None, screenshot: Path | None, panel: str | None
) -> int:
    from studio.ui.dialogs.preferences import Preferences
    from studio.ui.fonts import install_fonts
    from studio.ui.main_window import MainWindow
    from studio.ui.session import Session
    from studio.ui.theme import apply_theme

    install_fonts()
    prefs = Preferences.load(settings())
    apply_theme(app, prefs.theme)  # type: ignore[arg-type]
    window = MainWindow(Session(models_dir=prefs.models_path()), settings())
    opened = project is None or window.open_project(project, screenshot is None)
    if not opened and screenshot is not None:
        return 1  # a screenshot of a project that does not open: nobody to show the start page
    # a project that did not open (the box said why): the window stays, on its start page
    window.show()
    if screenshot is None:
        code = app.exec()
        window.session.wait_stopped()  # the window is gone: let the worker finish stopping
        return code
    outcome: list[int] = []

    def capture() -> None:
        target = window.panel(panel) if panel else window
        image = target.grab()
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        outcome.append(0 if image.save(str(screenshot), "PNG") else 1)
        if outcome[-1]:
            print(f"studio: error: cannot write {screenshot}", file=sys.stderr)
        window.session.close()
        window.hide()
        app.quit()

    QTimer.singleShot(SCREENSHOT_SETTLE_MS, capture)
    app.exec()
    window.session.wait_stopped()
    return outcome[0] if outcome else 1
