"""About: what this is and the versions of everything it runs on."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from lila_desktop import __version__
from lila_desktop.ui.icons import app_icon


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "—"


def versions(transport: str) -> list[tuple[str, str]]:
    return [
        ("Lila Desktop", __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("qasync", _version("qasync")),
        ("neonize", _version("neonize")),
        ("cryptography", _version("cryptography")),
        ("WhatsApp connection", transport),
        ("System", f"{platform.system()} {platform.release()} ({sys.platform})"),
    ]


class AboutDialog(QDialog):
    def __init__(self, transport: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(self.tr("About Lila Desktop"))
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(f"<h2>Lila Desktop {__version__}</h2>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        blurb = QLabel(
            self.tr("Keeps your shop's WhatsApp numbers connected, on your own computer."), self
        )
        blurb.setWordWrap(True)
        blurb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        rows = "".join(
            f"<tr><td style='padding-right:14px'>{name}</td><td><b>{value}</b></td></tr>"
            for name, value in versions(transport)
        )
        table = QLabel(f"<table>{rows}</table>", self)
        table.setObjectName("versions_label")
        table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (logo, title, blurb, table, buttons):
            layout.addWidget(widget)
