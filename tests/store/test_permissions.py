"""The permissions matrix for store actions: every role × every guarded store function (writes and
reads), the ``permission.refused`` events (SQLite; the refusal events also on PostgreSQL), and the
checks that every store function that writes, or reads scores, sheets, publications or the audit
trail, is guarded."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date
from pathlib import Path

import pytest
from actors import NO_SUCH_ID, as_user
from clock import freeze_on
from material_files import image_bytes, pdf_bytes
from sqlmodel import select

import judging.store
from judging.core import permissions
from judging.core.audit_query import LogQuery
from judging.core.award_settings import default_round_awards
from judging.core.bundle import BundleSettings
from judging.core.documents import DocumentSettings
from judging.core.permissions import CLI, SYSTEM, SYSTEM_ROLE, Actor
from judging.core.ranking import AwardConfig, TierRule
from judging.core.rubric import Label, load_rubric
from judging.core.scores_io import empty_scores_frame
from judging.errors import JudgingError, PermissionDenied
from judging.store import (
    documents,
    imports,
    panel,
    publication,
)
from judging.store.advancement import advancement_preview
from judging.store.assignment import (
    add_conflict,
    add_extra_seats,
    assign,
    conflict_rows,
    propose_extra_seats,
    remove_assignment,
)
from judging.store.audit_events import (
    chain_state,
    count_matching,
    event_kinds,
    log_events,
    log_names,
    log_page,
    resolve_query,
    verify_and_record,
)
from judging.store.audit_log import (
    count_events,
    last_seed,
    replay_all,
    replay_scores,
    score_mismatches,
    stored_scores,
    verify_audit_chain,
)
from judging.store.audit_verify import audit_problems
from judging.store.award_settings import award_settings_history, award_settings_of, save_award_settings
from judging.store.checkpoints import checkpoint_problems
from judging.store.db import open_database, read_session, write_session
from judging.store.editions import (
    add_entries,
    add_round,
    add_track,
    create_edition,
    entries_of,
    set_round_rubric,
    update_round,
)
from judging.store.guard import authorize, guarded
from judging.store.lifecycle import round_timeline
from judging.store.live import live_board, ordinary_sheets, panel_of
from judging.store.mail import claim_messages, mail_log, newest_batch, record_outcome, round_recipients
from judging.store.materials import (
    attach_material,
    blob_problems,
    entry_materials,
    import_materials,
    material_file,
    publication_materials,
    set_identifying,
    sheet_material_file,
    sheet_materials,
    withdraw_material,
)
from judging.store.models import AuditEvent, RoundEntry, User
from judging.store.paper import paper_sheet_view, print_sheets, type_in_sheets
from judging.store.people import (
    active_judges,
    create_user,
    get_user,
    list_judges,
    list_users,
    set_judge_active,
    set_passwords,
    taken_usernames,
)
from judging.store.scores import (
    count_scores,
    load_scores_frame,
    round_data,
    round_score_version,
    sheet_status_rows,
    vetoes_frame,
)
from judging.store.seals import seal_problems
from judging.store.sessions import live_session_counts, sign_out_everywhere
from judging.store.sheets import (
    assigned_entries,
    clear_score,
    declare_conflict,
    judge_entry_rows,
    judge_queue,
    live_final_of_judge,
    load_sheet,
    open_rounds_of_judge,
    reopen_sheet,
    save_comment,
    save_score,
    save_veto,
    submit_sheet,
    submitted_sheets,
)

PNG = image_bytes("PNG")
RUBRIC = load_rubric(Path(__file__).parents[2] / "rubrics" / "innovation_contest.toml")
FULL = {"core_technology": 80.0, "application_effect": 70.0, "promotion_value": 90.0}
# off: an inactive organiser; cli: the command line (a trusted shell). The rest must be refused everything:
# nobody: a name with no account; deleted: the actor of an account deleted since it was resolved;
# bare-name: an account's name as a string instead of an actor; empty: ""; none: None;
# forged-shell: a trusted shell's role with an account's id; fake-shell: the system role under another name.
ACTORS = ("j1", "org", "ann", "aud", "off", "cli", "nobody", "deleted", "bare-name", "empty", "none",
          "forged-shell", "fake-shell")
UNTRUSTED = ("off", "nobody", "deleted", "bare-name", "empty", "none", "forged-shell", "fake-shell")
ORG = {"org", "cli"}


def _actor(session, name: str, ids: dict) -> object:
    """What a call in the matrix passes as ``actor`` for the row ``name``."""
    special = {
        "cli": CLI, "bare-name": "org", "empty": "", "none": None,
        "deleted": Actor(id=ids["gone"], username="gone", role="organiser"),
        "forged-shell": Actor(id=ids["org"], username="org", role=SYSTEM_ROLE),
        "fake-shell": Actor(id=None, username="intruder", role=SYSTEM_ROLE),
    }
    return special[name] if name in special else as_user(session, name)


SETTINGS = BundleSettings(method="raw", seed=1, n_draws=20,
                          awards=AwardConfig(tiers=(TierRule("first", Label("一等奖", "First prize"), count=1),)))


def _build(engine) -> dict:
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        prelim = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        final = add_round(s, edition_id=edition.id, key="final", name="终评", rubric=RUBRIC, status="closed", actor=SYSTEM)
        review = add_round(s, edition_id=edition.id, key="review", name="复评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[
            {"code": f"E{i}", "track": "life", "title": f"作品{i}"} for i in range(1, 5)], actor=SYSTEM)
        users = {name: create_user(s, username=name, display_name=name, role=role, actor=SYSTEM)
                 for name, role in [("j1", "judge"), ("j2", "judge"), ("org", "organiser"),
                                    ("ann", "announcer"), ("aud", "auditor"), ("off", "organiser")]}
        users["off"].active = False
        gone = create_user(s, username="gone", display_name="gone", role="organiser", actor=SYSTEM)
    with write_session(engine) as s:  # an organiser account deleted after its actor was resolved
        s.delete(s.get(User, gone.id))
    with write_session(engine) as s:
        e = {x.code: x.id for x in entries_of(s, edition.id)}
        j1, j2 = users["j1"].id, users["j2"].id
        assign(s, round_id=prelim.id, pairs=[(j1, e["E1"]), (j1, e["E2"]), (j1, e["E4"]), (j2, e["E1"])], actor=SYSTEM)
        assign(s, round_id=final.id, pairs=[(j1, e["E1"])], actor=SYSTEM)
        # the published round has its own entry (as a later round does), so the edition still takes entries
        s.add(RoundEntry(round_id=review.id, entry_id=e["E4"]))
        assign(s, round_id=review.id, pairs=[(j1, e["E4"])], actor=SYSTEM)
        add_conflict(s, judge_id=j1, entry_id=e["E2"], actor=SYSTEM)
        material = attach_material(s, entry_id=e["E1"], file_name="E1_申报书.pdf", data=pdf_bytes(),
                                   actor=SYSTEM).attached[0]
        attach_material(s, entry_id=e["E2"], file_name="E2_申报书.pdf", data=pdf_bytes("E2"), actor=SYSTEM)
    with write_session(engine) as s:
        where = {"round_id": prelim.id, "judge_id": j1}
        save_score(s, **where, entry_id=e["E1"], criterion="core_technology", value=60.0, actor=as_user(s, "j1"))
        for criterion, value in FULL.items():
            save_score(s, **where, entry_id=e["E4"], criterion=criterion, value=value, actor=as_user(s, "j1"))
        submit_sheet(s, **where, entry_id=e["E4"], actor=as_user(s, "j1"))
        for criterion, value in FULL.items():  # the round whose list is published (and so closed)
            save_score(s, round_id=review.id, judge_id=j1, entry_id=e["E4"], criterion=criterion, value=value,
                       actor=as_user(s, "j1"))
    with write_session(engine) as s:
        published = publication.publish(s, round_id=review.id, settings=SETTINGS, start_date=date(2026, 11, 23),
                                        close_round=True,
                                        actor=CLI)
    return {"edition": edition.id, "prelim": prelim.id, "final": final.id, "j1": j1, "j2": j2,
            "org": users["org"].id, "gone": gone.id, "publication": published.id, "material": material.id} | e


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('perm') / 'perm.db'}")
    yield engine, _build(engine)
    engine.dispose()


def _sheet(ids, entry="E1", judge="j1", rnd="prelim"):
    return {"round_id": ids[rnd], "judge_id": ids[judge], "entry_id": ids[entry]}


def _score(ids, **where):
    return lambda s, a: save_score(s, **_sheet(ids, **where), criterion="core_technology", value=70.0, actor=a)


# name -> (call(session, ids, actor), the actors allowed). "Allowed" means the permission check
# passed: the call either worked or failed on its own input (a missing publication, an empty file).
STORE_ACTIONS = {
    "create_edition": (lambda s, i, a: create_edition(s, name="x", year=2027, actor=a), ORG),
    "add_round": (lambda s, i, a: add_round(s, edition_id=i["edition"], key="k", name="k", rubric=RUBRIC, actor=a), ORG),
    "set_round_rubric": (lambda s, i, a: set_round_rubric(s, round_id=i["final"], rubric=RUBRIC, actor=a), ORG),
    "add_track": (lambda s, i, a: add_track(s, edition_id=i["edition"], key="t", name_zh="新", actor=a), ORG),
    "update_round": (lambda s, i, a: update_round(s, round_id=i["final"], name="终评2", actor=a), ORG),
    "create_user": (lambda s, i, a: create_user(s, username="new", display_name="新", actor=a), ORG),
    "set_judge_active": (lambda s, i, a: set_judge_active(s, judge_id=i["j2"], active=False, actor=a), ORG),
    "set_passwords": (lambda s, i, a: set_passwords(s, passwords={}, actor=a), ORG),
    "sign_out_everywhere": (lambda s, i, a: sign_out_everywhere(s, user_id=i["j2"], actor=a), ORG),
    "add_entries": (lambda s, i, a: add_entries(s, edition_id=i["edition"], records=[
        {"code": "E9", "track": "life", "title": "新"}], actor=a), ORG),
    "import_entries": (lambda s, i, a: imports.import_entries(s, edition_id=i["edition"], data=b"", actor=a), ORG),
    "import_judges": (lambda s, i, a: imports.import_judges(s, data=b"", actor=a), ORG),
    "import_scores": (lambda s, i, a: imports.import_scores(s, i["prelim"], empty_scores_frame(), a), ORG),
    "assign": (lambda s, i, a: assign(s, round_id=i["prelim"], pairs=[(i["j2"], i["E3"])], actor=a), ORG),
    "add_conflict": (lambda s, i, a: add_conflict(s, judge_id=i["j2"], entry_id=i["E3"], actor=a), ORG),
    "remove_assignment": (lambda s, i, a: remove_assignment(
        s, round_id=i["prelim"], judge_id=i["j2"], entry_id=i["E1"], reason="病假", actor=a), ORG),
    "reopen_sheet": (lambda s, i, a: reopen_sheet(s, **_sheet(i, "E4"), actor=a), ORG),
    "propose_extra_seats": (lambda s, i, a: propose_extra_seats(
        s, round_id=i["prelim"], entry_codes=["E3"], extra=1, seed=0, actor=a), ORG),
    "add_extra_seats": (lambda s, i, a: add_extra_seats(
        s, round_id=i["prelim"], pairs=[("j1", "E3")], reason="待议", actor=a), ORG),
    "save_score own sheet": (lambda s, i, a: _score(i)(s, a), {"j1", "cli"}),
    "save_score another judge's sheet": (lambda s, i, a: _score(i, judge="j2")(s, a), {"cli"}),
    "save_score entry not assigned": (lambda s, i, a: _score(i, entry="E3")(s, a), set()),
    "save_score entry in conflict": (lambda s, i, a: _score(i, entry="E2")(s, a), set()),
    "save_score closed round": (lambda s, i, a: _score(i, rnd="final")(s, a), set()),
    "save_score submitted sheet": (lambda s, i, a: _score(i, entry="E4")(s, a), set()),
    # enforce_assignment=False skips the sheet rules (paper sheets typed in): an importer's right, never a judge's
    "save_score own sheet unchecked": (lambda s, i, a: save_score(
        s, **_sheet(i), criterion="core_technology", value=70.0, actor=a, enforce_assignment=False), ORG),
    "save_score entry not assigned unchecked": (lambda s, i, a: save_score(
        s, **_sheet(i, entry="E3"), criterion="core_technology", value=70.0, actor=a, enforce_assignment=False), ORG),
    "save_score entry in conflict unchecked with 0": (lambda s, i, a: save_score(  # falsy, not False
        s, **_sheet(i, entry="E2"), criterion="core_technology", value=70.0, actor=a, enforce_assignment=0), ORG),
    "save_comment own sheet unchecked": (lambda s, i, a: save_comment(
        s, **_sheet(i, entry="E2"), criterion="", text_value="好", actor=a, enforce_assignment=False), ORG),
    "save_comment own sheet": (lambda s, i, a: save_comment(s, **_sheet(i), criterion="", text_value="好",
                                                                 actor=a), {"j1", "cli"}),
    "save_veto own sheet": (lambda s, i, a: save_veto(s, **_sheet(i), veto_key="ip", reason="侵权", actor=a),
                            {"j1", "cli"}),
    # the sheet rules hold for every actor, trusted shells too: a submitted sheet is locked
    "save_veto submitted sheet": (lambda s, i, a: save_veto(s, **_sheet(i, "E4"), veto_key="ip", reason="侵权",
                                                                 actor=a), set()),
    "clear_score own sheet": (lambda s, i, a: clear_score(s, **_sheet(i), criterion="core_technology", actor=a),
                              {"j1", "cli"}),
    "submit_sheet own sheet": (lambda s, i, a: submit_sheet(s, **_sheet(i), actor=a), {"j1", "cli"}),
    "declare_conflict own entry": (lambda s, i, a: declare_conflict(s, **_sheet(i), reason="同事", actor=a),
                                   {"j1", "org", "cli"}),
    "declare_conflict for another judge": (lambda s, i, a: declare_conflict(
        s, **_sheet(i, judge="j2"), reason="同事", actor=a), {"org", "cli"}),
    # the sheet's rules hold for a declaration too: refused for everyone, with whom to ask
    "declare_conflict submitted sheet": (lambda s, i, a: declare_conflict(s, **_sheet(i, "E4"), reason="同事",
                                                                          actor=a), set()),
    "declare_conflict unassigned entry": (lambda s, i, a: declare_conflict(s, **_sheet(i, "E3"), reason="同事",
                                                                           actor=a), set()),
    "declare_conflict closed round": (lambda s, i, a: declare_conflict(s, **_sheet(i, rnd="final"), reason="同事",
                                                                       actor=a), set()),
    "change_tier": (lambda s, i, a: publication.change_tier(s, publication_id=999, entry_id="E1", tier="一等奖",
                                                            reason="复核", actor=a), ORG),
    "add_objection": (lambda s, i, a: publication.add_objection(
        s, publication_id=999, entry_id="E1", name="张", contact="1", text="异议", received_on=date(2026, 5, 6),
        actor=a), ORG),
    "resolve_objection": (lambda s, i, a: publication.resolve_objection(s, objection_id=999, upheld=False,
                                                                        reason="不成立", actor=a), ORG),
    "freeze": (lambda s, i, a: freeze_on(date(2026, 6, 1), s, publication_id=999, actor=a), ORG),
    "reopen": (lambda s, i, a: publication.reopen(s, publication_id=999, reason="复核", actor=a), ORG),
    "save_award_settings": (lambda s, i, a: save_award_settings(s, round_id=i["prelim"], awards=default_round_awards(),
                                                                based_on=0, actor=a), ORG),
    "save_document_settings": (lambda s, i, a: documents.save_document_settings(
        s, edition_id=i["edition"], settings=DocumentSettings(issuer="某局"), based_on=0, actor=a), ORG),
    "attach_material": (lambda s, i, a: attach_material(s, entry_id=i["E3"], file_name="E3.pdf", data=pdf_bytes("E3"),
                                                        actor=a), ORG),
    "import_materials": (lambda s, i, a: import_materials(s, edition_id=i["edition"], files=[("E3_附件.png", PNG)],
                                                          actor=a), ORG),
    "set_identifying": (lambda s, i, a: set_identifying(s, material_id=i["material"], identifying=True, actor=a), ORG),
    "withdraw_material": (lambda s, i, a: withdraw_material(s, material_id=i["material"], actor=a), ORG),
    "verify_and_record": (lambda s, i, a: verify_and_record(s, actor=a), {"org", "aud", "cli"}),
    "round_recipients": (lambda s, i, a: round_recipients(s, round_id=i["prelim"], actor=a), ORG),
    "newest_batch": (lambda s, i, a: newest_batch(s, kind="invite", round_id=i["prelim"], actor=a), ORG),
    "claim_messages": (lambda s, i, a: claim_messages(s, kind="invite", round_id=i["prelim"], batch=1, recipients=[],
                                                      actor=a), ORG),
    "record_outcome": (lambda s, i, a: record_outcome(s, message_id=999, subject="邀请", actor=a), ORG),
    "mail_log": (lambda s, i, a: mail_log(s, round_id=i["prelim"], actor=a), ORG),
    "print_sheets": (lambda s, i, a: print_sheets(s, round_id=i["prelim"], actor=a), ORG),
    "paper_sheet_view": (lambda s, i, a: paper_sheet_view(s, code="PS-00000001-X", actor=a), ORG),
    "type_in_sheets": (lambda s, i, a: type_in_sheets(s, sheets=[], actor=a), ORG),
    "record_decision": (lambda s, i, a: panel.record_decision(s, round_id=i["prelim"], entry_id="E1", decision="keep",
                                                              reason="维持", present="张三", actor=a), ORG),
}


class _RollBack(Exception):
    """Ends a case's transaction so that the world stays the same for the next case."""


