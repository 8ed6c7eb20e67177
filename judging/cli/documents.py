"""``judging documents show|set``: an edition's issuer (主办单位) and certificate numbering, which sign
and number its announcement, PDF list and certificates (an audited write, as in the setup page)."""

from __future__ import annotations

from judging.core.documents import DEFAULT_CERTIFICATE_SCHEME, DocumentSettings, certificate_numbers
from judging.core.permissions import CLI
from judging.errors import JudgingError, Problem
from judging.i18n import t
from judging.store.db import open_database, read_session, write_session
from judging.store.documents import document_settings_of, save_document_settings
from judging.store.editions import tracks_of
from judging.store.models import Edition


def register(subparsers) -> None:
    documents = subparsers.add_parser("documents", help="issuer and certificate numbering / 公文落款与证书编号")
    sub = documents.add_subparsers(dest="documents_command", required=True)
    show = sub.add_parser("show", help="the settings in force / 查看文书设置")
    show.add_argument("--edition", type=int, required=True, help="edition id / 大赛编号")
    show.set_defaults(func=run_show)
    setting = sub.add_parser("set", help="save new settings (a new version) / 保存文书设置")
    setting.add_argument("--edition", type=int, required=True, help="edition id / 大赛编号")
    setting.add_argument("--issuer", help="主办单位 (发文机关署名); default: as set now")
    setting.add_argument("--scheme", help="certificate numbers, e.g. \"{年份}信创赛证字第{序号:03d}号\"; default: as set "
                         f"now, or {DEFAULT_CERTIFICATE_SCHEME}")
    setting.add_argument("--prefix", action="append", default=[], metavar="TRACK=PREFIX",
                         help="the certificate prefix of a track (repeatable); TRACK= alone removes it")
    setting.set_defaults(func=run_set)
    for parser in (show, setting):
        parser.add_argument("--db", default=None, help="database URL (default: JUDGING_DATABASE_URL)")


def _example(session, edition_id: int, settings: DocumentSettings, year: int) -> str:
    tracks = tracks_of(session, edition_id)
    names = {tr.key: tr.name_zh for tr in tracks}
    keys = [tr.key for tr in tracks[:2]] or [""]
    try:
        return "、".join(certificate_numbers(keys, scheme=settings.certificate_scheme, year=year, track_names=names,
                                            prefixes=settings.track_prefixes))
    except JudgingError:
        return "—"


def run_show(args) -> int:
    engine = open_database(args.db)
    with read_session(engine) as session:
        stored = document_settings_of(session, edition_id=args.edition, actor=CLI)
        year = session.get(Edition, args.edition).year
        example = _example(session, args.edition, stored.settings, year)
    print(t("doc.cli.shown", edition=args.edition, issuer=stored.settings.issuer or t("doc.form.never"),
            scheme=stored.settings.certificate_scheme, example=example, version=stored.version))
    return 0


def _prefixes(values: list[str], current: dict[str, str]) -> dict[str, str]:
    prefixes = dict(current)
    for value in values:
        key, sep, prefix = value.partition("=")
        if not sep or not key.strip():
            raise JudgingError(Problem("doc.cli.bad_prefix", {"value": value}))
        if prefix.strip():
            prefixes[key.strip()] = prefix.strip()
        else:
            prefixes.pop(key.strip(), None)
    return prefixes


def run_set(args) -> int:
    engine = open_database(args.db)
    with write_session(engine) as session:
        stored = document_settings_of(session, edition_id=args.edition, actor=CLI)
        current = stored.settings
        settings = DocumentSettings(
            issuer=current.issuer if args.issuer is None else args.issuer,
            certificate_scheme=current.certificate_scheme if args.scheme is None else args.scheme,
            track_prefixes=_prefixes(args.prefix, dict(current.track_prefixes)))
        saved = save_document_settings(session, edition_id=args.edition, settings=settings, based_on=stored.version,
                                       actor=CLI)
    print(t("doc.cli.saved", version=saved.version))
    return 0
