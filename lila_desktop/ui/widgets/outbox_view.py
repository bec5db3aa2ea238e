"""The Outbox tab: the selected number's waiting and recent messages.

Counts by state, the next send time and the expected drain time (or why the
queue is blocked), the latest messages (all, or only the waiting, failed or
unknown ones), and Cancel (a queued one) / Send
again (a failed or expired one). It follows the outbox's changes, coalesced,
and the number selected in the session table. Attached to the window from
outside (`attach_outbox_view`), so the window itself needs no change.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.outbox import MessageStatus
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.outbox import Outbox, OutboxError, OutboxMessage, Summary
from lila_desktop.ui import texts
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.widgets.webhook_dialog import WebhookDialog

logger = logging.getLogger(__name__)

REFRESH_MS = 250  # a drain changes many messages a second: redraw at most this often
ROWS = 100
# What the list can be narrowed to (None: every state), in the filter's order.
FILTERS: tuple[MessageStatus | None, ...] = (
    None,
    MessageStatus.QUEUED,
    MessageStatus.FAILED,
    MessageStatus.UNKNOWN,
)
OK_STYLE = "color: #1d6b34;"
BAD_STYLE = "color: #b3261e;"


class OutboxView(QWidget):
    def __init__(self, outbox: Outbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outbox_view")
        self.outbox = outbox
        self.phone: str | None = None
        self.messages: list[OutboxMessage] = []
        self.summary: Summary | None = None
        self.refreshes = 0  # completed redraws (tests wait on them)
        self.tabs: QTabWidget | None = None  # set by attach_outbox_view
        self.rows: Any = None  # the session table's model (set_waiting), if the window has one

        self.title = QLabel(self)
        self.title.setObjectName("outbox_title")
        self.title.setWordWrap(True)
        self.filter_combo = QComboBox(self)
        self.filter_combo.setObjectName("outbox_filter_combo")
        for _ in FILTERS:
            self.filter_combo.addItem("")
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_current_index_changed)
        self.filter_label = QLabel(self)
        self.filter_label.setBuddy(self.filter_combo)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("outbox_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("outbox_cancel_button")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.retry_button = QPushButton(self)
        self.retry_button.setObjectName("outbox_retry_button")
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.webhook_button = QPushButton(self)
        self.webhook_button.setObjectName("outbox_webhook_button")
        self.webhook_button.clicked.connect(self._on_webhook_button_clicked)
        self.webhook_dialog: WebhookDialog | None = None
        self.result = QLabel(self)
        self.result.setObjectName("outbox_result")
        self.result.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(self.webhook_button)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.filter_label)
        top.addWidget(self.filter_combo)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.result)

        self._timer = QTimer(self)
        self._timer.setObjectName("outbox_refresh_timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_refresh_timer_timeout)
        self._unsubscribe = outbox.subscribe(self._on_outbox_changed)
        self.destroyed.connect(lambda *_: self._unsubscribe_quietly())
        self.retranslate()
        self._update_buttons()

    # --- inputs -----------------------------------------------------------------

    def set_phone(self, phone: str | None) -> None:
        if phone != self.phone:
            self.phone = phone
            self.result.clear()
            self.refresh()

    def refresh(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def status_filter(self) -> MessageStatus | None:
        return FILTERS[max(0, self.filter_combo.currentIndex())]

    def _on_filter_combo_current_index_changed(self, index: int) -> None:
        self.table.clearSelection()
        self.refresh()

    def _on_outbox_changed(self, msg: OutboxMessage) -> None:
        if alive(self):
            self.refresh()  # the rows' waiting counts follow every number

    def _unsubscribe_quietly(self) -> None:
        with contextlib.suppress(ValueError):
            self._unsubscribe()

    # --- drawing ----------------------------------------------------------------

    @async_slot
    async def _on_refresh_timer_timeout(self) -> None:
        if self.rows is not None:
            try:
                waiting = await run_blocking(self.outbox.store.waiting)
            except Exception as exc:  # the outbox closed while the app quits
                logger.debug("outbox counts not read: %s", exc)
                return
            if alive(self.rows):
                self.rows.set_waiting(waiting)
        phone = self.phone
        if phone is None:
            self.summary, self.messages = None, []
        else:
            try:
                summary = await self.outbox.summarize(phone)
                wanted = self.status_filter()
                messages = await self.outbox.page(phone=phone, status=wanted, limit=ROWS)
            except Exception as exc:  # the outbox closed while the app quits
                logger.debug("outbox view not refreshed: %s", exc)
                return
            if not alive(self) or phone != self.phone or wanted != self.status_filter():
                return
            self.summary, self.messages = summary, messages
        self._draw()
        self.refreshes += 1

    def _draw(self) -> None:
        self.title.setText(self._title_text())
        self._set_tab_text()
        self.table.setRowCount(len(self.messages))
        for row, msg in enumerate(self.messages):
            when = msg.sent_at or msg.updated_at
            cells = (
                time.strftime("%H:%M:%S", time.localtime(when)),
                msg.recipient,
                self._status_text(msg.status),
                (msg.reason or msg.body).replace("\n", " ")[:200],
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self._update_buttons()

    def _title_text(self) -> str:
        if self.phone is None:
            return self.tr("Select a number to see its outbox.")
        s = self.summary
        if s is None:
            return ""
        counts = ", ".join(
            f"{n} {self._status_text(MessageStatus(k))}" for k, n in s.counts.items() if n
        )
        none_yet = self.tr("no messages yet")
        text = f"+{self.phone}: {counts or none_yet}."
        if s.blocked:
            why = texts.status_hint(s.blocked_by) if s.blocked_by is not None else s.blocked
            return text + " " + self.tr("Waiting messages are blocked: %1").replace("%1", why)
        if s.next_send_at is not None:
            nxt = time.strftime("%H:%M:%S", time.localtime(s.next_send_at))
            text += " " + self.tr("Next send at %1; all out in about %2 s.").replace(
                "%1", nxt
            ).replace("%2", str(round(s.drain_seconds)))
        return text

    def _status_text(self, status: MessageStatus) -> str:
        return {
            MessageStatus.QUEUED: self.tr("waiting"),
            MessageStatus.SENDING: self.tr("sending"),
            MessageStatus.SENT: self.tr("sent"),
            MessageStatus.DELIVERED: self.tr("delivered"),
            MessageStatus.READ: self.tr("read"),
            MessageStatus.FAILED: self.tr("failed"),
            MessageStatus.UNKNOWN: self.tr("unknown (may have arrived)"),
            MessageStatus.EXPIRED: self.tr("expired"),
            MessageStatus.CANCELLED: self.tr("cancelled"),
        }[status]

    # --- actions ----------------------------------------------------------------

    def selected(self) -> OutboxMessage | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.messages):
            return None
        return self.messages[rows[0].row()]

    def _on_table_item_selection_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        msg = self.selected()
        self.cancel_button.setEnabled(msg is not None and msg.status is MessageStatus.QUEUED)
        self.retry_button.setEnabled(
            msg is not None and msg.status in (MessageStatus.FAILED, MessageStatus.EXPIRED)
        )

    @async_slot
    async def _on_cancel_button_clicked(self) -> None:
        msg = self.selected()
        if msg is not None:
            await self._act(self.outbox.cancel(msg.id), self.tr("Cancelled; it will not be sent."))

    @async_slot
    async def _on_retry_button_clicked(self) -> None:
        msg = self.selected()
        if msg is not None:
            await self._act(self.outbox.retry(msg.id), self.tr("Queued again."))

    @async_slot
    async def _on_webhook_button_clicked(self) -> None:
        if self.webhook_dialog is not None:
            self.webhook_dialog.raise_()
            return
        self.webhook_dialog = WebhookDialog(self.outbox.store, self.window())
        try:
            await self.webhook_dialog.run()
        finally:
            if alive(self):
                self.webhook_dialog = None

    async def _act(self, action: object, done: str) -> None:
        try:
            await action  # type: ignore[misc]
        except Exception as exc:  # OutboxError, QuotaError...: say it in place
            if alive(self):
                self.result.setStyleSheet(BAD_STYLE)
                self.result.setText(str(exc))
            if not isinstance(exc, OutboxError):
                logger.warning("outbox action failed: %s", exc)
            return
        if alive(self):
            self.result.setStyleSheet(OK_STYLE)
            self.result.setText(done)
            self.refresh()

    # --- language ---------------------------------------------------------------

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("To"), self.tr("State"), self.tr("Message or reason")]
        )
        self.cancel_button.setText(self.tr("Cancel"))
        self.retry_button.setText(self.tr("Send again"))
        self.webhook_button.setText(self.tr("Webhook…"))
        self.filter_label.setText(self.tr("Sho&w:"))
        shown = (self.tr("all"), self.tr("waiting"), self.tr("failed"), self.tr("unknown"))
        for index, text in enumerate(shown):
            self.filter_combo.setItemText(index, text)
        self._set_tab_text()
        if self.messages or self.summary is not None:
            self._draw()

    def _set_tab_text(self) -> None:
        """ "Outbox (3)" while 3 messages of the selected number wait."""
        if self.tabs is None or (index := self.tabs.indexOf(self)) < 0:
            return
        waiting = self.summary.counts.get(MessageStatus.QUEUED.value, 0) if self.summary else 0
        label = self.tr("Outbox")
        self.tabs.setTabText(index, f"{label} ({waiting})" if waiting else label)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def attach_outbox_view(window: QMainWindow, outbox: Outbox) -> OutboxView:
    """Add the Outbox tab to the main window and follow its selected number."""
    tabs = window.findChild(QTabWidget)
    if tabs is None:
        raise RuntimeError("the window has no tabs to add the Outbox to")
    view = OutboxView(outbox, tabs)
    tabs.addTab(view, "")
    view.tabs = tabs
    view.retranslate()
    current = getattr(window, "current_snapshot", None)

    def follow(*_: object) -> None:
        snap = current() if current is not None else None
        view.set_phone(snap.phone if snap is not None else None)

    model = getattr(window, "model", None)
    if model is not None and hasattr(model, "set_waiting"):
        view.rows = model  # the number's row shows when messages wait
    table = getattr(window, "table", None)
    if table is not None and table.selectionModel() is not None:
        table.selectionModel().currentChanged.connect(follow)
    follow()
    return view
