"""What a busy Python thread does to the GUI thread's calls into Qt, and what pacing it
(``studio.core.pace``, as the autosave's writer is) gives back.

Each call into Qt that lets the interpreter lock go must take it back, and a thread running
Python holds it until the switch interval forces it to let go: one paint of 300 rectangles on
the GUI thread, alone, beside a thread running Python flat out, and beside the same thread
resting as long as each of its slices ran. Median of 15 paints each.

    .venv/bin/python bench/lock_share.py
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]


def main() -> None:
    from PySide6.QtGui import QColor, QImage, QPainter

    from studio.core.pace import Pace
    from studio.ui.gui_thread import SWITCH_INTERVAL_S

    sys.setswitchinterval(SWITCH_INTERVAL_S)  # as the window has it
    image = QImage(400, 300, QImage.Format.Format_RGB32)

    def paint_ms() -> float:
        spent = []
        for _ in range(15):
            start = time.perf_counter()
            painter = QPainter(image)
            for i in range(300):
                painter.fillRect(i % 380, i % 290, 20, 10, QColor(i % 255, 0, 0))
            painter.end()
            spent.append(time.perf_counter() - start)
        return statistics.median(spent) * 1e3

    def beside(pace: Pace | None) -> float:
        stop = threading.Event()

        def busy() -> None:
            total = 0
            while not stop.is_set():
                for i in range(20_000):  # about a millisecond of Python
                    total += i
                if pace is not None:
                    pace.rest()

        thread = threading.Thread(target=busy)
        thread.start()
        try:
            return paint_ms()
        finally:
            stop.set()
            thread.join()

    paint_ms()  # warm
    alone, flat_out, paced = paint_ms(), beside(None), beside(Pace())
    print(f"\nA paint of 300 rectangles: alone {alone:.1f} ms, beside a busy Python thread"
          f" {flat_out:.1f} ms ({flat_out / alone:.0f}x), beside it paced {paced:.1f} ms"
          f" ({paced / alone:.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
