"""Texts of the audit trail's keys, seals, checkpoints and its verification."""

TEXTS = {
    "audit.key.too_short": {
        "zh": "审计密钥（{source}）只有 {n} 个字节，至少需要 {min} 个：请换一个更长的随机密钥",
        "en": "the audit key ({source}) has {n} bytes; it needs at least {min}: use a longer random key",
    },
    "audit.key.file_missing": {
        "zh": "{env} 指向的审计密钥文件 {path} 不存在：请检查路径",
        "en": "the audit key file {path} named by {env} does not exist: check the path",
    },
    "audit.key.required": {
        "zh": "PostgreSQL 数据库需要审计密钥：请设置 {env}（密钥本身）或 {file_env}（密钥文件），所有副本使用同一个密钥（见 docs/deployment.md）",
        "en": "a PostgreSQL database needs an audit key: set {env} (the key) or {file_env} (a key file), the same on every replica (see docs/deployment.md)",
    },
    "audit.key.lost": {
        "zh": "找不到此数据库的审计密钥文件 {path}，而数据库中已有审计记录：请把原密钥文件放回该位置，或用 {env}/{file_env} 指定原密钥",
        "en": "the audit key file {path} of this database is missing and the database already has audit events: put the original key file back, or name the original key with {env}/{file_env}",
    },
    "audit.key.generated": {
        "zh": "已为嵌入式数据库生成审计密钥文件：{path}（请备份，且不要与数据库放在一起备份；生产环境请用 JUDGING_AUDIT_KEY_FILE 指定别处的文件）",
        "en": "generated the audit key file of the embedded database: {path} (back it up, not together with the database; in production name a file elsewhere with JUDGING_AUDIT_KEY_FILE)",
    },
    "audit.rekey.same_key": {
        "zh": "原密钥与当前配置的密钥相同（{fingerprint}）：请先把新密钥配置到 JUDGING_AUDIT_KEY 或 JUDGING_AUDIT_KEY_FILE",
        "en": "the old key is the key configured now ({fingerprint}): configure the new key in JUDGING_AUDIT_KEY or JUDGING_AUDIT_KEY_FILE first",
    },
    "audit.rekey.done": {
        "zh": "已用新密钥 {new} 重新串联 {n} 条审计事件（原密钥 {old}），并记入一条 audit.rekey 事件",
        "en": "{n} audit events chained again under the new key {new} (old key {old}), recorded as an audit.rekey event",
    },
    "audit.rekey.broken_before": {
        "zh": "注意：{n} 条事件在更换密钥前就已不符（编号 {ids}），已记入更换事件，校验时会一直报告",
        "en": "note: {n} event(s) did not match before the re-keying (ids {ids}); they are recorded in the re-key event and verification keeps reporting them",
    },
    "audit.table.edition": {"zh": "大赛", "en": "edition"},
    "audit.table.track": {"zh": "赛道", "en": "track"},
    "audit.table.judging_round": {"zh": "评审阶段", "en": "round"},
    "audit.table.entry": {"zh": "作品", "en": "entry"},
    "audit.table.app_user": {"zh": "账号", "en": "account"},
    "audit.table.conflict": {"zh": "回避", "en": "conflict"},
    "audit.table.assignment": {"zh": "分配", "en": "assignment"},
    "audit.table.score_sheet": {"zh": "评分表", "en": "score sheet"},
    "audit.table.score": {"zh": "评分", "en": "score"},
    "audit.table.comment": {"zh": "评语", "en": "comment"},
    "audit.table.veto": {"zh": "一票否决", "en": "veto"},
    "audit.table.publication": {"zh": "公示", "en": "publication"},
    "audit.table.publication_change": {"zh": "公示调整", "en": "change to the published list"},
    "audit.table.objection": {"zh": "异议", "en": "objection"},
    "audit.table.publication_reopening": {"zh": "公示重新开放", "en": "reopening of the published list"},
    "audit.table.round_entry": {"zh": "晋级作品", "en": "entry of the round"},
    "audit.table.panel_member": {"zh": "路演评委", "en": "panel member"},
    "audit.table.round_award_settings": {"zh": "奖项设置", "en": "award settings"},
    "audit.table.panel_decision": {"zh": "评审组决定", "en": "panel decision"},
    "audit.row.in_round": {"zh": "评审阶段 {round}：{row}", "en": "round {round}: {row}"},
    "audit.row.in_publication": {"zh": "{round} 的公示：{row}", "en": "publication of {round}: {row}"},
    "audit.row.thing": {"zh": "{label}{judge}{entry}{detail} #{id}", "en": "{label}{judge}{entry}{detail} #{id}"},
    "audit.row.of_judge": {"zh": "（评委 {judge}）", "en": " of {judge}"},
    "audit.row.on_entry": {"zh": "（作品 {entry}）", "en": " on entry {entry}"},
    "audit.seal.changed": {
        "zh": "{row}：字段 {column} 现为 {now}，与系统写入时的 {sealed} 不符（数据库被直接改动）",
        "en": "{row}: {column} is {now} but was written as {sealed} (changed directly in the database)",
    },
    "audit.seal.unsealed": {
        "zh": "{row}：这一行不是由系统写入的（直接插入数据库）",
        "en": "{row}: this row was not written by the app (inserted directly into the database)",
    },
    "audit.seal.deleted": {
        "zh": "{row}：这一行已从数据库中被直接删除",
        "en": "{row}: this row was deleted directly from the database",
    },
    "audit.seal.forged": {
        "zh": "{table} 第 {id} 行的封签与审计密钥不符（封签被伪造或改动）",
        "en": "the seal of {table} row {id} does not match the audit key (forged or altered)",
    },
    "audit.seal.event_missing": {
        "zh": "{row}：写入它的审计事件 {event} 已不在审计记录中",
        "en": "{row}: the audit event {event} that wrote it is missing from the trail",
    },
    "audit.seal.head_missing": {
        "zh": "审计记录最后一条事件（{id}）的封签缺失",
        "en": "the seal of the trail's last event ({id}) is missing",
    },
    "audit.seal.head_moved": {
        "zh": "审计记录的最后一条事件应为 {sealed}，现为 {now}：末尾的事件被删除或改动",
        "en": "the trail's last event should be {sealed} but is {now}: events at its end were deleted or changed",
    },
    "audit.more": {"zh": "……另有 {n} 处不符", "en": "… and {n} more"},
    "audit.verify_failed": {
        "zh": "审计校验未通过：共 {n} 处不符",
        "en": "audit verification failed: {n} difference(s)",
    },
    "audit.rekey.refused": {
        "zh": "未更换密钥：在原密钥下已有 {n} 处数据与封签不符（见上），请先查明原因",
        "en": "the key was not rotated: {n} row(s) already differ from their seals under the old key (above); find out why first",
    },
    "audit.seal.set_changed": {
        "zh": "{table}：现有 {now} 个封签，系统写入的是 {written} 个（或封签集合不同）：有行连同封签被删除、恢复或插入",
        "en": "{table}: {now} seals now, {written} written by the app (or a different set): rows were deleted, restored or added together with their seals",
    },
    "export.bundle_digest_line": {
        "zh": "复核数据包摘要：{short}（完整：{full}）。可用 judging verify 数据包.zip --digest {short} 核对。",
        "en": "Bundle digest: {short} (full: {full}). Check a bundle with judging verify BUNDLE.zip --digest {short}.",
    },
    "export.checkpoint_line": {
        "zh": "审计记录签名检查点：{short}（完整：{full}；Ed25519 公钥：{key}）",
        "en": "Signed audit checkpoint: {short} (full: {full}; Ed25519 public key: {key})",
    },
    "audit.checkpoint.bad_signature": {
        "zh": "审计检查点事件 {id} 的签名、摘要或公钥不符（检查点被伪造或改动）",
        "en": "the signature, digest or public key of the audit checkpoint event {id} does not hold (forged or altered)",
    },
    "audit.checkpoint.chain_moved": {
        "zh": "审计检查点事件 {id} 签署的第 {upto} 条事件已不是签署时的那条（审计记录被改写）",
        "en": "the event {upto} signed by the audit checkpoint {id} is no longer the one signed (the trail was rewritten)",
    },
    "audit.checkpoint.anchor_differs": {
        "zh": "公示 {publication}（{kind}）记录的检查点 {id} 缺失或与审计记录中的不符",
        "en": "the checkpoint {id} recorded with publication {publication} ({kind}) is missing from the trail or differs from it",
    },
    "verify.digest_given_ok": {
        "zh": "数据包摘要与给出的摘要一致（{digest}）",
        "en": "the bundle's digest matches the one given ({digest})",
    },
    "verify.recorded_ok": {
        "zh": "已与数据库中公示 {publication} 记录的摘要核对（{kind}，{at}）：一致（{digest}）",
        "en": "checked against the digest recorded with publication {publication} ({kind}, {at}): it matches ({digest})",
    },
    "verify.recorded_differs": {
        "zh": "数据包与公示 {publication} 记录的摘要（{kind}：{expected}）不符；与记录不同的文件：{files}",
        "en": "the bundle differs from the digest recorded with publication {publication} ({kind}: {expected}); files that differ from the record: {files}",
    },
    "verify.nothing_recorded": {
        "zh": "数据库中公示 {publication} 没有记录数据包摘要：请用 --digest 给出公示上印的摘要",
        "en": "no bundle digest is recorded with publication {publication}: give the one printed on the 公示 with --digest",
    },
    "verify.no_publication": {
        "zh": "该数据包不属于任何公示，只重新计算了其内容；要确认它就是公示的那一份，请用 --digest 给出公示上印的摘要",
        "en": "this bundle names no publication: only its contents were recomputed; to check it is the published one, give the digest printed on the 公示 with --digest",
    },
    "verify.no_database": {
        "zh": "该数据包属于公示 {publication}，但无法读取数据库 {url} 来核对记录的摘要：请用 --db 指定数据库，或用 --digest 给出公示上印的摘要",
        "en": "this bundle belongs to publication {publication}, but the database {url} cannot be read to check the recorded digest: name it with --db, or give the digest printed on the 公示 with --digest",
    },
    "aud.recorded_heading": {"zh": "公示记录的摘要", "en": "Digests recorded with the publications"},
    "aud.nothing_recorded": {"zh": "尚无公示记录摘要（公示发布和定稿时记录）", "en": "No digest recorded yet (they are recorded when a list is published and frozen)"},
    "aud.col.publication": {"zh": "公示", "en": "publication"},
    "aud.col.kind": {"zh": "时机", "en": "when"},
    "aud.col.at": {"zh": "时间（UTC）", "en": "at (UTC)"},
    "aud.col.bundle_short": {"zh": "数据包摘要（朗读）", "en": "bundle digest (read aloud)"},
    "aud.col.bundle": {"zh": "数据包摘要（完整）", "en": "bundle digest (full)"},
    "aud.col.checkpoint_short": {"zh": "检查点（朗读）", "en": "checkpoint (read aloud)"},
    "aud.col.checkpoint": {"zh": "检查点（完整）", "en": "checkpoint (full)"},
    "aud.col.public_key": {"zh": "Ed25519 公钥", "en": "Ed25519 public key"},
    "aud.check_trail": {"zh": "校验审计记录与全部数据", "en": "Check the audit trail and every table"},
    "aud.trail_ok": {
        "zh": "审计记录完整，所有数据与系统写入时一致，检查点签名有效",
        "en": "the audit trail is intact, every table is as the app wrote it, and the checkpoints' signatures hold",
    },
    "aud.bundle_heading": {"zh": "复核数据包", "en": "Check a bundle"},
}
