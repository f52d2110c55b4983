"""The NodeSource signing key as the stand-ins serve and check it, and OpenPGP ASCII armor.

The key bytes are a fixed stand-in for NodeSource's public key (an old-format public-key
packet, tag 6), so apt-get can tell a dearmored keyring from anything else.
"""

import base64
import hashlib

KEY_ID = "2F59B5F99B1BE0B4"
KEY_BYTES = b"\x99\x01\x0d\x04" + hashlib.sha512(b"juju-sim NodeSource key").digest() * 4 + KEY_ID.encode()
BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
END = "-----END PGP PUBLIC KEY BLOCK-----"


def crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(data: bytes) -> str:
    body = base64.b64encode(data).decode()
    lines = [body[index:index + 64] for index in range(0, len(body), 64)]
    checksum = base64.b64encode(crc24(data).to_bytes(3, "big")).decode()
    return "\n".join([BEGIN, "", *lines, "=" + checksum, END]) + "\n"


def dearmor(text: bytes) -> bytes | None:
    """The binary packets of an ASCII-armored block, or None when there is no valid armor."""
    try:
        lines = text.decode("ascii").splitlines()
    except UnicodeDecodeError:
        return None
    lines = [line.strip() for line in lines]
    if BEGIN not in lines or END not in lines:
        return None
    start, end = lines.index(BEGIN) + 1, lines.index(END)
    block = lines[start:end]
    # Armor headers ("Version: ...") end at the first blank line.
    if "" in block:
        block = block[block.index("") + 1:]
    checksum = None
    if block and block[-1].startswith("="):
        checksum = block.pop()[1:]
    try:
        data = base64.b64decode("".join(block), validate=True)
        if checksum is not None and base64.b64decode(checksum) != crc24(data).to_bytes(3, "big"):
            return None
    except ValueError:
        return None
    return data or None


def is_public_key(data: bytes) -> bool:
    """Whether `data` starts with an OpenPGP public-key packet (a binary keyring apt can read)."""
    return len(data) > 2 and (data[0] & 0x80) != 0 and ((data[0] >> 2) & 0x0F == 6 or data[0] & 0x3F == 6)


NODESOURCE_KEY_ARMORED = armor(KEY_BYTES)