def _outcome(engine, call, ids, actor) -> str:
    try:
        with write_session(engine) as s:
            call(s, ids, _actor(s, actor, ids))
            raise _RollBack
    except PermissionDenied:
        return "refused"
    except (_RollBack, JudgingError):
        return "allowed"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(STORE_ACTIONS))
def test_store_action_is_allowed_or_refused_as_specified(world, action, actor):
    engine, ids = world
    call, allowed = STORE_ACTIONS[action]

    outcome = _outcome(engine, call, ids, actor)

    assert outcome == ("allowed" if actor in allowed else "refused")


SHEET_J1 = {"j1", "org", "cli"}  # sheet.read on j1's own sheets
SHEET_J2 = {"org", "cli"}  # sheet.read on another judge's sheets, as j1 would try it
SCORES = {"org", "aud", "cli"}  # scores.read
LISTS = {"org", "ann", "aud", "cli"}  # publication.read
AUDIT = {"org", "aud", "cli"}  # audit.read
PEOPLE = {"org", "cli"}  # people.read: accounts come with their password hashes
MATERIALS = {"org", "cli"}  # materials.read outside a judge's sheet: auditors and announcers see no files

# name (the store function first) -> (call(session, ids, actor), the actors allowed). An allowed read
# must return without any error: the world has a publication, scores and a submitted sheet to read.
STORE_READS = {
    "load_sheet own sheet": (lambda s, i, a: load_sheet(s, **_sheet(i), actor=a), SHEET_J1),
    "load_sheet another judge's sheet": (lambda s, i, a: load_sheet(s, **_sheet(i, judge="j2"), actor=a),
                                         SHEET_J2),
    "judge_entry_rows own list": (lambda s, i, a: judge_entry_rows(s, round_id=i["prelim"], judge_id=i["j1"],
                                                                        actor=a), SHEET_J1),
    "judge_entry_rows another judge's list": (lambda s, i, a: judge_entry_rows(
        s, round_id=i["prelim"], judge_id=i["j2"], actor=a), SHEET_J2),
    "judge_queue own list": (lambda s, i, a: judge_queue(s, round_id=i["prelim"], judge_id=i["j1"], actor=a),
                             SHEET_J1),
    "judge_queue another judge's list": (lambda s, i, a: judge_queue(s, round_id=i["prelim"],
                                                                          judge_id=i["j2"], actor=a), SHEET_J2),
    "assigned_entries own list": (lambda s, i, a: assigned_entries(s, round_id=i["prelim"], judge_id=i["j1"],
                                                                        actor=a), SHEET_J1),
    "assigned_entries another judge's list": (lambda s, i, a: assigned_entries(
        s, round_id=i["prelim"], judge_id=i["j2"], actor=a), SHEET_J2),
    "open_rounds_of_judge own rounds": (lambda s, i, a: open_rounds_of_judge(s, judge_id=i["j1"], actor=a),
                                        SHEET_J1),
    "open_rounds_of_judge another judge's rounds": (lambda s, i, a: open_rounds_of_judge(
        s, judge_id=i["j2"], actor=a), SHEET_J2),
    "live_final_of_judge own panels": (lambda s, i, a: live_final_of_judge(s, judge_id=i["j1"], actor=a),
                                       SHEET_J1),
    "live_final_of_judge another judge's panels": (lambda s, i, a: live_final_of_judge(
        s, judge_id=i["j2"], actor=a), SHEET_J2),
    "load_scores_frame": (lambda s, i, a: load_scores_frame(s, round_id=i["prelim"], actor=a), SCORES),
    "count_scores": (lambda s, i, a: count_scores(s, round_id=i["prelim"], actor=a), SCORES),
    "round_score_version": (lambda s, i, a: round_score_version(s, round_id=i["prelim"], actor=a), SCORES),
    "submitted_sheets": (lambda s, i, a: submitted_sheets(s, round_id=i["prelim"], actor=a), SCORES),
    "conflict_rows": (lambda s, i, a: conflict_rows(s, edition_id=i["edition"], actor=a), SCORES),
    "sheet_status_rows": (lambda s, i, a: sheet_status_rows(s, round_id=i["prelim"], actor=a), SCORES),
    "advancement_preview": (lambda s, i, a: advancement_preview(s, round_id=i["prelim"], actor=a), SCORES),
    "live_board": (lambda s, i, a: live_board(s, round_id=i["prelim"], actor=a), SCORES),
    "ordinary_sheets": (lambda s, i, a: ordinary_sheets(s, round_id=i["prelim"], actor=a), SCORES),
    "vetoes_frame": (lambda s, i, a: vetoes_frame(s, round_id=i["prelim"], actor=a), SCORES),
    "round_data": (lambda s, i, a: round_data(s, round_id=i["prelim"], actor=a), SCORES),
    "get_publication": (lambda s, i, a: publication.get_publication(s, i["publication"], actor=a), LISTS),
    "publication_of_round": (lambda s, i, a: publication.publication_of_round(s, i["prelim"], actor=a), LISTS),
    "publications_of": (lambda s, i, a: publication.publications_of(s, i["edition"], actor=a), LISTS),
    "current_list": (lambda s, i, a: publication.current_list(s, i["publication"], actor=a), LISTS),
    "changes_of": (lambda s, i, a: publication.changes_of(s, i["publication"], actor=a), LISTS),
    "tier_changes": (lambda s, i, a: publication.tier_changes(s, i["publication"], actor=a), LISTS),
    "objections_of": (lambda s, i, a: publication.objections_of(s, i["publication"], actor=a), LISTS),
    "reopenings_of": (lambda s, i, a: publication.reopenings_of(s, i["publication"], actor=a), LISTS),
    "publication_bundle": (lambda s, i, a: publication.publication_bundle(s, i["publication"], actor=a), SCORES),
    "verify_audit_chain": (lambda s, i, a: verify_audit_chain(s, actor=a), AUDIT),
    "count_events": (lambda s, i, a: count_events(s, actor=a), AUDIT),
    "last_seed": (lambda s, i, a: last_seed(s, round_id=i["prelim"], actor=a), AUDIT),
    "replay_all": (lambda s, i, a: replay_all(s, actor=a), AUDIT),
    "replay_scores": (lambda s, i, a: replay_scores(s, i["prelim"], actor=a), AUDIT),
    "stored_scores": (lambda s, i, a: stored_scores(s, i["prelim"], actor=a), AUDIT),
    "score_mismatches": (lambda s, i, a: score_mismatches(s, actor=a), AUDIT),
    "seal_problems": (lambda s, i, a: seal_problems(s, actor=a), AUDIT),
    "audit_problems": (lambda s, i, a: audit_problems(s, actor=a), AUDIT),
    "round_timeline": (lambda s, i, a: round_timeline(s, edition_id=i["edition"], actor=a), AUDIT),
    "checkpoint_problems": (lambda s, i, a: checkpoint_problems(s, actor=a), AUDIT),
    "anchors_of": (lambda s, i, a: publication.anchors_of(s, i["publication"], actor=a), LISTS),
    "log_page": (lambda s, i, a: log_page(s, query=LogQuery(), actor=a), AUDIT),
    "log_events": (lambda s, i, a: list(log_events(s, query=LogQuery(), actor=a)), AUDIT),
    "count_matching": (lambda s, i, a: count_matching(s, query=LogQuery(), actor=a), AUDIT),
    "event_kinds": (lambda s, i, a: event_kinds(s, actor=a), AUDIT),
    "log_names": (lambda s, i, a: log_names(s, actor=a), AUDIT),
    "resolve_query": (lambda s, i, a: resolve_query(s, entry="E1", actor=a), AUDIT),
    "chain_state": (lambda s, i, a: chain_state(s, actor=a), AUDIT),
    "get_user": (lambda s, i, a: get_user(s, "j1", actor=a), PEOPLE),
    "list_judges": (lambda s, i, a: list_judges(s, actor=a), PEOPLE),
    "active_judges": (lambda s, i, a: active_judges(s, actor=a), PEOPLE),
    "panel_of": (lambda s, i, a: panel_of(s, round_id=i["prelim"], actor=a), PEOPLE),
    "taken_usernames": (lambda s, i, a: taken_usernames(s, actor=a), PEOPLE),
    "list_users": (lambda s, i, a: list_users(s, actor=a), PEOPLE),
    "live_session_counts": (lambda s, i, a: live_session_counts(s, actor=a), PEOPLE),
    "award_settings_of": (lambda s, i, a: award_settings_of(s, round_id=i["prelim"], actor=a), SCORES),
    "award_settings_history": (lambda s, i, a: award_settings_history(s, round_id=i["prelim"], actor=a), SCORES),
    "panel_decisions": (lambda s, i, a: publication.panel_decisions(s, round_id=i["prelim"], actor=a), SCORES),
    "document_settings_of": (lambda s, i, a: documents.document_settings_of(s, edition_id=i["edition"], actor=a),
                             LISTS),
    "document_settings_history": (lambda s, i, a: documents.document_settings_history(
        s, edition_id=i["edition"], actor=a), LISTS),
    "publication_documents": (lambda s, i, a: documents.publication_documents(s, i["publication"], actor=a), LISTS),
    "entry_materials": (lambda s, i, a: entry_materials(s, entry_ids=[i["E1"]], actor=a), MATERIALS),
    "material_file": (lambda s, i, a: material_file(s, material_id=i["material"], actor=a), MATERIALS),
    "sheet_materials own sheet": (lambda s, i, a: sheet_materials(s, **_sheet(i), actor=a), SHEET_J1),
    "sheet_materials another judge's sheet": (lambda s, i, a: sheet_materials(s, **_sheet(i, judge="j2"), actor=a),
                                              SHEET_J2),
    # the entry's own rules hold for everyone: not assigned, or a conflict declared, shows nothing
    "sheet_materials entry not assigned": (lambda s, i, a: sheet_materials(s, **_sheet(i, "E3"), actor=a), set()),
    "sheet_materials entry in conflict": (lambda s, i, a: sheet_materials(s, **_sheet(i, "E2"), actor=a), set()),
    "sheet_material_file own sheet": (lambda s, i, a: sheet_material_file(
        s, **_sheet(i), material_id=i["material"], actor=a), SHEET_J1),
    "sheet_material_file another entry's file": (lambda s, i, a: sheet_material_file(
        s, **_sheet(i, "E4"), material_id=i["material"], actor=a), set()),
    "publication_materials": (lambda s, i, a: publication_materials(
        s, publication_id=i["publication"], entry_codes=["E4"], actor=a), SCORES),
    "blob_problems": (lambda s, i, a: blob_problems(s, actor=a), AUDIT),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("read", list(STORE_READS))
def test_store_read_is_allowed_or_refused_as_specified(world, read, actor):
    engine, ids = world
    call, allowed = STORE_READS[read]

    try:
        with read_session(engine) as s:
            call(s, ids, _actor(s, actor, ids))
        outcome = "allowed"
    except PermissionDenied:
        outcome = "refused"

    assert outcome == ("allowed" if actor in allowed else "refused")


# Every store module is checked, found by listing the package (a new module is covered without being
# added here), except these, which hold no function that reads or writes a protected row for a caller:
NOT_STORE_FUNCTIONS = {
    "db": "engines and sessions",
    "guard": "the permission check itself",
    "models": "the tables", "models_documents": "tables", "models_mail": "tables",
    "models_materials": "tables", "models_write_path": "tables",
}
STORE_MODULES = tuple(importlib.import_module(f"judging.store.{m.name}")
                      for m in pkgutil.iter_modules(judging.store.__path__)
                      if not m.ispkg and m.name not in NOT_STORE_FUNCTIONS)


def _public_functions():
    for module in STORE_MODULES:
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            yield module, name, function


# Writers that run before anyone is signed in, or that are the audit trail itself.
SIGN_IN_WRITERS = {"record_event", "record_events", "append_event", "record_failure", "count_attempt", "settle_attempt",
                   "create_first_organiser",  # only on an empty database, after the setup code (nobody signed in yet)
                   "change_own_password",  # the account itself, with its current password
                   "write_checkpoint"}  # the trail signing itself: inside guarded publish/freeze and every commit


def _writers():
    """Public store functions that write (they record an audit event) and are not reads."""
    for module, name, function in _public_functions():
        source = inspect.getsource(inspect.unwrap(function))
        if ("record_event(" in source or "append_event(" in source) and name not in SIGN_IN_WRITERS:
            yield f"{module.__name__}.{name}", function


@pytest.mark.parametrize(("name", "function"), list(_writers()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_store_writer_is_guarded(name, function):
    assert getattr(function, "guarded_action", None) in permissions.ACTIONS, name


# What only some roles may see: scores, sheets, comments, vetoes, the audit trail, the 公示 lists and the
# accounts (with their password hashes).
PROTECTED_MODELS = ("Score", "ScoreSheet", "Comment", "Veto", "AuditEvent", "Publication", "PublicationChange",
                    "Objection", "PublicationReopening", "User", "SessionToken", "Material", "MaterialBlob")
# Store functions that read those and stay unguarded, with the reason.
UNGUARDED_READS = {
    "judging.store.audit_log.record_event": "reads the chain's last hash to append to it; called by guarded writers "
                                      "and by the guard itself to record a refusal",
    "judging.store.audit_log.record_events": "the bulk form of record_event (imports, the demo builder)",
    "judging.store.audit_log.append_event": "record_event's body; also records the refusal of a caller that "
                                            "is no actor at all",
    "judging.store.people.record_failure": "counts a failed sign-in: nobody is signed in yet (authentication)",
    "judging.store.people.count_attempt": "counts a sign-in attempt before its password is checked (authentication)",
    "judging.store.people.settle_attempt": "settles a counted sign-in attempt (authentication)",
    "judging.store.people.actor_by_password": "signs in: returns an actor (never the hash) for the right password",
    "judging.store.people.actor_for_claims": "single sign-on: returns an actor for a verified email, nothing else",
    "judging.store.people.resolve_actor": "the shells' one look-up per request: an actor, never the account row",
    "judging.store.people.count_users": "a count (is the database empty?), for the sign-in page",
    "judging.store.people.display_name_of": "the actor's own display name, for the tab that just signed in",
    "judging.store.people.password_is_one_time": "whether the actor's own password is a one-time one",
    "judging.store.people.create_first_organiser": "counts the accounts (none yet) and returns the new actor",
    "judging.store.people.change_own_password": "the account itself, after its current password was checked",
    "judging.store.sessions.issue_session": "a token for the account that has just signed in (the sign-in's "
                                            "check first); reads the account as stored now to refuse any other",
    "judging.store.sessions.check_session": "restores a signed-in tab from its session token (the browser holds "
                                            "the token, as a password at sign-in): an actor or why not, "
                                            "never a row",
    "judging.store.seals.problems_under_key": "seal_problems' body with the key given: a key rotation (CLI) checks "
                                              "the seals under the old key; shows only what differs",
    "judging.store.checkpoints.write_checkpoint": "signs the trail's newest event inside the guarded publish and "
                                                  "freeze and the commit of every writer; returns its digest",
    "judging.store.seals.committed_seal_tables": "the seals' summary (counts and XORs of digests) for a "
                                                 "checkpoint inside publish and freeze; no row content",
    "judging.store.seals.redigest_seals": "digests the seals again under a new key, on the connection of a key "
                                          "rotation (CLI, which holds the database credentials); returns a count",
    "judging.store.seals.seal_everything": "seals every row on the connection of the migration that introduces "
                                           "seals; returns a count",
    "judging.store.audit_log.rekey_chain": "chains the trail again under a new key, on the connection of a "
                                           "migration or a key rotation (CLI); returns counts and event ids",
    "judging.store.write_path.chain_for": "locks the head of the chain record_event extends (its last id and "
                                          "digest), inside the writer's own transaction",
    "judging.store.write_path.fold": "every chain's newest event id and digest for a checkpoint, inside "
                                     "write_checkpoint; no payload",
    "judging.store.write_path.head_problems": "the chains' heads against their chains for seal_problems (guarded); "
                                              "ids and chain names only",
    "judging.store.sheets.sheet_facts": "the one query behind the sheet rules; called by guarded sheet writers",
    "judging.store.panel.carry_out": "a panel decision's move on the list, inside the guarded record_decision; reads "
                                     "the list through the guarded current_list and writes through the guarded "
                                     "change_tier, with the caller's actor",
    "judging.store.lifecycle.round_write": "the decorator of round writers: refuses a write to a published round "
                                           "before the guarded writer runs (a status, no row content)",
    "judging.store.lifecycle.check_round_unpublished": "round_write's check: a round's publication status",
    "judging.store.lifecycle.check_edition_open_to_entries": "a refusal check inside the guarded entry imports: "
                                                             "whether the edition's lists are published",
    "judging.store.lifecycle.check_conflict_leaves_lists_alone": "a refusal check inside the guarded conflict "
                                                                 "writers: whether the entry is on a frozen list",
    "judging.store.synthetic.build_contest": "builds a synthetic contest for the benchmarks on an engine it is "
                                             "given, as the trusted shell (whoever calls it holds the database "
                                             "credentials, as the CLI does); no page or command calls it",
    "judging.store.sheets.check_judge_may_score": "the sheet rules' check, called inside guarded sheet writers",
}
_QUERY_CALL = re.compile(r"(?:\bselect|\.join|\.outerjoin|\.select_from|session\.get)\(")
_PROTECTED = re.compile(r"\b(?:" + "|".join(PROTECTED_MODELS) + r")\b")


def _query_arguments(source: str):
    """The text inside the parentheses of each select/join/select_from/session.get call."""
    for match in _QUERY_CALL.finditer(source):
        depth, end = 1, match.end()
        while depth and end < len(source):
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        yield source[match.end():end - 1]


def _readers() -> dict[str, object]:
    """Store functions (public ones by qualified name) that query a protected table, directly or
    through another store function or private helper they call."""
    functions = {}  # bare name -> (qualified name, function, source)
    for module in STORE_MODULES:
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == module.__name__:
                source = inspect.getsource(inspect.unwrap(function))
                functions[name] = (f"{module.__name__}.{name}", function, source)
    reading = {name for name, (_, _, source) in functions.items()
               if any(_PROTECTED.search(args) for args in _query_arguments(source))}
    allowed = {qualified.rsplit(".", 1)[1] for qualified in UNGUARDED_READS}
    calls = {name: {other for other in functions if other != name and re.search(rf"\b{other}\(", source)}
             for name, (_, _, source) in functions.items()}
    while True:  # whoever calls a reader reads too (the allowed ones do not count: they show nothing)
        more = {name for name, called in calls.items() if called & (reading - allowed)} - reading
        if not more:
            break
        reading |= more
    return {functions[name][0]: functions[name][1] for name in sorted(reading) if not name.startswith("_")}


def test_the_reader_search_finds_readers_direct_and_indirect():
    found = _readers()

    assert {"judging.store.scores.load_scores_frame", "judging.store.sheets.load_sheet",
            "judging.store.advancement.advancement_preview", "judging.store.audit_log.replay_scores",
            "judging.store.publication.current_list"} <= set(found)
    assert "judging.store.editions.get_round" not in found and "judging.store.publication.edition_info" not in found


@pytest.mark.parametrize(("name", "function"), list(_readers().items()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_store_function_reading_protected_rows_is_guarded(name, function):
    if name in UNGUARDED_READS:
        assert getattr(function, "guarded_action", None) is None, f"{name} is guarded: take it off the allow-list"
        return
    assert getattr(function, "guarded_action", None) in permissions.ACTIONS, name


def test_every_guarded_read_is_in_the_matrix():
    guarded_reads = {name for _, name, function in _public_functions()
                     if getattr(function, "guarded_action", "").endswith(".read")}

    assert guarded_reads == {key.split()[0] for key in STORE_READS}


def test_every_action_in_the_table_has_help_and_known_roles():
    for action in permissions.ACTIONS.values():
        assert action.help and set(action.grants) <= set(permissions.ROLES), action.key


@pytest.fixture
def two_judges(engine):
    with write_session(engine) as s:
        edition = create_edition(s, name="测试大赛", year=2026, tracks=[("life", "生活类", "Life")], actor=SYSTEM)
        rnd = add_round(s, edition_id=edition.id, key="prelim", name="初评", rubric=RUBRIC, actor=SYSTEM)
        add_entries(s, edition_id=edition.id, records=[{"code": "E1", "track": "life", "title": "作品"}], actor=SYSTEM)
        create_user(s, username="j1", display_name="张三", actor=SYSTEM)
        j2 = create_user(s, username="j2", display_name="李四", actor=SYSTEM)
        entry = entries_of(s, edition.id)[0]
        assign(s, round_id=rnd.id, pairs=[(j2.id, entry.id)], actor=SYSTEM)
        return {"round_id": rnd.id, "judge_id": j2.id, "entry_id": entry.id}


def test_refusal_is_recorded_as_an_event_and_the_refused_write_is_not(engine, two_judges):
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        save_score(s, **two_judges, criterion="core_technology", value=99.0, actor=as_user(s, "j1"))

    with read_session(engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        scores = count_scores(s, round_id=two_judges["round_id"], actor=SYSTEM)
        broken = verify_audit_chain(s, actor=SYSTEM)

    assert (last.action, last.actor, last.subject, scores, broken) == ("permission.refused", "j1", "sheet.write", 0, [])
    assert '"reason": "not_own_sheet"' in last.payload


def test_deactivated_judge_may_no_longer_save(engine, two_judges):
    with write_session(engine) as s:
        set_judge_active(s, judge_id=two_judges["judge_id"], active=False, actor=CLI)

    with pytest.raises(PermissionDenied), write_session(engine) as s:
        save_score(s, **two_judges, criterion="core_technology", value=80.0, actor=as_user(s, "j2"))


def _last_event(engine) -> AuditEvent:
    with read_session(engine) as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_judge_reading_another_judges_sheet_is_refused_and_recorded(engine, two_judges):
    with pytest.raises(PermissionDenied), read_session(engine) as s:
        load_sheet(s, **two_judges, actor=as_user(s, "j1"))

    last = _last_event(engine)
    with read_session(engine) as s:
        broken = verify_audit_chain(s, actor=SYSTEM)

    assert (last.action, last.actor, last.subject, broken) == ("permission.refused", "j1", "sheet.read", [])
    assert '"reason": "not_own_sheet"' in last.payload


def test_auditor_reading_one_judges_sheet_is_refused_and_recorded(engine, two_judges):
    with write_session(engine) as s:
        create_user(s, username="aud", display_name="监督", role="auditor", actor=SYSTEM)

    with pytest.raises(PermissionDenied), read_session(engine) as s:
        judge_entry_rows(s, round_id=two_judges["round_id"], judge_id=two_judges["judge_id"], actor=as_user(s, "aud"))

    last = _last_event(engine)
    assert (last.action, last.actor, last.subject) == ("permission.refused", "aud", "sheet.read")
    assert '"reason": "role:auditor"' in last.payload


def test_judge_may_not_skip_the_sheet_rules_even_on_own_sheet(engine, two_judges):
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        save_score(s, **two_judges, criterion="core_technology", value=80.0, actor=as_user(s, "j2"),
                        enforce_assignment=False)

    last = _last_event(engine)
    with read_session(engine) as s:
        scores = count_scores(s, round_id=two_judges["round_id"], actor=SYSTEM)

    assert (last.action, last.actor, last.subject, scores) == ("permission.refused", "j2", "scores.import", 0)
    assert '"reason": "role:judge"' in last.payload


def test_organiser_may_type_in_a_paper_sheet_for_a_judge(engine, two_judges):
    with write_session(engine) as s:
        create_user(s, username="org", display_name="组织方", role="organiser", actor=SYSTEM)

    with write_session(engine) as s:
        save_score(s, **two_judges, criterion="core_technology", value=80.0, actor=as_user(s, "org"),
                        enforce_assignment=False)

    with read_session(engine) as s:
        frame = load_scores_frame(s, round_id=two_judges["round_id"], actor=as_user(s, "org"))
    assert frame[["judge_id", "criterion", "score"]].values.tolist() == [["j2", "core_technology", 80.0]]
    assert (_last_event(engine).action, _last_event(engine).actor) == ("score.save", "org")


@pytest.mark.parametrize("name", ["system", "cli"])
def test_no_account_may_take_a_trusted_shell_name(engine, name):
    with pytest.raises(JudgingError) as caught, write_session(engine) as s:
        create_user(s, username=name, display_name="冒名", role="judge", actor=SYSTEM)

    assert caught.value.problems[0].code == "user.reserved_name"
    with read_session(engine) as s:
        assert get_user(s, name, actor=SYSTEM) is None


BAD_ACTORS = {
    "a name with no account": Actor(id=NO_SUCH_ID, username="nobody", role="organiser"),
    "an account's bare name": "org",
    "an empty name": "",
    "None": None,
    "an inactive account": "off",
    "a deleted account": "deleted",
    "a shell's role under an account's id": "forged-shell",
    "the system role under another name": "fake-shell",
    "an actor whose own flag says inactive": "org-inactive-flag",
}


@pytest.mark.parametrize("action", sorted(permissions.ACTIONS))
@pytest.mark.parametrize("who", sorted(BAD_ACTORS))
def test_every_guarded_action_refuses_an_unknown_empty_inactive_or_deleted_actor(world, action, who):
    engine, ids = world
    with read_session(engine) as s:
        given = BAD_ACTORS[who]
        if given == "org-inactive-flag":
            given = Actor(id=ids["org"], username="org", role="organiser", active=False)
        elif isinstance(given, str) and given in {"off", "deleted", "forged-shell", "fake-shell"}:
            given = _actor(s, given, ids)

        with pytest.raises(PermissionDenied) as refused:
            authorize(s, actor=given, action=action, judge_id=ids["j1"])

    assert refused.value.refusal["reason"] in {"unknown_actor", "inactive"}


def test_the_trusted_shells_and_a_resolved_organiser_pass_the_same_check(world):
    engine, ids = world
    with read_session(engine) as s:
        roles = [authorize(s, actor=a, action="edition.manage") for a in (SYSTEM, CLI, as_user(s, "org"))]

    assert roles == ["system", "system", "organiser"]


def test_a_guarded_store_function_must_take_a_required_actor():
    with pytest.raises(TypeError, match="required actor"):
        guarded("edition.manage")(lambda session, *, actor="system": None)


def test_a_role_written_past_the_store_grants_nothing(engine, two_judges):
    with write_session(engine) as s:
        rogue = create_user(s, username="rogue", display_name="rogue", role="organiser", actor=SYSTEM)
    with write_session(engine) as s:  # a direct edit of the accounts table
        s.get(User, rogue.id).role = "system"
    with read_session(engine) as s:
        with pytest.raises(PermissionDenied) as refused:
            authorize(s, actor=Actor(id=rogue.id, username="rogue", role="organiser"), action="edition.manage")

    assert refused.value.refusal["reason"] == "unknown_role"


@pytest.mark.parametrize(("username", "role"), [("System", "judge"), (" CLI ", "judge"), ("demo", "judge"),
                                                ("x1", "superuser"), ("x2", "system")])
def test_create_user_refuses_a_shell_name_in_any_case_and_an_unknown_role(engine, username, role):
    with pytest.raises(JudgingError) as refused, write_session(engine) as s:
        create_user(s, username=username, display_name="x", role=role, actor=SYSTEM)

    assert refused.value.problems[0].code in {"user.reserved_name", "user.unknown_role"}


def test_lists_of_sheets_and_conflicts_name_judges_without_their_credentials(world):
    engine, ids = world
    with read_session(engine) as s:
        auditor = as_user(s, "aud")
        sheets = submitted_sheets(s, round_id=ids["prelim"], actor=auditor)
        conflicts = conflict_rows(s, edition_id=ids["edition"], actor=auditor)

    judges = [r.judge for r in sheets + conflicts]
    assert judges and all(type(j) is permissions.Person for j in judges)
    assert not any(hasattr(j, "password_hash") or hasattr(j, "email") for j in judges)
