"""Self-made C2PA signing credentials for tests: a root CA and its leaf signing certificate
(EC P-256, made with ``cryptography``), written as PEM files, plus near-misses c2pa refuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from studio.media.c2pa_sign import SigningKey

PEM = serialization.Encoding.PEM
SIGNER_NAME = "Studio Test Signer"  # the leaf's common name, as c2pa's reader reports it
GARBAGE_PEM = b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
GARBAGE_KEY_PEM = b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Studio Test Org"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )


def _usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _cert(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    eku: bool = True,
) -> x509.Certificate:
    """A certificate valid from yesterday for 30 days: a CA, or a leaf signed by ``issuer_key``."""
    now = dt.datetime.now(dt.UTC)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(sign=not ca, ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if not ca:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        if eku:  # c2pa's certificate profile wants emailProtection (or documentSigning)
            b = b.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
    return b.sign(issuer_key, hashes.SHA256())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def pki_files(folder: Path) -> dict[str, Path]:
    """PEM files in ``folder``, by name: ``chain`` (leaf + root) and its ``key`` sign; the rest
    are refused by c2pa: ``other_key`` (not the leaf's), ``ca_only`` (self-signed),
    ``no_eku_chain`` (a leaf without extended key usage), ``garbage_pem``, ``garbage_key``
    (PEM armour around junk) and ``not_pem``."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    root = _name("Studio Test Root")
    ca = _cert(root, root, ca_key.public_key(), ca_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _cert(_name(SIGNER_NAME), ca.subject, leaf_key.public_key(), ca_key, ca=False)
    no_eku = _cert(_name("No EKU"), ca.subject, leaf_key.public_key(), ca_key, ca=False, eku=False)
    contents = {
        "chain": leaf.public_bytes(PEM) + ca.public_bytes(PEM),
        "key": _key_pem(leaf_key),
        "other_key": _key_pem(ec.generate_private_key(ec.SECP256R1())),
        "ca_only": ca.public_bytes(PEM),
        "no_eku_chain": no_eku.public_bytes(PEM) + ca.public_bytes(PEM),
        "garbage_pem": GARBAGE_PEM,
        "garbage_key": GARBAGE_KEY_PEM,
        "not_pem": b"this is not a certificate\n",
    }
    paths: dict[str, Path] = {}
    for name, data in contents.items():
        paths[name] = folder / f"{name}.pem"
        paths[name].write_bytes(data)
    return paths


def make_signing_key(folder: Path) -> SigningKey:
    """A fresh root CA and leaf in ``folder``; the key c2pa accepts (chain + leaf's key, ES256)."""
    files = pki_files(folder)
    return SigningKey(cert_chain=files["chain"], private_key=files["key"])
