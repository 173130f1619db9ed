"""``studio pacing``: a table or JSON per episode, exit 0 whatever it finds."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import studio

SCRIPT = """Title: Slow

# Episode 1

INT. LOBBY - NIGHT

Rain hammers the glass of the lobby doors, on and on, while the city sleeps beyond.

A clock ticks above the empty desk.

The elevator doors stay shut.

MAYA
I'm just here for a delivery.

# Episode 2

EXT. ROOF - LATER

@林晓
[[beat: reveal]]
你是谁？
"""


def test_pacing_reports_flags_and_exits_zero(tmp_path: Path):
    script = tmp_path / "slow.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    assert studio("new", tmp_path / "Slow", "--script", script).returncode == 0
    root = tmp_path / "Slow.mdstudio"

    table = studio("pacing", root, "--episode", "1")
    assert table.returncode == 0, table.stderr
    assert "Episode 1" in table.stdout and "Episode 2" not in table.stdout
    assert "hook at" in table.stdout and "no unresolved beat in the final 10 s" in table.stdout

    done = studio("pacing", root, "--json")
    assert done.returncode == 0, done.stderr
    one, two = json.loads(done.stdout)
    assert one["hook"]["flag"] is True and one["ending"]["flag"] is True
    assert one["hook"]["seconds"] > 3
    assert two["hook"] == {"seconds": 0.0, "source": "beat: reveal", "flag": False}
    assert two["ending"]["flag"] is False  # the question is heard in the final 10 s
    assert two["sound_off"]["share"] == 1.0

    # The project's own preset relaxes the hook; --preset over it tightens it again.
    (root / "pacing.json").write_text('{"hook_max_seconds": 60}', encoding="utf-8")
    relaxed = json.loads(studio("pacing", root, "--episode", "1", "--json").stdout)
    assert relaxed[0]["hook"]["flag"] is False
    strict = tmp_path / "strict.json"
    strict.write_text('{"hook_max_seconds": 1}', encoding="utf-8")
    tight = json.loads(studio("pacing", root, "--episode", "1", "--preset",
                              strict, "--json").stdout)  # fmt: skip
    assert tight[0]["hook"]["flag"] is True


def test_pacing_refuses_a_bad_preset_or_episode_in_one_line(tmp_path: Path):
    script = tmp_path / "slow.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    assert studio("new", tmp_path / "Slow", "--script", script).returncode == 0
    root = tmp_path / "Slow.mdstudio"
    bad = tmp_path / "bad.json"
    bad.write_text('{"caption_cps_max": 0}', encoding="utf-8")
    for args, message in (
        (["--preset", bad], "caption_cps_max must be from 1 to 100"),
        (["--episode", "9"], "no episode 9"),
    ):
        done = studio("pacing", root, *args)
        assert done.returncode == 1
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
