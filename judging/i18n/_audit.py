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
}
