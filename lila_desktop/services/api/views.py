"""How pool snapshots, backups and quotas look on the wire (lila-app's camelCase)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lila_desktop.core.quota import QuotaStatus
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.vault import BackupInfo
from lila_desktop.services.wording import english


def iso(ts: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC with milliseconds, e.g. 2026-01-28T12:30:45.123Z."""
    if ts is None:
        return None
    moment = datetime.fromtimestamp(ts, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def session_summary(snap: SessionSnapshot) -> dict[str, Any]:
    """One row of `GET /api/sessions`."""
    return {
        "phoneNumber": snap.phone,
        "status": snap.status.value,
        "isConnected": snap.is_connected,
        "name": snap.name,
    }


def session_status(snap: SessionSnapshot) -> dict[str, Any]:
    """`GET /api/sessions/{phone}/status`: lila-app's fields plus what the policy knows."""
    data: dict[str, Any] = {
        "phoneNumber": snap.phone,
        "status": snap.status.value,
        "isConnected": snap.is_connected,
        "name": snap.name,
        "since": iso(snap.since),
        "message": english(snap.message),
        "messageCode": snap.message.code.value if snap.message else None,
        "needsAction": snap.status.needs_user or snap.backup_error is not None,
        "lastBackupAt": iso(snap.last_backup_at),
        "backupError": snap.backup_error,
        "loopDetected": snap.loop_detected,
    }
    if snap.status is Status.QR and snap.qr:
        data["qr"] = snap.qr
    if snap.status is Status.PAIRING and snap.pair_code:
        data["pairingCode"] = snap.pair_code
    if snap.status is Status.RECONNECTING or snap.next_retry_at is not None:
        data["reconnect"] = {"attempt": snap.attempt, "nextRetryAt": iso(snap.next_retry_at)}
    if snap.ban_until is not None:
        data["banUntil"] = iso(snap.ban_until)
    if snap.last_disconnect is not None:
        info = snap.last_disconnect
        data["lastDisconnect"] = {"code": info.code, "reason": info.reason, "at": iso(info.at)}
    return data


def backup(info: BackupInfo) -> dict[str, Any]:
    """A backup as listed; the timestamp is what `restore` takes back."""
    return {
        "timestamp": info.timestamp,
        "file": info.path.name,
        "createdAt": iso(info.created_at),
        "size": info.size,
        "reason": info.reason,
        "connected": info.connected,
    }


def quota(status: QuotaStatus) -> dict[str, Any]:
    return {
        "companyId": status.company_id,
        "period": status.period,
        "limit": status.limit,
        "used": status.used,
        "reserved": status.reserved,
        "remaining": status.remaining,
        "source": status.source,
        "portalReachable": status.portal_reachable,
        "stale": status.stale,
    }
