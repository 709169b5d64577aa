"""TOTP codes computed here with the standard library (RFC 6238: HMAC-SHA1, 30 s, 6 digits),
independently of allauth, as an authenticator app on a phone computes them."""

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret, *, at=None, period=30, digits=6):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"
