"""The auditor's page with AppTest: the digests recorded with a frozen 公示, the audit trail's check,
and a bundle checked against its recorded digest (a forged one is refused with the file named)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from actors import as_user
from clock import freeze_on
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from judging.core.award_settings import RoundAwards
from judging.core.bundle import BundleSettings
from judging.core.checkpoint import short_form
from judging.core.permissions import SYSTEM
from judging.core.ranking import AwardConfig, TierRule
from judging.core.rubric import Label
from judging.store import publication as pub
from judging.store.award_settings import save_award_settings
from judging.store.db import read_session, write_session
from judging.store.sheets import save_score
from judging.ui.common import USER_KEY

AWARDS = AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),))


@pytest.fixture
def frozen(contest):
    ids, engine = contest["ids"], contest["engine"]
    with write_session(engine) as s:
        for n, entry in enumerate(("L-001", "L-002", "P-001", "P-002")):
            for judge in ("j1", "j2"):
                for criterion in ("core_technology", "application_effect", "promotion_value"):
                    save_score(s, round_id=ids["round"], judge_id=ids[judge], entry_id=ids[entry],
                               criterion=criterion, value=float(90 - 5 * n), actor=as_user(s, judge))
        save_award_settings(s, round_id=ids["round"], awards=RoundAwards(AWARDS), based_on=0, actor=SYSTEM)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=BundleSettings(method="raw", n_draws=20),
                                  start_date=date(2026, 11, 23), close_round=True, actor=SYSTEM)
    with write_session(engine) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
    with read_session(engine) as s:
        bundle = pub.publication_bundle(s, publication.id, actor=SYSTEM)
        anchor = pub.anchors_of(s, publication.id, actor=SYSTEM)[-1]
    return contest | {"bundle": bundle, "anchor": anchor}


def _page(contest) -> AppTest:
    at = AppTest.from_string("import judging.ui.auditor as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = contest["users"]["aud"]
    return at


def _forged(bundle: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["entries.json"] = files["entries.json"].replace("甲公司".encode(), "冒名公司".encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_auditor_sees_the_digests_recorded_with_the_publication(frozen):
    at = _page(frozen).run()

    shown = at.dataframe[0].value.astype(str).to_string()
    assert not at.exception
    assert short_form(frozen["anchor"].bundle_digest) in shown and short_form(frozen["anchor"].checkpoint_digest) in shown


def test_auditor_checks_the_trail_and_sees_a_direct_edit(frozen):
    at = _page(frozen).run()
    at.button(key="aud_check_trail").click().run()
    assert [s.value for s in at.success] == ["审计记录完整，所有数据与系统写入时一致，检查点签名有效"]

    with frozen["engine"].begin() as conn:
        conn.execute(text("UPDATE entry SET organisation = '冒名公司' WHERE code = 'L-001'"))
    at.button(key="aud_check_trail").click().run()

    assert any("冒名公司" in m.value for m in at.markdown)


@pytest.mark.parametrize(("forge", "ok"), [(False, True), (True, False)])
def test_a_bundle_is_checked_against_the_recorded_digest(frozen, forge, ok):
    data = _forged(frozen["bundle"]) if forge else frozen["bundle"]
    at = _page(frozen).run()

    at.file_uploader(key="aud_bundle").upload("bundle.zip", data, "application/zip").run()

    assert not at.exception
    assert bool(at.success) == ok
    if forge:  # markdown escapes the file name's dot
        assert any("entries\\.json" in m.value for m in at.markdown)
