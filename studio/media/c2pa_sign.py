"""C2PA content credentials: sign a finished MP4 with a manifest saying it is AI-made; read it.

The export signs its final MP4 (after the last mux, since any later rewrite breaks the hash)
when ``c2pa-python`` is installed and a signing certificate is configured, e.g. through
``STUDIO_C2PA_CERT`` / ``STUDIO_C2PA_KEY``. The manifest says the content was created as
``trainedAlgorithmicMedia`` (IPTC digital source type) and names the producer and content id.

``c2pa`` is an optional dependency: it is imported inside the functions only, and its absence
or any refusal (unreadable key, a certificate c2pa's profile rejects, a key not matching the
certificate) becomes one :class:`SigningError` line carrying c2pa's own message.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_NAME = "Micro-Drama Studio"
DIST_NAME = "micro-drama-studio"
MP4_MIME = "video/mp4"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
ALGORITHMS = ("es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519")
_INSTALL_HINT = "install c2pa-python to sign exports"


class SigningError(Exception):
    """Signing or reading content credentials failed: one line for the user."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    """Where the signing credentials live, and how to sign with them."""

    cert_chain: Path  # PEM: the signing cert followed by its issuers
    private_key: Path  # PEM
    algorithm: str = "es256"  # one of ALGORITHMS; must match the key's type
    timestamp_url: str = ""  # an RFC 3161 time-stamp authority; "" = none (offline)


def c2pa_available() -> bool:
    """Whether c2pa-python is installed (without importing its native library)."""
    return importlib.util.find_spec("c2pa") is not None


def signing_key_from_env() -> SigningKey | None:
    """From STUDIO_C2PA_CERT / STUDIO_C2PA_KEY (/ STUDIO_C2PA_ALG, STUDIO_C2PA_TSA); None if unset.

    Both the certificate and the key must be named; only one of them is a SigningError, as is an
    algorithm c2pa does not know.
    """
    cert = os.environ.get("STUDIO_C2PA_CERT", "").strip()
    key = os.environ.get("STUDIO_C2PA_KEY", "").strip()
    if not cert and not key:
        return None
    if not cert or not key:
        missing = "STUDIO_C2PA_CERT" if not cert else "STUDIO_C2PA_KEY"
        raise SigningError(
            f"C2PA signing needs both STUDIO_C2PA_CERT and STUDIO_C2PA_KEY; {missing} is not set"
        )
    algorithm = os.environ.get("STUDIO_C2PA_ALG", "").strip().lower() or "es256"
    if algorithm not in ALGORITHMS:
        raise SigningError(f"STUDIO_C2PA_ALG={algorithm!r} is not one of {', '.join(ALGORITHMS)}")
    return SigningKey(
        cert_chain=Path(cert).expanduser(),
        private_key=Path(key).expanduser(),
        algorithm=algorithm,
        timestamp_url=os.environ.get("STUDIO_C2PA_TSA", "").strip(),
    )


def app_version() -> str:
    """This app's installed version, or "0" when it runs from an uninstalled checkout."""
    try:
        return importlib.metadata.version(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "0"


def manifest_definition(*, title: str, producer: str, content_id: str) -> dict[str, Any]:
    """The manifest to sign: who made it, its title, and that it was created by a trained model.

    c2pa writes v2 claims, where the claim generator is ``claim_generator_info`` (name and
    version; the reader shows it as "Micro-Drama Studio" + version), not the v1 string.
    """
    return {
        "claim_generator_info": [{"name": APP_NAME, "version": app_version()}],
        "title": title,
        "format": MP4_MIME,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA}
                    ]
                },
            },
            {
                "label": "stds.schema-org.CreativeWork",
                "data": {
                    "@context": "https://schema.org",
                    "@type": "CreativeWork",
                    "name": title,
                    "identifier": content_id,
                    "author": [{"@type": "Organization", "name": producer}],
                },
            },
        ],
    }


def _import_c2pa() -> Any:
    try:
        import c2pa
    except ImportError as e:
        raise SigningError(_INSTALL_HINT) from e
    return c2pa


