"""The GPU/VRAM meter of the Jobs panel: the worker's device by name and, when an NVIDIA GPU is
there, its memory in use and load, read from ``nvidia-smi`` every two seconds.

The window never imports torch: the worker names its device (``runner.executor.device``), and
``nvidia-smi`` runs as a :class:`QProcess`, so nothing here waits on it. Without ``nvidia-smi``
(no NVIDIA GPU, as on a CPU-only machine) the bar stays hidden and the meter only names the
device ("CPU"). :func:`parse_nvidia_smi` reads the tool's CSV output.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass

from PySide6.QtCore import QProcess, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

QUERY = ("--query-gpu=memory.used,memory.total,utilization.gpu", "--format=csv,noheader,nounits")
INTERVAL_MS = 2000
MAX_FAILURES = 3  # nvidia-smi failing this many times in a row: stop asking
_CUDA = re.compile(r"^cuda:(\d+)")


@dataclass(frozen=True, slots=True)
class GpuReading:
    """One GPU's memory (MiB) and load (percent; None when the driver does not say)."""

    used_mib: int
    total_mib: int
    utilization: int | None = None

    @property
    def fraction(self) -> float:
        return self.used_mib / self.total_mib if self.total_mib > 0 else 0.0

    def describe(self) -> str:
        used, total = self.used_mib / 1024, self.total_mib / 1024
        load = "" if self.utilization is None else f" · GPU {self.utilization}%"
        return f"VRAM {used:.1f} / {total:.1f} GiB{load}"


def parse_nvidia_smi(text: str) -> list[GpuReading]:
    """The readings in ``nvidia-smi --query-gpu=memory.used,memory.total,utilization.gpu
    --format=csv,noheader,nounits`` output, one per GPU in index order; lines that are not
    readings (warnings, "[N/A]" memory) are skipped."""
    readings: list[GpuReading] = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 2:
            continue
        try:
            used, total = int(float(parts[0])), int(float(parts[1]))
        except ValueError:
            continue
        load: int | None = None
        if len(parts) > 2:
            try:
                load = int(float(parts[2]))
            except ValueError:
                load = None
        readings.append(GpuReading(used, total, load))
    return readings


def device_index(label: str) -> int | None:
    """The CUDA index in a worker's device label ("cuda:1 (…)" → 1); None for anything else."""
    match = _CUDA.match(label.strip())
    return int(match.group(1)) if match else None


def short_device(label: str) -> str:
    """A device label as the meter shows it: "CPU", the GPU's name, or "" when not known yet."""
    label = label.strip()
    if not label:
        return ""
    if label.lower() == "cpu":
        return "CPU"
    inside = label.partition("(")[2].rstrip(")")
    return inside.split(",")[0].strip() or label.split(" ")[0]


class GpuMeter(QWidget):
    """The device's name and, with ``nvidia-smi`` at ``smi``, a VRAM bar. ``smi`` defaults to
    the one on PATH; None: no GPU to watch."""

    def __init__(
        self,
        parent: QWidget | None = None,
        smi: str | None = "",
        interval_ms: int = INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.smi = shutil.which("nvidia-smi") if smi == "" else smi
        self.device = ""
        self.reading: GpuReading | None = None
        self._failures = 0
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(220)
        self.bar.setTextVisible(True)
        self.bar.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self._process = QProcess(self)
        self._process.finished.connect(self._read)
        self._process.errorOccurred.connect(self._process_error)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._show_device()

    @property
    def has_gpu(self) -> bool:
        """True once ``nvidia-smi`` gave a reading (the bar is shown)."""
        return self.reading is not None

    @property
    def polling(self) -> bool:
        return self._timer.isActive()

    def set_device(self, label: str) -> None:
        """The worker's device label (``runner.executor.device``; "" before it started)."""
        if label != self.device:
            self.device = label
            self._show_device()

    def poll(self) -> None:
        """Ask ``nvidia-smi`` once (the answer arrives later); a call still running is dropped."""
        if self.smi is None:
            return
        if self._process.state() != QProcess.ProcessState.NotRunning:
            self._process.kill()  # it hung for a whole interval: try again next time
            return
        self._process.start(self.smi, list(QUERY))

    def stop(self) -> None:
        self._timer.stop()
        if self._process.state() != QProcess.ProcessState.NotRunning:
            self._process.kill()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.smi is not None and self._failures < MAX_FAILURES:
            self.poll()
            self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.stop()

    # -- answers --------------------------------------------------------------------------------

    def _read(self, code: int, status: QProcess.ExitStatus) -> None:
        text = bytes(self._process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self._process.readAllStandardError()
        readings = parse_nvidia_smi(text) if status == QProcess.ExitStatus.NormalExit else []
        index = device_index(self.device) or 0
        if code != 0 or not readings:
            self._failed()
            return
        self._failures = 0
        self.reading = readings[min(index, len(readings) - 1)]
        self._show_device()

    def _process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._failed()

    def _failed(self) -> None:
        self._failures += 1
        self.reading = None
        if self._failures >= MAX_FAILURES:
            self._timer.stop()
        self._show_device()

    def _show_device(self) -> None:
        reading = self.reading
        name = short_device(self.device)
        if reading is None:
            self.bar.hide()
            self.label.setText(name or ("CPU" if self.smi is None else "GPU"))
            self.label.setToolTip(self.device or "the worker has not started yet")
            return
        self.label.setText(name or "GPU")
        self.label.setToolTip(self.device or "GPU")
        self.bar.setValue(round(reading.fraction * 1000))
        self.bar.setFormat(reading.describe())
        self.bar.setToolTip(f"{reading.used_mib} of {reading.total_mib} MiB in use")
        self.bar.show()
