"""The edition's page shows each round's timeline (AppTest)."""

from __future__ import annotations

from store_publication_seed import MONDAY, SETTINGS, seed_round
from streamlit.testing.v1 import AppTest

from judging.core.permissions import SYSTEM
from judging.store import publication as pub
from judging.store.db import open_database, write_session
from judging.store.people import create_user
from judging.ui.common import USER_KEY, SignedIn


def test_the_edition_page_shows_the_timeline(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'timeline.db'}"
    monkeypatch.setenv("JUDGING_DATABASE_URL", url)
    engine = open_database(url)
    ids = seed_round(engine)
    with write_session(engine) as s:
        pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, close_round=True, actor=SYSTEM)
        org = create_user(s, username="org", display_name="王组织", role="organiser", actor=SYSTEM)
        signed = SignedIn(org.id, org.username, org.display_name, org.role)
    at = AppTest.from_string("import judging.ui.organiser_setup as m\nm.render()", default_timeout=60)
    at.session_state[USER_KEY] = signed
    at.run()

    assert not at.exception
    table = next(d.value for d in at.dataframe if "变化" in d.value.columns)
    assert table["变化"].tolist() == ["创建（评审中）", "评审中 → 已结束", "已结束 → 已公示"]
    assert table["说明"].tolist()[-1] == "2026-11-23 – 2026-11-27"
    engine.dispose()