def _one_line(error: Exception) -> str:
    """c2pa's message on one line."""
    return " ".join(str(error).split())


def _read_pem(path: Path, what: str) -> bytes:
    """The PEM file's bytes; a SigningError naming the file when it is missing or not PEM."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SigningError(f"cannot read the C2PA {what} {path}: {e.strerror or e}") from e
    if b"-----BEGIN " not in data:
        raise SigningError(f"the C2PA {what} {path} is not a PEM file")
    return data


def _signer(c2pa: Any, key: SigningKey) -> Any:
    """c2pa's Signer for ``key``; a SigningError with c2pa's reason when it refuses the key."""
    cert = _read_pem(key.cert_chain, "certificate chain")
    private = _read_pem(key.private_key, "private key")
    if key.algorithm.lower() not in ALGORITHMS:
        raise SigningError(f"unknown C2PA signing algorithm {key.algorithm!r}")
    try:
        info = c2pa.C2paSignerInfo(key.algorithm.lower(), cert, private, key.timestamp_url or None)
        return c2pa.Signer.from_info(info)
    except (c2pa.C2paError, ValueError, TypeError) as e:
        names = f"{key.cert_chain.name}, {key.private_key.name}"
        raise SigningError(f"c2pa refused the signing credentials ({names}): {_one_line(e)}") from e


def check_key(key: SigningKey) -> None:
    """SigningError now, before any work, when ``key``'s files are missing, not PEM or refused
    by c2pa (a key that does not match its certificate is only found when signing)."""
    _signer(_import_c2pa(), key)


def _temp_beside(out: Path) -> tuple[int, Path]:
    """A new hidden temporary file in ``out``'s folder (so the final rename is atomic)."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".signing", dir=out.parent)
    except OSError as e:
        raise SigningError(f"cannot write the signed {out}: {e.strerror or e}") from e
    return fd, Path(name)


def sign_mp4(
    source: Path, out: Path, key: SigningKey, *, title: str, producer: str, content_id: str
) -> None:
    """Embed a C2PA manifest in a copy of ``source`` written to ``out``.

    The copy is written under a temporary name beside ``out`` and renamed into place, so a
    failure leaves no partial ``out`` (and an existing ``out`` untouched). ``source`` is only
    read; ``out`` may be ``source`` itself to sign in place.
    """
    c2pa = _import_c2pa()
    source, out = Path(source), Path(out)
    if not source.is_file():
        raise SigningError(f"cannot sign {source}: no such file")
    signer = _signer(c2pa, key)
    definition = manifest_definition(title=title, producer=producer, content_id=content_id)
    fd, temp = _temp_beside(out)
    try:
        with (
            os.fdopen(fd, "w+b") as dest,
            open(source, "rb") as src,
            signer,
            c2pa.Builder(definition) as builder,
        ):
            builder.sign(signer, MP4_MIME, src, dest)
        os.chmod(temp, source.stat().st_mode & 0o777)  # as readable as the source, not 0600
        os.replace(temp, out)
    except c2pa.C2paError as e:
        raise SigningError(f"C2PA signing of {source.name} failed: {_one_line(e)}") from e
    except OSError as e:
        raise SigningError(f"cannot write the signed {out}: {e.strerror or e}") from e
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def read_manifest(path: Path) -> dict | None:
    """The active manifest of ``path`` as JSON (via c2pa.Reader), None when it has none.

    The dict is c2pa's own reading (``title``, ``claim_generator_info``, ``assertions``,
    ``signature_info`` ...); the store's ``validation_state`` is added under that key.
    """
    c2pa = _import_c2pa()
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            reader = c2pa.Reader.try_create(stream)  # the format is detected from the bytes
            if reader is None:
                return None
            with reader:
                store = json.loads(reader.json())
    except OSError as e:
        raise SigningError(f"cannot read {path}: {e.strerror or e}") from e
    except c2pa.C2paError as e:
        raise SigningError(
            f"cannot read the content credentials of {path.name}: {_one_line(e)}"
        ) from e
    active = store.get("manifests", {}).get(store.get("active_manifest", ""))
    if active is None:
        return None
    return {**active, "validation_state": store.get("validation_state")}
