"""Once a round's list is frozen, every store function that writes is refused (SQLite and PostgreSQL).

The test walks every guarded store function that is not a read, in every store module (found, not
listed), and calls it against a frozen round as a trusted shell (so that no permission stops it):
each must be refused by the lifecycle, or be named below with the reason it leaves the round alone.
A new store write that is in neither table fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date

import pandas as pd
from clock import freeze_on
from sqlmodel import select
from store_publication_seed import MONDAY, RUBRIC, SETTINGS, seed_round

import judging.store
from judging.core.award_settings import default_round_awards
from judging.core.paper_sheets import TypedSheet
from judging.core.permissions import CLI, SYSTEM
from judging.core.sheet_ids import sheet_code
from judging.errors import JudgingError
from judging.store import assignment, award_settings, editions, imports, live, panel, paper, sheets
from judging.store import publication as pub
from judging.store.db import read_session, write_session
from judging.store.models import Entry, User
from judging.store.models_mail import PaperSheet
from judging.store.scores import count_scores

ENTRY_FILE = "作品名称,申报单位,赛道\r\n新的作品,新公司,生活类\r\n".encode("utf-8-sig")


def _sheet(i, entry="L-001"):
    return {"round_id": i["round"], "judge_id": i["j1"], "entry_id": i[entry]}


def _scores_frame(i) -> pd.DataFrame:
    return pd.DataFrame({"judge_id": ["j1"], "entry_id": ["L-001"], "criterion": ["core_technology"],
                         "score": [1.0], "track": ["life"], "round": ["final"], "comment": [""]})


# name -> (call(session, ids, actor), the refusal expected: the code of its first problem)
WRITES = {
    "editions.set_round_rubric": (lambda s, i, a: editions.set_round_rubric(
        s, round_id=i["round"], rubric=RUBRIC, actor=a), "lifecycle.round_frozen"),
    "editions.update_round": (lambda s, i, a: editions.update_round(s, round_id=i["round"], name="改名", actor=a),
                              "lifecycle.round_frozen"),
    "editions.save_round_rubric": (lambda s, i, a: editions.save_round_rubric(
        s, round_id=i["round"], rubric=RUBRIC, reason="改描述", actor=a), "lifecycle.round_frozen"),
    "editions.add_entries": (lambda s, i, a: editions.add_entries(s, edition_id=i["edition"], records=[
        {"code": "N-1", "track": "life", "title": "新的作品", "organisation": "新公司"}], actor=a),
        "lifecycle.round_frozen"),
    "imports.import_entries": (lambda s, i, a: imports.import_entries(s, edition_id=i["edition"], data=ENTRY_FILE,
                                                                      actor=a), "lifecycle.round_frozen"),
    "imports.import_scores": (lambda s, i, a: imports.import_scores(s, i["round"], _scores_frame(i), a),
                              "lifecycle.round_frozen"),
    "assignment.add_conflict": (lambda s, i, a: assignment.add_conflict(
        s, judge_id=i["j1"], entry_id=i["L-001"], reason="亲属", actor=a), "lifecycle.round_frozen"),
    "assignment.assign": (lambda s, i, a: assignment.assign(s, round_id=i["round"], pairs=[(i["j1"], i["L-001"])],
                                                            actor=a), "lifecycle.round_frozen"),
    "assignment.replace_assignment": (lambda s, i, a: assignment.replace_assignment(
        s, round_id=i["round"], pairs=[], seed=1, actor=a), "lifecycle.round_frozen"),
    "assignment.remove_assignment": (lambda s, i, a: assignment.remove_assignment(
        s, **_sheet(i), reason="病假", actor=a), "lifecycle.round_frozen"),
    "assignment.add_assignment": (lambda s, i, a: assignment.add_assignment(s, **_sheet(i), reason="补充", actor=a),
                                  "lifecycle.round_frozen"),
    "assignment.generate_assignment": (lambda s, i, a: assignment.generate_assignment(
        s, round_id=i["round"], seed=1, actor=a), "lifecycle.round_frozen"),
    "assignment.fill_round_gaps": (lambda s, i, a: assignment.fill_round_gaps(s, round_id=i["round"], seed=1, actor=a),
                                   "lifecycle.round_frozen"),
    "assignment.judge_drops_out": (lambda s, i, a: assignment.judge_drops_out(
        s, round_id=i["round"], judge_id=i["j1"], seed=1, reason="病假", actor=a), "lifecycle.round_frozen"),
    "sheets.save_score": (lambda s, i, a: sheets.save_score(s, **_sheet(i), criterion="core_technology", value=1.0,
                                                            enforce_assignment=False, actor=a), "lifecycle.round_frozen"),
    "sheets.save_comment": (lambda s, i, a: sheets.save_comment(s, **_sheet(i), criterion="", text_value="补评语",
                                                                enforce_assignment=False, actor=a),
                            "lifecycle.round_frozen"),
    "sheets.save_veto": (lambda s, i, a: sheets.save_veto(s, **_sheet(i), veto_key="ip_dispute", reason="侵权",
                                                          actor=a), "lifecycle.round_frozen"),
    "sheets.clear_score": (lambda s, i, a: sheets.clear_score(s, **_sheet(i), criterion="core_technology", actor=a),
                           "lifecycle.round_frozen"),
    "sheets.clear_veto": (lambda s, i, a: sheets.clear_veto(s, **_sheet(i), veto_key="ip_dispute", actor=a),
                          "lifecycle.round_frozen"),
    "sheets.submit_sheet": (lambda s, i, a: sheets.submit_sheet(s, **_sheet(i), actor=a), "lifecycle.round_frozen"),
    "sheets.reopen_sheet": (lambda s, i, a: sheets.reopen_sheet(s, **_sheet(i), reason="补分", actor=a),
                            "lifecycle.round_frozen"),
    "sheets.declare_conflict": (lambda s, i, a: sheets.declare_conflict(s, **_sheet(i), reason="同事", actor=a),
                                "lifecycle.round_frozen"),
    "live.set_panel": (lambda s, i, a: live.set_panel(s, round_id=i["round"], judge_ids=[i["j1"]], actor=a),
                       "lifecycle.round_frozen"),
    "live.open_live_entry": (lambda s, i, a: live.open_live_entry(s, round_id=i["round"], entry_id=i["L-001"],
                                                                  actor=a), "lifecycle.round_frozen"),
    "live.close_live_entry": (lambda s, i, a: live.close_live_entry(s, round_id=i["round"], entry_id=i["L-001"],
                                                                    actor=a), "lifecycle.round_frozen"),
    "award_settings.save_award_settings": (lambda s, i, a: award_settings.save_award_settings(
        s, round_id=i["round"], awards=default_round_awards(), based_on=1, actor=a), "aws.round_published"),
    "panel.record_decision": (lambda s, i, a: panel.record_decision(
        s, round_id=i["round"], entry_id="L-001", decision="keep", reason="维持", present="张三", actor=a),
        "panel.frozen"),
    "publication.publish": (lambda s, i, a: pub.publish(s, round_id=i["round"], settings=SETTINGS, start_date=MONDAY,
                                                        actor=a), "pub.already_published"),
    "publication.change_tier": (lambda s, i, a: pub.change_tier(s, publication_id=i["publication"], entry_id="L-001",
                                                                tier="", reason="复核", actor=a), "pub.frozen"),
    "publication.add_objection": (lambda s, i, a: pub.add_objection(
        s, publication_id=i["publication"], entry_id="L-001", name="张某", contact="138", text="异议",
        received_on=MONDAY, actor=a), "pub.frozen"),
    "publication.resolve_objection": (lambda s, i, a: pub.resolve_objection(
        s, objection_id=i["objection"], upheld=False, reason="不成立", actor=a), "pub.frozen"),
    "publication.freeze": (lambda s, i, a: freeze_on(date(2026, 12, 2), s, publication_id=i["publication"], actor=a),
                           "pub.frozen"),
    "assignment.add_extra_seats": (lambda s, i, a: assignment.add_extra_seats(
        s, round_id=i["round"], pairs=[("j1", "L-001")], reason="增派", actor=a), "lifecycle.round_frozen"),
    "paper.type_in_sheets": (lambda s, i, a: paper.type_in_sheets(s, sheets=[_typed(s, i, a)], actor=a),
                             "store.round_not_open"),  # a closed round: refused before the freeze is looked at
}


def _typed(session, ids, actor) -> TypedSheet:
    """A paper sheet of the frozen round (as if printed before the freeze), typed in with a score."""
    printed = PaperSheet(round_id=ids["round"], judge_id=ids["j1"], entry_id=ids["L-001"], printed_by="cli")
    session.add(printed)
    session.flush()
    return TypedSheet(code=sheet_code(printed.id), serial=printed.id, scores={"core_technology": 80.0})

# Writes that leave the frozen round alone, with the reason.
LEAVE_THE_ROUND_ALONE = {
    "editions.create_edition": "a new edition",
    "editions.create_edition_from_spec": "a new edition",
    "editions.add_round": "a new round of the edition (the next one after a frozen round is the usual case)",
    "editions.add_track": "a track adds no entry, score or setting to any round",
    "people.create_user": "accounts",
    "people.set_passwords": "accounts",
    "people.set_judge_active": "accounts: a judge switched off keeps the scores given",
    "sessions.sign_out_everywhere": "sign-in sessions",
    "imports.import_judges": "new accounts only; their automatic conflicts withdraw none of their scores (they have none)",
    "imports.entry_import_plan": "reads only: the imports page's preview",
    "assignment.round_inputs": "reads only: what an assignment would start from",
    "advancement.confirm_advancement": "reads the round (frozen is the usual case) and writes the next one's entries",
    "publication.reopen": "reopening a frozen list, with its reason, is what it is for",
    "assignment.propose_extra_seats": "reads only: a proposal of extra judges, nothing written",
    "audit_events.verify_and_record": "the audit trail's own verification, recorded as an event",
    "documents.save_document_settings": "the edition's issuer and certificate scheme sign the documents, not the "
                                        "list; every version is kept and audited",
    "mail.claim_messages": "the mail log: messages to judges, no score or setting",
    "mail.record_outcome": "the mail log: whether a message went out",
    "mail.mail_log": "reads only: the mail log",
    "mail.newest_batch": "reads only: the mail log's newest batch",
    "mail.round_recipients": "reads only: who a message would go to",
    "materials.attach_material": "an entry's files; the bundle lists them as they were at the publish",
    "materials.import_materials": "an entry's files, as attach_material",
    "materials.set_identifying": "an entry's files: whether a blind round hides one",
    "materials.withdraw_material": "an entry's files: withdrawn ones are kept (the bundle's digests stay checkable)",
    "paper.print_sheets": "prints a round's sheets: the ids it records hold no score (typing them in is refused)",
    "paper.paper_sheet_view": "reads only: what a printed sheet id stands for",
}


def _store_writes() -> dict[str, object]:
    """Every guarded store function that is not a read (``*.read``), by module and name."""
    found = {}
    for info in pkgutil.iter_modules(judging.store.__path__):
        module = importlib.import_module(f"judging.store.{info.name}")
        for name, function in vars(module).items():
            action = getattr(function, "guarded_action", None)
            if (not name.startswith("_") and inspect.isfunction(function) and function.__module__ == module.__name__
                    and action and not action.endswith(".read")):
                found[f"{info.name}.{name}"] = function
    return found


def test_every_store_write_is_in_one_of_the_tables():
    writes = set(_store_writes())

    assert (sorted(writes - set(WRITES) - set(LEAVE_THE_ROUND_ALONE)),
            sorted((set(WRITES) | set(LEAVE_THE_ROUND_ALONE)) - writes)) == ([], [])


def _frozen_round(engine) -> dict:
    ids = seed_round(engine)
    with write_session(engine) as s:
        publication = pub.publish(s, round_id=ids["round"], settings=SETTINGS, start_date=MONDAY, close_round=True,
                                  actor=SYSTEM)
        objection = pub.add_objection(s, publication_id=publication.id, entry_id="L-001", name="张某", contact="138",
                                      text="异议", received_on=MONDAY, actor=SYSTEM)
        pub.resolve_objection(s, objection_id=objection.id, upheld=False, reason="不成立", actor=SYSTEM)
    with write_session(engine) as s:
        freeze_on(date(2026, 12, 1), s, publication_id=publication.id, actor=SYSTEM)
        users = {u.username: u.id for u in s.exec(select(User))}
        entries = {e.code: e.id for e in s.exec(select(Entry))}
    return ids | {"publication": publication.id, "objection": objection.id, "j1": users["j1"]} | entries


def _outcome(engine, call, ids) -> str:
    try:
        with write_session(engine) as s:
            call(s, ids, CLI)
    except JudgingError as exc:
        return exc.problems[0].code
    return "written"


def test_every_write_to_a_frozen_round_is_refused(engine):
    ids = _frozen_round(engine)
    with read_session(engine) as s:
        before = count_scores(s, round_id=ids["round"], actor=SYSTEM)

    outcomes = {name: _outcome(engine, call, ids) for name, (call, _) in WRITES.items()}

    with read_session(engine) as s:
        after = count_scores(s, round_id=ids["round"], actor=SYSTEM)
    assert outcomes == {name: code for name, (_, code) in WRITES.items()}
    assert after == before
