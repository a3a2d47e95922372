"""The message bridge: every message for the user goes through here.

Messages posted before a window can show them (during start-up, from a worker's error
handler) are held and delivered when a sink attaches, so nothing is lost or shown twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class Level(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Message:
    level: Level
    text: str


class MessageBridge(QObject):
    """Signals:
        message_posted(Message): a message to show, once a sink is attached.
    """

    message_posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._held: list[Message] = []
        self._attached = False

    def info(self, text: str) -> None:
        self._post(Message(Level.INFO, text))

    def warning(self, text: str) -> None:
        self._post(Message(Level.WARNING, text))

    def error(self, text: str) -> None:
        self._post(Message(Level.ERROR, text))

    def attach(self) -> None:
        """Called by the window once it can show messages: delivers what was held."""
        self._attached = True
        held, self._held = self._held, []
        for message in held:
            self.message_posted.emit(message)

    @property
    def held(self) -> tuple[Message, ...]:
        return tuple(self._held)

    def _post(self, message: Message) -> None:
        log.log(logging.ERROR if message.level is Level.ERROR else logging.INFO, "%s", message.text)
        if self._attached:
            self.message_posted.emit(message)
        else:
            self._held.append(message)
