"""The invitations and reminders panel of the monitoring page: send, send again as a new batch, and
the per-judge outcome and log, read from the mail log in the database on every run.

A button carries the batch it was drawn with (in its key and its callback's arguments): two clicks,
or two tabs, on "send again" after batch N both ask for batch N+1, and the claims in the mail log
send each message of it once (``judging.mailing``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from judging import logs
from judging.core.mail import INVITE, KIND_NAMES, KINDS, REMIND, public_url, smtp_settings
from judging.core.permissions import Actor
from judging.errors import ConfigError, JudgingError
from judging.mailing import send_round_mail
from judging.store.db import read_session
from judging.store.mail import mail_log, newest_batch
from judging.ui.common import engine, lang, plain, tr

server_log = logs.get("mail")

STATE_NAMES = {"pending": "mail.state.pending", "sent": "mail.state.sent", "failed": "mail.state.failed"}
REPORT_KEY = "oc_mail_report"  # per tab: the outcome of this tab's last send, shown once it reran


def mail_panel(round_id: int, actor: Actor) -> None:
    st.subheader(tr("mail.heading"))
    try:
        configured = bool(smtp_settings() and public_url())
    except ConfigError as exc:  # the server's settings are the administrator's: say so in words, log the detail
        server_log.info("mail not configured: %s", exc.render("en"))
        st.info(tr("mail.not_configured_page"))
        configured = False
    with read_session(engine()) as s:
        newest = {kind: newest_batch(s, kind=kind, round_id=round_id, actor=actor) for kind in KINDS}
        log = mail_log(s, round_id=round_id, actor=actor)
    if configured:
        behind_only = st.checkbox(tr("mail.behind_only"), value=True, key="oc_mail_behind")
        cols = st.columns(2)
        for col, kind in zip(cols, KINDS, strict=True):
            name = tr(KIND_NAMES[kind])
            n = newest[kind]
            col.caption(tr("mail.batch_caption", kind=name, batch=n) if n else tr("mail.none_yet", kind=name))
            args = (round_id, actor, kind, None, behind_only)
            col.button(tr("mail.send_invites" if kind == INVITE else "mail.send_reminders"), key=f"oc_mail_{kind}_{n}",
                       on_click=_send, args=args)
            if n:
                col.button(tr("mail.resend_invites" if kind == INVITE else "mail.resend_reminders", next=n + 1),
                           key=f"oc_mail_{kind}_again_{n}", on_click=_send, args=(round_id, actor, kind, n, behind_only))
    _report()
    if log:
        st.caption(tr("mail.log_heading"))
        st.dataframe(pd.DataFrame([{
            tr("mail.col.kind"): tr(KIND_NAMES[m.kind]), tr("mail.col.batch"): m.batch,
            tr("mail.col.judge"): f"{m.display_name}（{m.username}）", tr("mail.col.to"): m.recipient,
            tr("mail.col.state"): tr(STATE_NAMES[m.state]), tr("mail.col.password"): "✓" if m.password_issued else "",
            tr("mail.col.attempts"): m.attempts, tr("mail.col.error"): m.error,
        } for m in log]), hide_index=True, width="stretch")


def _send(round_id: int, actor: Actor, kind: str, resend_after: int | None, behind_only: bool) -> None:
    try:
        report = send_round_mail(engine(), kind=kind, round_id=round_id, settings=smtp_settings(),
                                 base_url=public_url(), actor=actor, resend_after=resend_after,
                                 behind_only=behind_only and kind == REMIND, lang=lang())
    except JudgingError as exc:
        st.session_state[REPORT_KEY] = ("error", exc.render(lang()))
        return
    st.session_state[REPORT_KEY] = ("report", report)


def _report() -> None:
    kept = st.session_state.get(REPORT_KEY)
    if kept is None:
        return
    what, value = kept
    if what == "error":
        st.error(plain(value))  # the server's answer: text, never Markdown
        return
    text = tr("mail.report", kind=tr(KIND_NAMES[value.kind]), batch=value.batch, sent=len(value.sent),
              skipped=len(value.skipped), failed=len(value.failed))
    (st.warning if value.failed else st.success)(text)
    if value.passwords_issued:
        st.caption(tr("mail.report_passwords", n=len(value.passwords_issued)))
    if value.failed:
        st.caption(tr("mail.failed_heading"))
        st.dataframe(pd.DataFrame([{tr("mail.col.judge"): name, tr("mail.col.why"): why}
                                   for name, why in sorted(value.failed.items())]), hide_index=True, width="stretch")
