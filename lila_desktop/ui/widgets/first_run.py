"""The first run, right in the window: one clear action, then number and name,
the QR (or a pairing code) in place, "Linked", and the first backup made.

Pages: welcome → number → scan → done. `done_pressed` hands the window back
to the normal view; `elapsed` is how long the owner took from the first
click to the first backup (logged as `first_run_done`). In the demo the
welcome says the scan is simulated and offers `skip_pressed` (straight to the
demo numbers, which arrive once the owner leaves the flow).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.ui import i18n, texts
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.widgets.link_panel import LinkPanel

logger = logging.getLogger(__name__)


class Page:
    WELCOME, NUMBER, SCAN, DONE = range(4)


def _scaled(widget: QWidget, factor: float, bold: bool = True) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


class FirstRunPanel(QWidget):
    done_pressed = Signal(str)  # phone
    skip_pressed = Signal()  # demo only: show the demo numbers instead

    def __init__(self, bridge: PoolBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run_panel")
        self.bridge = bridge
        self.demo = bridge.transport == "simulated"
        self.phone: str | None = None
        self.started_at: float | None = None
        self.elapsed: float | None = None
        self._linked = False
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._number_page())
        self.pages.addWidget(self._scan_page())
        self.pages.addWidget(self._done_page())
        # A readable column, centred: long lines tire the eye on a wide screen.
        self.pages.setMaximumWidth(self.fontMetrics().averageCharWidth() * 110)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.pages, 4)
        outer.addStretch(1)
        bridge.snapshots_changed.connect(self._on_bridge_snapshots_changed)
        self.retranslate()

    @property
    def in_progress(self) -> bool:
        """The owner is inside the flow (the window must not switch away)."""
        return self.pages.currentIndex() != Page.WELCOME

    # --- pages -------------------------------------------------------------

    def _welcome_page(self) -> QWidget:
        page = QWidget(self)
        self.welcome_title = QLabel(page)
        self.welcome_title.setObjectName("welcome_title")
        self.welcome_title.setFont(_scaled(self, 1.6))
        self.welcome_title.setWordWrap(True)
        self.welcome_text = QLabel(page)
        self.welcome_text.setWordWrap(True)
        self.start_button = QPushButton(page)
        self.start_button.setObjectName("first_link_button")
        self.start_button.setFont(_scaled(self, 1.2))
        self.start_button.setMinimumHeight(self.fontMetrics().height() * 3)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.demo_text = QLabel(page)
        self.demo_text.setObjectName("first_demo_text")
        self.demo_text.setWordWrap(True)
        self.skip_button = QPushButton(page)
        self.skip_button.setObjectName("first_skip_button")
        self.skip_button.setFlat(True)
        self.skip_button.clicked.connect(self.skip_pressed)
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self.welcome_title)
        box.addWidget(self.welcome_text)
        box.addWidget(self.demo_text)
        box.addSpacing(16)
        box.addWidget(self.start_button)
        box.addWidget(self.skip_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(2)
        self.demo_text.setVisible(self.demo)
        self.skip_button.setVisible(self.demo)
        return page

    def _number_page(self) -> QWidget:
        page = QWidget(self)
        self.number_title = QLabel(page)
        self.number_title.setFont(_scaled(self, 1.3))
        self.number_title.setWordWrap(True)
        self.number_edit = QLineEdit(page)
        self.number_edit.setObjectName("first_number_edit")
        self.number_edit.setPlaceholderText("51902049935")
        self.number_edit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.number_edit.textEdited.connect(self._on_number_edit_text_edited)
        self.number_edit.returnPressed.connect(self._on_next_button_clicked)
        self.name_edit = QLineEdit(page)
        self.name_edit.setObjectName("first_name_edit")
        self.name_edit.setMaxLength(60)
        self.name_edit.returnPressed.connect(self._on_next_button_clicked)
        self.number_label = QLabel(page)
        self.number_label.setBuddy(self.number_edit)
        self.name_label = QLabel(page)
        self.name_label.setBuddy(self.name_edit)
        form = QFormLayout()
        form.addRow(self.number_label, self.number_edit)
        form.addRow(self.name_label, self.name_edit)
        self.error_label = QLabel(page)
        self.error_label.setObjectName("first_error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.back_button = QPushButton(page)
        self.back_button.setObjectName("first_back_button")
        self.back_button.clicked.connect(lambda: self._go(Page.WELCOME))
        self.next_button = QPushButton(page)
        self.next_button.setObjectName("first_next_button")
        self.next_button.clicked.connect(self._on_next_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self.number_title)
        box.addLayout(form)
        box.addWidget(self.error_label)
        box.addLayout(row)
        box.addStretch(2)
        return page

    def _scan_page(self) -> QWidget:
        page = QWidget(self)
        self.scan_title = QLabel(page)
        self.scan_title.setObjectName("scan_title")
        self.scan_title.setFont(_scaled(self, 1.3))
        self.scan_title.setWordWrap(True)
        self.link = LinkPanel(self.bridge, page)
        self.link.setObjectName("first_link_panel")
        self.link.linked.connect(self._on_link_linked)
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self.scan_title)
        box.addWidget(self.link)
        box.addStretch(2)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        self.done_title = QLabel(page)
        self.done_title.setObjectName("done_title")
        self.done_title.setFont(_scaled(self, 1.6))
        self.done_title.setStyleSheet("color: #1d6b34;")
        self.done_title.setWordWrap(True)
        self.backup_label = QLabel(page)
        self.backup_label.setObjectName("first_backup_label")
        self.backup_label.setWordWrap(True)
        self.finish_button = QPushButton(page)
        self.finish_button.setObjectName("first_done_button")
        self.finish_button.setDefault(True)
        self.finish_button.clicked.connect(self._on_finish_button_clicked)
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self.done_title)
        box.addWidget(self.backup_label)
        box.addSpacing(12)
        box.addWidget(self.finish_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(2)
        return page

    def retranslate(self) -> None:
        self.welcome_title.setText(self.tr("Welcome to Lila Desktop"))
        self.welcome_text.setText(
            self.tr(
                "Lila keeps your shop's WhatsApp numbers connected on this computer, and "
                "backs them up so a glitch never makes you scan again. Linking a number "
                "takes about a minute: type it, scan a code with the phone, done."
            )
        )
        self.start_button.setText(self.tr("&Link your first number"))
        self.start_button.setAccessibleName(self.tr("Link your first number"))
        self.demo_text.setText(
            self.tr(
                "This is the demo: nothing reaches WhatsApp, and a button stands in for "
                "the phone's scan. Three demo numbers with a day of history join your "
                "list when you finish."
            )
        )
        self.skip_button.setText(self.tr("&Skip: show me the demo numbers"))
        self.skip_button.setAccessibleName(self.tr("Skip: show me the demo numbers"))
        self.number_title.setText(self.tr("Step 1 of 2: which number?"))
        self.number_label.setText(self.tr("WhatsApp &number, with country code:"))
        self.name_label.setText(self.tr("A &name for it (optional):"))
        self.number_edit.setAccessibleName(self.tr("WhatsApp number, with country code"))
        self.name_edit.setAccessibleName(self.tr("A name for it (optional)"))
        self.name_edit.setPlaceholderText(self.tr("e.g. Shop front"))
        self.back_button.setText(self.tr("&Back"))
        self.back_button.setAccessibleName(self.tr("Back"))
        self.next_button.setText(self.tr("&Next: show the code"))
        self.next_button.setAccessibleName(self.tr("Next: show the code"))
        self.finish_button.setText(self.tr("&Open my numbers"))
        self.finish_button.setAccessibleName(self.tr("Open my numbers"))
        if self.phone:
            self.scan_title.setText(
                self.tr("Step 2 of 2: scan this code with the phone of +%1").replace(
                    "%1", self.phone
                )
            )
            self.done_title.setText(self.tr("Linked! +%1 is connected.").replace("%1", self.phone))
        self._update_backup_text(self.bridge.snapshot(self.phone) if self.phone else None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        focus = {
            Page.WELCOME: self.start_button,
            Page.NUMBER: self.number_edit,
            Page.SCAN: self.link.pair_button,
            Page.DONE: self.finish_button,
        }[page]
        focus.setFocus()

    def reset(self) -> None:
        self.phone = None
        self.started_at = self.elapsed = None
        self._linked = False
        self.number_edit.clear()
        self.name_edit.clear()
        self.error_label.clear()
        self.pages.setCurrentIndex(Page.WELCOME)

    # --- flow --------------------------------------------------------------

    def _on_start_button_clicked(self) -> None:
        if self.started_at is None:
            self.started_at = time.monotonic()
        self._go(Page.NUMBER)

    @async_slot
    async def _on_next_button_clicked(self) -> None:
        if self.pages.currentIndex() != Page.NUMBER or not self.next_button.isEnabled():
            return
        try:
            phone = normalize_phone(self.number_edit.text())
        except InvalidPhoneNumber as exc:
            self._show_error(
                str(exc)
                if i18n.current_language() == "en"
                else self.tr(
                    "Type the number with its country code and digits only, 8 to 15 of them "
                    "(for example 51902049935)."
                )
            )
            return
        self.next_button.setEnabled(False)
        try:
            snap = await self.bridge.add(phone, self.name_edit.text().strip())
        except ActionError as exc:
            if alive(self):
                self._show_error(str(exc))
            return
        finally:
            if alive(self):
                self.next_button.setEnabled(True)
        if not alive(self):
            return
        self.phone = snap.phone
        self.link.set_phone(snap.phone, expecting=True)
        self.retranslate()
        self._go(Page.SCAN)
        logger.info("first run: code asked", extra={"event": "first_run_code", "phone": phone})

    def _on_number_edit_text_edited(self, _text: str) -> None:
        self.error_label.clear()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.number_edit.setFocus()
        self.number_edit.selectAll()

    def _on_link_linked(self, phone: str) -> None:
        if phone != self.phone or self._linked:
            return
        self._linked = True
        self.retranslate()
        self._go(Page.DONE)

    def _on_bridge_snapshots_changed(self, batch: list[SessionSnapshot]) -> None:
        for snap in batch:
            if snap.phone == self.phone and self.pages.currentIndex() == Page.DONE:
                self._update_backup_text(snap)

    def _update_backup_text(self, snap: SessionSnapshot | None) -> None:
        if snap is None or snap.last_backup_at is None:
            self.backup_label.setText(self.tr("Making the first backup…"))
            return
        self.backup_label.setText(
            self.tr(
                "First backup made at %1. If WhatsApp ever drops this computer, Lila can put "
                "it back from a backup instead of making you scan again."
            ).replace("%1", texts.when(snap.last_backup_at))
        )
        if self.elapsed is None and self.started_at is not None and self._linked:
            self.elapsed = time.monotonic() - self.started_at
            logger.info(
                "first run done in %.1f s",
                self.elapsed,
                extra={"event": "first_run_done", "seconds": round(self.elapsed, 1)},
            )

    def _on_finish_button_clicked(self) -> None:
        phone = self.phone or ""
        self.reset()
        self.done_pressed.emit(phone)
