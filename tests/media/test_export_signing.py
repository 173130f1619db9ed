"""``studio export --sign``: a real episode export signed with C2PA by a self-made CA, read back
with c2pa's own Reader and PyAV; refused or missing credentials leave no MP4 behind."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import av
import pytest

pytest.importorskip("c2pa")

from c2pa_certs import SIGNER_NAME, pki_files
from export_projects import studio, voiced_project

from studio.media.c2pa_sign import TRAINED_ALGORITHMIC_MEDIA, read_manifest

pytestmark = pytest.mark.slow  # the project is made by the real CLI (~10 s, once)

PRODUCER = "Acme Shorts"
DEFAULT_OUT = Path("exports/Glass-ep02-draft.mp4")  # in the project, for --preset draft
ENV_NAMES = ("STUDIO_C2PA_CERT", "STUDIO_C2PA_KEY", "STUDIO_C2PA_ALG", "STUDIO_C2PA_TSA")


def _env(**values: Path) -> dict[str, str]:
    """Signing settings for the CLI: the ones given, every other one blanked (= unset), so the
    developer's own environment cannot leak in."""
    blank = dict.fromkeys(ENV_NAMES, "")
    return {**blank, **{f"STUDIO_C2PA_{k.upper()}": str(v) for k, v in values.items()}}


def _export_signed(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return studio("export", root, "--episode", 2, "--preset", "draft", "--sign", "--json", env=env)


def _hidden(exports: Path) -> list[str]:
    """Hidden (temporary) names anywhere under ``exports``, but for the cache folder itself."""
    return sorted(
        str(p.relative_to(exports)) for p in exports.rglob(".*") if p != exports / ".cache"
    )


def _error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The CLI's one error line, checked to be the only one and the last thing said."""
    errors = [line for line in done.stderr.splitlines() if line.startswith("studio: error:")]
    assert len(errors) == 1, done.stderr
    assert done.stderr.rstrip("\n").splitlines()[-1] == errors[0]
    return errors[0]


def _assertion(manifest: dict, prefix: str) -> dict:
    found = [a for a in manifest["assertions"] if a["label"].startswith(prefix)]
    assert len(found) == 1, [a["label"] for a in manifest["assertions"]]
    return found[0]["data"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    return pki_files(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The voiced two-episode project, with a producer to be named in the credentials."""
    root = voiced_project(tmp_path_factory.mktemp("signed"))
    done = studio("export-setup", root, "--producer", PRODUCER)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def signed(project, pki) -> tuple[Path, dict]:
    """Episode 2 exported and signed in ``project``: (the MP4, the CLI's JSON for it)."""
    done = _export_signed(project, _env(cert=pki["chain"], key=pki["key"]))
    assert done.returncode == 0, done.stderr
    [report] = json.loads(done.stdout)
    video = Path(report["files"]["video"])
    assert video == (project / DEFAULT_OUT).resolve()
    return video, report


@pytest.fixture
def fresh(tmp_path, project, signed) -> Path:
    """A copy of the project with no exports in it (its segment cache kept, so it is quick)."""
    root = tmp_path / project.name

    def skip_exports(folder: str, names: list[str]) -> list[str]:
        is_exports = Path(folder) == project / "exports"
        return [n for n in names if not n.startswith(".")] if is_exports else []

    shutil.copytree(project, root, ignore=skip_exports)
    assert not (root / DEFAULT_OUT).exists()
    return root


def test_signed_export_says_it_is_ai_made(signed):
    video, _ = signed
    manifest = read_manifest(video)
    assert manifest is not None
    assert manifest["validation_state"] == "Valid"
    assert manifest["signature_info"]["common_name"] == SIGNER_NAME
    assert "Episode 2" in manifest["title"]
    actions = _assertion(manifest, "c2pa.actions")["actions"]
    assert [(a["action"], a["digitalSourceType"]) for a in actions] == [
        ("c2pa.created", TRAINED_ALGORITHMIC_MEDIA)
    ]


def test_credentials_name_the_content_id_of_the_aigc_tag(signed):
    video, _ = signed
    with av.open(str(video)) as box:
        aigc = json.loads(box.metadata["AIGC"])
    work = _assertion(read_manifest(video), "stds.schema-org.CreativeWork")
    assert aigc["ProduceID"]
    assert work["identifier"] == aigc["ProduceID"]
    assert [a["name"] for a in work["author"]] == [PRODUCER] == [aigc["ContentProducer"]]


def test_signed_export_still_plays(signed):
    video, report = signed
    assert report["frames"] > 0
    with av.open(str(video)) as box:
        assert len(box.streams.audio) == 1
        frames = sum(1 for _ in box.decode(video=0))
    assert frames == report["frames"]


def test_signing_leaves_no_partial_files(signed, project):
    assert _hidden(project / "exports") == []


def test_a_missing_key_refuses_before_exporting(fresh, pki):
    done = _export_signed(fresh, _env(cert=pki["chain"]))
    assert done.returncode != 0
    assert "STUDIO_C2PA_KEY is not set" in _error_line(done)
    assert not (fresh / DEFAULT_OUT).exists()
    assert _hidden(fresh / "exports") == []


def test_a_garbage_key_is_refused_before_exporting(fresh, pki):
    done = _export_signed(fresh, _env(cert=pki["chain"], key=pki["garbage_key"]))
    assert done.returncode != 0
    line = _error_line(done)
    assert "c2pa refused the signing credentials" in line and "garbage_key.pem" in line
    assert "video" not in done.stderr  # no progress: nothing was encoded
    assert not (fresh / DEFAULT_OUT).exists()
    assert _hidden(fresh / "exports") == []


def test_a_key_not_matching_the_certificate_fails_the_export_and_leaves_no_mp4(fresh, pki):
    done = _export_signed(fresh, _env(cert=pki["chain"], key=pki["other_key"]))
    assert done.returncode != 0
    line = _error_line(done)
    assert "cannot sign episode 2" in line
    assert "Glass-ep02-draft.mp4" in line and ".partial" not in line  # the file meant, not a temp
    assert not (fresh / DEFAULT_OUT).exists()
    assert _hidden(fresh / "exports") == []


def test_sign_without_credentials_says_what_to_set(fresh):
    done = _export_signed(fresh, _env())
    assert done.returncode != 0
    assert "STUDIO_C2PA_CERT" in _error_line(done)
    assert not (fresh / DEFAULT_OUT).exists()
