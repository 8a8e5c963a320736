"""Field encryption for personal data (a CN buyer's resident ID number).

``encrypt_field``/``decrypt_field`` use Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``)
with a key derived from ``SECRET_KEY`` by HKDF, so the database alone does not reveal the number.
``identity_digest`` is a keyed HMAC (another HKDF-derived key) used to find "the same person"
across orders (CN's annual limit) without storing the number in clear or decrypting every row.

Rotating ``SECRET_KEY`` makes older ciphertexts unreadable and changes digests: rotate with a
re-encryption migration (MultiFernet) — see ``docs/checkout.md``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        settings.SECRET_KEY.encode()
    )


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"ehub/checkout/field-encryption/v1")))


def encrypt_field(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt_field(ciphertext: str) -> str:
    return _fernet().decrypt(ciphertext.encode()).decode()


def identity_digest(value: str) -> str:
    key = _derive(b"ehub/checkout/identity-digest/v1")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
