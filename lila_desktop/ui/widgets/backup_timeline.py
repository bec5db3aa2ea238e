"""The backup timeline of the selected number: back up now, restore, export.

Restore asks first, then shows progress inline (a busy bar and the live
status of the number) and ends with the outcome in plain words; the window
stays usable meanwhile.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.vault import BackupInfo
from lila_desktop.ui import texts
from lila_desktop.ui.asking import confirm
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.message_texts import message_text
from lila_desktop.ui.models.backups import BackupListModel, Column, reason_label

if TYPE_CHECKING:  # the pool loads after the window shows (ui/main.py)
    from lila_desktop.services.pool import RestoreOutcome

logger = logging.getLogger(__name__)

OK_STYLE = "color: #1d6b34;"
BAD_STYLE = "color: #b3261e;"


class BackupTimeline(QWidget):
    export_requested = Signal(str)  # phone
    restore_started = Signal(str)  # phone: confirmed; progress and outcome show here

    def __init__(self, bridge: PoolBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup_timeline")
        self.bridge = bridge
        self.phone: str | None = None
        self._generation = 0
        self._last_backup_at: float | None = None
        self._restoring = False
        self.model = BackupListModel(self)

        self.title = QLabel(self)
        self.title.setObjectName("timeline_title")
        self.table = QTableView(self)
        self.table.setObjectName("backup_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.SIZE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._on_table_activated)

        self.backup_button = QPushButton(self)
        self.backup_button.setObjectName("backup_now_button")
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        self.restore_button = QPushButton(self)
        self.restore_button.setObjectName("restore_button")
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("restore_progress")
        self.progress.setRange(0, 0)  # busy: WhatsApp's answer has no percentage
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.progress.hide()
        self.outcome = QLabel(self)
        self.outcome.setObjectName("outcome_label")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)

        # QShortcut, not QPushButton.setShortcut: a button's "&" mnemonic replaces
        # its shortcut every time the text is set (the language may change).
        for keys, button in (("Ctrl+B", self.backup_button), ("Ctrl+R", self.restore_button)):
            # On the window: they work from the Timeline tab too, where this list is hidden.
            shortcut = QShortcut(QKeySequence(keys), parent or self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(button.animateClick)
        bridge.backups_changed.connect(self._on_bridge_backups_changed)
        bridge.snapshots_changed.connect(self._on_bridge_snapshots_changed)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.table.setAccessibleName(self.tr("Backups of this number"))
        self.backup_button.setText(self.tr("&Back up now"))
        self.backup_button.setToolTip(self.tr("Take a backup of this number now (Ctrl+B)"))
        self.restore_button.setText(self.tr("&Restore…"))
        self.restore_button.setToolTip(
            self.tr("Put the selected backup back (the newest if none is selected) (Ctrl+R)")
        )
        self.export_button.setText(self.tr("E&xport…"))
        self.export_button.setToolTip(
            self.tr("Save this number's login to move it to another computer")
        )
        self._update_title()
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_title(self) -> None:
        if self.phone is None:
            self.title.setText(self.tr("Select a number to see its backups."))
        elif self.model.rowCount() == 0:
            self.title.setText(self.tr("No backups of +%1 yet.").replace("%1", self.phone))
        else:
            self.title.setText(self.tr("Backups of +%1 (newest first)").replace("%1", self.phone))

    def _update_buttons(self) -> None:
        has_phone = self.phone is not None and not self._restoring
        self.backup_button.setEnabled(has_phone)
        self.restore_button.setEnabled(has_phone and self.model.rowCount() > 0)
        self.export_button.setEnabled(has_phone)

    # --- data --------------------------------------------------------------

    def set_phone(self, phone: str | None) -> None:
        if phone == self.phone:
            return
        self.phone = phone
        self.outcome.clear()
        snap = self.bridge.snapshot(phone) if phone else None
        self._last_backup_at = snap.last_backup_at if snap else None
        self.model.set_backups(phone, [])
        self._update_title()
        self._update_buttons()
        if phone is not None:
            self.reload()

    @async_slot
    async def reload(self) -> None:
        self._generation += 1
        generation, phone = self._generation, self.phone
        if phone is None:
            return
        try:
            backups = await self.bridge.list_backups(phone)
        except ActionError as exc:
            if alive(self):
                self._say(str(exc), ok=False)
            return
        if not alive(self) or generation != self._generation:
            return  # closed, or a newer reload (or another number) took over
        selected = self._selected_timestamp()
        self.model.set_backups(phone, backups)
        self._select(selected)
        self._update_title()
        self._update_buttons()

    def _on_bridge_backups_changed(self, phone: str) -> None:
        if phone == self.phone:
            self.reload()

    def _on_bridge_snapshots_changed(self, batch: list[SessionSnapshot]) -> None:
        for snap in batch:
            if snap.phone != self.phone:
                continue
            if snap.last_backup_at != self._last_backup_at:
                self._last_backup_at = snap.last_backup_at
                self.reload()
            if self._restoring:
                self.outcome.setStyleSheet("")
                self.outcome.setText(
                    self.tr("Restoring… the number is now: %1").replace(
                        "%1", texts.status_label(snap.status)
                    )
                )

    def _selected_timestamp(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        info = self.model.backup_at(rows[0].row()) if rows else None
        return info.timestamp if info else None

    def _select(self, timestamp: str | None) -> None:
        for row in range(self.model.rowCount()):
            info = self.model.backup_at(row)
            if info is not None and info.timestamp == timestamp:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def _say(self, text: str, *, ok: bool) -> None:
        self.outcome.setStyleSheet(OK_STYLE if ok else BAD_STYLE)
        self.outcome.setText(text)

    # --- actions -----------------------------------------------------------

    @async_slot
    async def _on_backup_button_clicked(self) -> None:
        if self.phone is None:
            return
        phone = self.phone
        self.backup_button.setEnabled(False)
        try:
            info = await self.bridge.backup_now(phone)
        except ActionError as exc:
            self._say(str(exc), ok=False)
            return
        finally:
            self._update_buttons()
        if info is None:
            self._say(
                self.tr("Nothing changed since the last backup, so none was needed."), ok=True
            )
        else:
            self._say(
                self.tr("Backed up at %1.").replace("%1", texts.when(info.created_at)), ok=True
            )

    def _on_table_activated(self) -> None:
        self._on_restore_button_clicked()

    @async_slot
    async def _on_restore_button_clicked(self) -> None:
        if self.phone is None or self._restoring or self.model.rowCount() == 0:
            return
        rows = self.table.selectionModel().selectedRows()
        info = self.model.backup_at(rows[0].row() if rows else 0)
        if info is not None:
            await self._restore(info)

    @async_slot
    async def restore_backup(self, info: BackupInfo) -> None:
        """Offer to put back `info` (clicked on the timeline): the same confirmation,
        progress and outcome as the Restore button."""
        if info.phone != self.phone or self._restoring:
            return
        self._select(info.timestamp)
        await self._restore(info)

    async def _restore(self, info: BackupInfo) -> None:
        phone = info.phone
        ok, _ = await confirm(
            self,
            self.tr("Restore a backup"),
            self.tr("Put back the backup of +%1 taken %2 (%3)?")
            .replace("%1", phone)
            .replace("%2", texts.when(info.created_at))
            .replace("%3", reason_label(info.reason)),
            informative=self.tr(
                "The number disconnects for a moment. What it has now is backed up first, "
                "so nothing is lost."
            ),
            confirm_label=self.tr("&Restore"),
        )
        if not ok:
            return
        self._restoring = True
        self.restore_started.emit(phone)
        self._update_buttons()
        self.progress.show()
        self._say(self.tr("Restoring…"), ok=True)
        try:
            outcome = await self.bridge.restore(phone, info.timestamp)
        except ActionError as exc:
            self._say(self.tr("The restore did not happen: %1").replace("%1", str(exc)), ok=False)
            return
        finally:
            self._restoring = False
            self.progress.hide()
            self._update_buttons()
        self._say(self.outcome_text(phone, outcome), ok=outcome.accepted)
        logger.info(
            "restore finished from the timeline",
            extra={"event": "ui_restored", "phone": phone, "accepted": outcome.accepted},
        )

    def outcome_text(self, phone: str, outcome: RestoreOutcome) -> str:
        """What the owner reads after a restore: only a removed device asks for a QR."""
        if outcome.accepted:
            return self.tr("Restored: +%1 is connected again.").replace("%1", phone)
        if outcome.status in (Status.QR, Status.LOGGED_OUT):
            return self.tr(
                "WhatsApp did not accept this backup: the phone removed this device, and a "
                "removed device cannot come back. Link the number again with a new QR."
            )
        if outcome.reason is not None:  # e.g. 405 outdated: still linked, update the app
            return self.tr("The backup is back in place. %1").replace(
                "%1", message_text(outcome.reason)
            )
        return self.tr(
            "The backup is back in place, but WhatsApp has not answered yet; "
            "Lila keeps trying by itself."
        )

    def _on_export_button_clicked(self) -> None:
        if self.phone is not None:
            self.export_requested.emit(self.phone)
