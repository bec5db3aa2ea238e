"""A stand-in for web.whatsapp.com:443 that fails in one chosen way (NEONIZE_NOTES 18).

Runs inside a private network namespace where web.whatsapp.com resolves to
127.0.0.1. The real whatsmeow dials it through its real TLS and websocket
code; WhatsApp's Noise handshake can never complete here (the server key is
checked against WhatsApp's own), so every fault is one before login.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
import os
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

MODES = (
    "refused",  # nothing listens: connection refused
    "blackhole",  # accepts the TCP connection, never says a word
    "slow",  # TLS and the websocket upgrade answered after a long pause, then silence
    "tls_failure",  # a certificate no one trusts
    "ws_refusal",  # TLS fine, the websocket upgrade refused (HTTP 403)
    "close_mid_handshake",  # TLS fine, the connection closed after the upgrade request
    "garbage",  # websocket accepted, then random bytes where the Noise handshake goes
)
SLOW_PAUSE = 3.0
_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: str,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(path: Path, *items: x509.Certificate | ec.EllipticCurvePrivateKey) -> Path:
    data = b""
    for item in items:
        if isinstance(item, x509.Certificate):
            data += item.public_bytes(serialization.Encoding.PEM)
        else:
            data += item.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
    path.write_bytes(data)
    return path


def make_certificates(folder: Path, host: str = "web.whatsapp.com") -> dict[str, Path]:
    """A test CA (for SSL_CERT_FILE), a server certificate it signed, and one nobody signed."""
    ca_key, leaf_key, rogue_key = _key(), _key(), _key()
    ca = _cert("Lila test CA", ca_key, "Lila test CA", ca_key, ca=True)
    leaf = _cert(host, leaf_key, "Lila test CA", ca_key, ca=False)
    rogue = _cert(host, rogue_key, host, rogue_key, ca=False)
    return {
        "ca": _pem(folder / "ca.pem", ca),
        "good": _pem(folder / "good.pem", leaf, leaf_key),
        "rogue": _pem(folder / "rogue.pem", rogue, rogue_key),
    }


def _context(pem: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pem)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def _upgrade_answer(request: bytes) -> bytes:
    key = b""
    for line in request.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1(key + _WS_GUID).digest())
    return (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )


def _binary_frame(payload: bytes) -> bytes:
    assert len(payload) < 126
    return bytes([0x82, len(payload)]) + payload


class FaultServer:
    def __init__(self, mode: str, certs: dict[str, Path], port: int = 443) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fault {mode!r}; one of {', '.join(MODES)}")
        self.mode = mode
        self.port = port
        self.certs = certs
        self.connections = 0
        self.upgrades = 0
        self._server: asyncio.Server | None = None
        self._held: list[asyncio.StreamWriter] = []
        self.accepted = asyncio.Event()  # a client reached us (cleared by the watcher)

    async def start(self) -> None:
        if self.mode == "refused":
            return
        tls = None
        if self.mode != "blackhole":
            tls = _context(self.certs["rogue" if self.mode == "tls_failure" else "good"])
        self._server = await asyncio.start_server(
            self._handle,
            "127.0.0.1",
            self.port,
            ssl=tls,
            ssl_handshake_timeout=30 if tls is not None else None,
        )

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.accepted.set()
        try:
            if self.mode == "blackhole":
                self._held.append(writer)
                await reader.read()  # until the client gives up
                return
            request = await reader.readuntil(b"\r\n\r\n")
            self.upgrades += 1
            if self.mode == "ws_refusal":
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            elif self.mode == "close_mid_handshake":
                pass
            elif self.mode == "slow":
                await asyncio.sleep(SLOW_PAUSE)
                writer.write(_upgrade_answer(request))
                await writer.drain()
                await reader.read()  # then silence until the client gives up
            elif self.mode == "garbage":
                writer.write(_upgrade_answer(request))
                writer.write(_binary_frame(os.urandom(100)))
                await writer.drain()
                await reader.read()
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def aclose(self) -> None:
        for writer in self._held:
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
