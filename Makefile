# Two commands for a newcomer: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
# torch is pinned here, not in pyproject: this machine's pip finds the local CPU wheel for the pin,
# a GPU workstation gets the CUDA build of the same version from its index.
TORCH ?= torch==2.13.0
PIP := pip==26.3
PIP_TOOLS := pip-tools==7.7.0
LOCK_VENV := build/lock-venv
LOCK_FLAGS ?=
DEMO_DIR ?= demo
DEMO_PROJECT := $(DEMO_DIR)/glass_heiress.mdstudio
SHOTS_DIR := resources/screenshots
# The suite runs a test file whole in each of up to four processes (two on a 2-core machine):
# many tests wait on ffmpeg or the worker process. TEST_JOBS= runs it in one process. It ends
# naming the 15 slowest tests, the ones to look at when the suite outgrows its ~10 minutes.
TEST_JOBS ?= -n auto --maxprocesses=4 --dist loadfile

.PHONY: setup lock demo test lint format bench screenshots package clean

setup: $(STAMP)

# Everything but torch comes from requirements.lock: exact versions checked by their hashes, so
# every machine gets the same ffmpeg, Qt and diffusers. torch is the one pin installed on its own.
$(STAMP): pyproject.toml requirements.lock Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(PIP)"
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Refresh requirements.lock from pyproject.toml: new dependencies are added, the others keep
# their pins; `make lock LOCK_FLAGS=--upgrade` (or --upgrade-package NAME) moves them on.
# pip-tools runs in a venv of its own, so the lock never describes the tool that wrote it.
lock:
	mkdir -p build
	test -x $(LOCK_VENV)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet "$(PIP)" "$(PIP_TOOLS)")
	echo "$(TORCH)" > build/torch-constraint.txt
	$(LOCK_VENV)/bin/pip-compile --quiet --extra dev --all-build-deps --generate-hashes \
		--strip-extras --unsafe-package torch --constraint build/torch-constraint.txt \
		--no-emit-index-url --no-emit-find-links \
		$(LOCK_FLAGS) --output-file requirements.lock pyproject.toml

# The window opens on the demo when there is a display (a desktop session).
demo: setup
	$(BIN)/studio demo $(DEMO_DIR)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ "$$(uname)" = Darwin ]; then \
		$(BIN)/studio gui $(DEMO_PROJECT); \
	else echo "No display: open the window with $(BIN)/studio gui $(DEMO_PROJECT)"; fi

# The PNGs the README shows: the window on the demo project, and each panel.
screenshots: setup
	test -d $(DEMO_PROJECT) || $(BIN)/studio demo $(DEMO_DIR)
	mkdir -p $(SHOTS_DIR)
	$(BIN)/studio gui $(DEMO_PROJECT) --screenshot $(SHOTS_DIR)/window.png
	for panel in script timeline player; do \
		$(BIN)/studio gui $(DEMO_PROJECT) --screenshot $(SHOTS_DIR)/$$panel.png --panel $$panel; \
	done

test: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --durations=15 $(TEST_JOBS)

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/project_scale.py
	$(BIN)/python bench/generation_overhead.py
	$(BIN)/python bench/model_lookup.py
	$(BIN)/python bench/voice.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/player.py
	$(BIN)/python bench/ui_timeline_paint.py
	$(BIN)/python bench/ui_responsiveness.py
	$(BIN)/python bench/lock_share.py

# The app bundle without model weights (packaging/README.md): dist/micro-drama-studio/studio.
# PyInstaller is installed here, on demand, not with the dev tools.
package: setup
	$(BIN)/python -m pip install --quiet pyinstaller
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/studio.spec
	du -sh dist/micro-drama-studio

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache build dist
