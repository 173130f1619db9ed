"""C2PA signing of a real ffmpeg-made MP4 with a self-made CA, read back with c2pa's own Reader."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

import av
import pytest

pytest.importorskip("c2pa")

from c2pa_certs import SIGNER_NAME, pki_files

from studio.media.c2pa_sign import (
    TRAINED_ALGORITHMIC_MEDIA,
    SigningError,
    SigningKey,
    c2pa_available,
    read_manifest,
    sign_mp4,
    signing_key_from_env,
)
from studio.media.ffmpeg import NO_WINDOW, ffmpeg_exe, ffmpeg_reason


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    """A root CA and its leaf (EC P-256) as PEM files, plus a few near-misses c2pa refuses."""
    return pki_files(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def source_mp4(tmp_path_factory) -> Path:
    """One second of 64×112 H.264 + AAC, faststart, made by the real ffmpeg."""
    out = tmp_path_factory.mktemp("media") / "source.mp4"
    cmd = [
        ffmpeg_exe(), "-nostdin", "-y", "-v", "error",
        "-f", "lavfi", "-i", "testsrc2=size=64x112:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-movflags", "+faststart", str(out),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as err:
        rc = subprocess.run(cmd, stderr=err, creationflags=NO_WINDOW).returncode
        assert rc == 0, ffmpeg_reason(rc, err)
    return out


@pytest.fixture
def key(pki) -> SigningKey:
    return SigningKey(cert_chain=pki["chain"], private_key=pki["key"])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _video_frames(path: Path) -> int:
    with av.open(str(path)) as box:
        return sum(1 for _ in box.decode(video=0))


def _assertion(manifest: dict, prefix: str) -> dict:
    found = [a for a in manifest["assertions"] if a["label"].startswith(prefix)]
    assert len(found) == 1, [a["label"] for a in manifest["assertions"]]
    return found[0]["data"]


def _sign(source: Path, out: Path, key: SigningKey) -> None:
    sign_mp4(
        source, out, key, title="Episode 3: The Pier", producer="Acme Shorts", content_id="ep-003"
    )


def _leftovers(folder: Path, source: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != source)


def test_c2pa_is_available():
    assert c2pa_available()


def test_signed_copy_says_it_is_ai_made(tmp_path, source_mp4, key):
    before = _sha(source_mp4)
    out = tmp_path / "signed.mp4"
    _sign(source_mp4, out, key)

    manifest = read_manifest(out)
    assert manifest is not None
    assert manifest["title"] == "Episode 3: The Pier"
    assert manifest["validation_state"] == "Valid"
    assert manifest["claim_generator_info"][0]["name"] == "Micro-Drama Studio"
    assert manifest["claim_generator_info"][0]["version"]
    assert manifest["signature_info"]["common_name"] == SIGNER_NAME
    actions = _assertion(manifest, "c2pa.actions")["actions"]
    assert [(a["action"], a["digitalSourceType"]) for a in actions] == [
        ("c2pa.created", TRAINED_ALGORITHMIC_MEDIA)
    ]
    work = _assertion(manifest, "stds.schema-org.CreativeWork")
    assert work["identifier"] == "ep-003"
    assert [a["name"] for a in work["author"]] == ["Acme Shorts"]

    assert _sha(source_mp4) == before  # the source is only read
    assert _leftovers(tmp_path, out) == []  # no temporary file left beside the output
    n = _video_frames(source_mp4)
    assert n == 30
    assert _video_frames(out) == n
    with av.open(str(out)) as box:
        assert len(box.streams.audio) == 1


def test_unsigned_file_has_no_manifest(source_mp4):
    assert read_manifest(source_mp4) is None


def test_a_changed_picture_no_longer_validates(tmp_path, source_mp4, key):
    out = tmp_path / "signed.mp4"
    _sign(source_mp4, out, key)
    data = bytearray(out.read_bytes())
    data[data.index(b"mdat") + 500] ^= 0xFF
    out.write_bytes(bytes(data))
    manifest = read_manifest(out)
    assert manifest is not None
    assert manifest["validation_state"] == "Invalid"


def test_sign_in_place(tmp_path, source_mp4, key):
    film = tmp_path / "film.mp4"
    film.write_bytes(source_mp4.read_bytes())
    _sign(film, film, key)
    assert read_manifest(film)["title"] == "Episode 3: The Pier"
    assert _leftovers(tmp_path, film) == []


@pytest.mark.parametrize(
    ("cert", "private", "reason"),
    [
        ("chain", "missing", "cannot read the C2PA private key"),
        ("missing", "key", "cannot read the C2PA certificate chain"),
        ("not_pem", "key", "is not a PEM file"),
        ("chain", "not_pem", "is not a PEM file"),
        ("garbage_pem", "key", "certificate"),  # c2pa's own: "COSE error parsing certificate"
        ("chain", "other_key", "signature does not match"),
        ("ca_only", "key", "self-signed"),
        ("no_eku_chain", "key", "certificate is invalid"),
    ],
)
def test_refused_credentials_leave_no_output(tmp_path, pki, source_mp4, cert, private, reason):
    key = SigningKey(
        cert_chain=pki.get(cert, tmp_path / "nowhere.pem"),
        private_key=pki.get(private, tmp_path / "nowhere.pem"),
    )
    out = tmp_path / "signed.mp4"
    with pytest.raises(SigningError, match=reason) as caught:
        _sign(source_mp4, out, key)
    assert "\n" not in str(caught.value)
    assert _leftovers(tmp_path, source_mp4) == []


def test_a_failed_signing_keeps_an_older_output(tmp_path, pki, source_mp4):
    out = tmp_path / "signed.mp4"
    out.write_bytes(b"the previous export")
    bad = SigningKey(cert_chain=pki["chain"], private_key=pki["other_key"])
    with pytest.raises(SigningError):
        _sign(source_mp4, out, bad)
    assert out.read_bytes() == b"the previous export"
    assert _leftovers(tmp_path, out) == []


def test_missing_source_is_a_signing_error(tmp_path, key):
    with pytest.raises(SigningError, match="no such file"):
        _sign(tmp_path / "absent.mp4", tmp_path / "out.mp4", key)
    assert list(tmp_path.iterdir()) == []


def test_without_c2pa_signing_says_what_to_install(tmp_path, monkeypatch, source_mp4, key):
    monkeypatch.setitem(sys.modules, "c2pa", None)  # `import c2pa` now raises ImportError
    with pytest.raises(SigningError, match="install c2pa-python to sign exports"):
        _sign(source_mp4, tmp_path / "out.mp4", key)
    with pytest.raises(SigningError, match="install c2pa-python"):
        read_manifest(source_mp4)
    assert list(tmp_path.iterdir()) == []


ENV = ("STUDIO_C2PA_CERT", "STUDIO_C2PA_KEY", "STUDIO_C2PA_ALG", "STUDIO_C2PA_TSA")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_key_configured(clean_env):
    assert signing_key_from_env() is None


def test_key_from_env_with_defaults(clean_env, pki):
    clean_env.setenv("STUDIO_C2PA_CERT", str(pki["chain"]))
    clean_env.setenv("STUDIO_C2PA_KEY", str(pki["key"]))
    assert signing_key_from_env() == SigningKey(pki["chain"], pki["key"], "es256", "")


def test_key_from_env_with_algorithm_and_timestamp(clean_env, pki):
    clean_env.setenv("STUDIO_C2PA_CERT", str(pki["chain"]))
    clean_env.setenv("STUDIO_C2PA_KEY", str(pki["key"]))
    clean_env.setenv("STUDIO_C2PA_ALG", "ES384")
    clean_env.setenv("STUDIO_C2PA_TSA", "http://timestamp.example/tsa")
    key = signing_key_from_env()
    assert key is not None
    assert (key.algorithm, key.timestamp_url) == ("es384", "http://timestamp.example/tsa")


def test_key_from_env_signs(clean_env, pki, tmp_path, source_mp4):
    clean_env.setenv("STUDIO_C2PA_CERT", str(pki["chain"]))
    clean_env.setenv("STUDIO_C2PA_KEY", str(pki["key"]))
    key = signing_key_from_env()
    assert key is not None
    _sign(source_mp4, tmp_path / "signed.mp4", key)
    assert read_manifest(tmp_path / "signed.mp4")["validation_state"] == "Valid"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"STUDIO_C2PA_CERT": "cert.pem"}, "STUDIO_C2PA_KEY is not set"),
        ({"STUDIO_C2PA_KEY": "key.pem"}, "STUDIO_C2PA_CERT is not set"),
        (
            {"STUDIO_C2PA_CERT": "c.pem", "STUDIO_C2PA_KEY": "k.pem", "STUDIO_C2PA_ALG": "rsa"},
            "not one of",
        ),
    ],
)
def test_half_configured_env_is_an_error(clean_env, env, reason):
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(SigningError, match=reason):
        signing_key_from_env()


def test_importing_the_module_does_not_load_c2pa():
    code = "import sys, studio.media.c2pa_sign; sys.exit('c2pa' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], creationflags=NO_WINDOW).returncode == 0
