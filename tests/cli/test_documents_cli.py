"""``judging documents show|set`` and ``judging export`` of the signed documents (SQLite and PostgreSQL):
the issuer is set once, audited, and signs every document; without it they are refused with where to set it."""

from __future__ import annotations

import io
import json

import pypdfium2 as pdfium
from docx import Document
from sqlmodel import select
from store_publication_seed import MONDAY, SETTINGS, seed_round

from judging.cli import main
from judging.core.permissions import SYSTEM
from judging.store import publication as pub
from judging.store.db import read_session, write_session
from judging.store.models import AuditEvent


def _published(engine) -> tuple[dict, str]:
    ids = seed_round(engine, entries_per_track=3, judges=3)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, close_round=True,
                                  actor=SYSTEM)
    return ids | {"publication": publication.id}, engine.url.render_as_string(hide_password=False)


def test_documents_set_and_show_record_an_audited_version(engine, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    ids, url = _published(engine)
    edition = str(ids["edition"])

    assert main(["documents", "set", "--edition", edition, "--db", url, "--issuer", "某市经济和信息化局",
                 "--scheme", "{year}信创赛证字第{seq:03d}号", "--prefix", "life=生活"]) == 0
    assert main(["documents", "show", "--edition", edition, "--db", url]) == 0

    out = capsys.readouterr().out
    assert "已保存第 1 版文书设置" in out
    assert "主办单位：某市经济和信息化局；证书编号格式：{year}信创赛证字第{seq:03d}号；示例：2026信创赛证字第001号、" \
           "2026信创赛证字第002号（第 1 版）" in out
    with read_session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "edition.document_settings")).one()
    assert (event.actor, json.loads(event.payload)["track_prefixes"]) == ("cli", {"life": "生活"})


def test_documents_set_refuses_a_scheme_without_a_sequence(engine, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    ids, url = _published(engine)

    code = main(["documents", "set", "--edition", str(ids["edition"]), "--db", url, "--issuer", "某局",
                 "--scheme", "{year}证字号"])

    assert code == 2
    assert "没有序号 {序号}" in capsys.readouterr().err


def test_export_of_a_publication_without_an_issuer_is_refused_saying_where_to_set_it(engine, tmp_path, capsys,
                                                                                    monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    ids, url = _published(engine)

    code = main(["export", "--publication", str(ids["publication"]), "--db", url, "--formats", "xlsx,docx",
                 "--out", str(tmp_path / "out")])

    assert code == 2
    err = capsys.readouterr().err
    assert "未设置主办单位" in err and "judging documents set --edition" in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())  # nothing half-written


def test_export_of_a_publication_is_signed_and_numbered_by_the_stored_settings(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    ids, url = _published(engine)
    assert main(["documents", "set", "--edition", str(ids["edition"]), "--db", url, "--issuer", "某市经济和信息化局",
                 "--prefix", "public=公服"]) == 0

    assert main(["export", "--publication", str(ids["publication"]), "--db", url, "--formats", "docx,certificates",
                 "--out", str(tmp_path)]) == 0

    docx = Document(io.BytesIO((tmp_path / "2026年信息消费创新大赛_公告.docx").read_bytes()))
    texts = [p.text for p in docx.paragraphs if p.text]
    signed = texts.index("某市经济和信息化局")
    assert texts[signed + 1] == "2026年11月23日"  # then the digests to check the list by
    pages = ["".join(p.get_textpage().get_text_range().split())
             for p in pdfium.PdfDocument((tmp_path / "2026年信息消费创新大赛_获奖证书.pdf").read_bytes())]
    assert "证书编号：〔2026〕生活类证字第001号" in pages[0]
    assert any("证书编号：〔2026〕公服证字第001号" in p for p in pages)


def test_export_from_files_names_tracks_for_the_certificates(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JUDGING_LANG", "zh")
    ranking = tmp_path / "ranking.csv"
    ranking.write_text("entry_id,track,title,organisation,tier,rank,score\n"
                       "E1,life,智慧养老,某公司,first,1,90\nE2,public,城市大脑,某单位,second,1,85\n", encoding="utf-8")
    base = ["export", "--ranking", str(ranking), "--edition", "2027年大赛", "--year", "2027", "--organiser", "某局",
            "--formats", "certificates", "--out", str(tmp_path / "out")]

    assert main(base) == 2
    assert "赛道 life 没有中文名称" in capsys.readouterr().err
    assert main([*base, "--track-names", "life=生活类,public=公共服务类", "--scheme", "{track}第{seq}号"]) == 0
    text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(
        (tmp_path / "out" / "2027年大赛_获奖证书.pdf").read_bytes()))
    assert "生活类第1号" in text and "公共服务类第1号" in text and "life" not in text
    assert main([*base, "--track-names", "life"]) == 2
    assert "--track-names 应写成" in capsys.readouterr().err
