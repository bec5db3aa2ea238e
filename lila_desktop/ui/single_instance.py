"""One app per data folder: a second launch asks the first to show its window.

A QLocalServer named from a hash of the data folder's path; the file lock
(services.instance_lock) is what really guards the credentials, the socket
is how the second launch reaches the first.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

logger = logging.getLogger(__name__)

SHOW = b"show\n"
ACK = b"ok\n"


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"lila-desktop-{digest}"


def ask_first_instance(data_dir: Path, timeout_ms: int = 1500) -> bool:
    """True if a running instance for `data_dir` answered and will show itself."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(SHOW)
    socket.flush()
    ok = socket.waitForReadyRead(timeout_ms) and bytes(socket.readAll().data()).startswith(ACK)
    socket.disconnectFromServer()
    return bool(ok)


class InstanceServer(QObject):
    show_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_server_new_connection)

    def listen(self) -> bool:
        # We hold the file lock, so a leftover socket file is from a crashed run.
        QLocalServer.removeServer(self.name)
        if not self.server.listen(self.name):
            logger.warning("single-instance server failed: %s", self.server.errorString())
            return False
        return True

    def close(self) -> None:
        self.server.close()

    def _on_server_new_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(self._on_socket_ready_read)
            socket.disconnected.connect(socket.deleteLater)

    def _on_socket_ready_read(self) -> None:
        socket = self.sender()
        if not isinstance(socket, QLocalSocket):
            return
        if bytes(socket.readAll().data()).startswith(SHOW):
            logger.info("another launch asked for the window", extra={"event": "show_requested"})
            socket.write(ACK)
            socket.flush()
            self.show_requested.emit()
