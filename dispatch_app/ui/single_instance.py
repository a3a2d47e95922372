"""The console's local socket: one running console per user and database, which other
programs talk to (:mod:`dispatch_app.services.console_link` names it and speaks the protocol)."""
from __future__ import annotations

import json
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)
LINE_LIMIT = 64 * 1024


class InstanceServer(QObject):
    """Listens on ``address``. Signals:
        raise_requested(): a second ``dispatch-app`` wants this window in front.
        ring_requested(object, object): (the message, ``reply(dict)``): a ring handed over.
    """

    raise_requested = Signal()
    ring_requested = Signal(object, object)

    def __init__(self, address: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.address = address
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        """Listen (a stale socket left by a console that crashed is removed first: the caller
        asked before that no console answers on it)."""
        QLocalServer.removeServer(self.address)
        if not self.server.listen(self.address):
            log.warning("console link: cannot listen on %s (%s)", self.address, self.server.errorString())
            return False
        return True

    def close(self) -> None:
        self.server.close()

    def _on_new_connection(self) -> None:
        while self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.setParent(self)
            buffer = bytearray()

            def read(connection: QLocalSocket = connection, buffer: bytearray = buffer) -> None:
                buffer.extend(bytes(connection.readAll().data()))
                if len(buffer) > LINE_LIMIT:
                    connection.disconnectFromServer()
                    return
                if b"\n" in buffer:
                    self._handle(connection, bytes(buffer).split(b"\n", 1)[0])
            connection.readyRead.connect(read)
            connection.disconnected.connect(connection.deleteLater)

    def _handle(self, connection: QLocalSocket, line: bytes) -> None:
        def reply(answer: dict) -> None:
            if connection.state() == QLocalSocket.LocalSocketState.ConnectedState:
                connection.write(json.dumps(answer).encode("utf-8") + b"\n")
                connection.flush()
                connection.disconnectFromServer()
        try:
            message = json.loads(line.decode("utf-8"))
        except ValueError:
            reply({"error": "not a JSON line"})
            return
        command = message.get("command") if isinstance(message, dict) else None
        if command == "raise":
            self.raise_requested.emit()
            reply({"ok": True})
        elif command == "ring":
            self.ring_requested.emit(message, reply)
        else:
            reply({"error": f"unknown command {str(command)[:40]!r} (raise, ring)"})
