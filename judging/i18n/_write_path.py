"""Texts of the audit trail's chains (``judging/store/write_path.py``): what ``audit verify`` says about their heads."""

TEXTS: dict[str, dict[str, str]] = {
    "audit.chain.moved": {
        "zh": "审计链 {chain}：最后一条事件应为 {sealed}（共 {n_sealed} 条），现为 {now}（共 {n_now} 条）：末尾的事件被删除或改动",
        "en": "audit chain {chain}: its last event should be {sealed} ({n_sealed} events) but is {now} ({n_now} events): "
              "events at its end were deleted or changed",
    },
    "audit.chain.forged": {
        "zh": "审计链 {chain} 的链头与审计密钥不符（链头被伪造或改动）",
        "en": "the head of audit chain {chain} does not match the audit key (forged or altered)",
    },
    "audit.chain.head_missing": {
        "zh": "审计链 {chain}（最后一条事件 {id}）的链头缺失：链头或整条链被直接从数据库中删除",
        "en": "the head of audit chain {chain} (last event {id}) is missing: the head or the whole chain was "
              "deleted directly from the database",
    },
    "audit.chain.not_opened": {
        "zh": "审计链 {chain} 未在主链上开立（直接在数据库中伪造）",
        "en": "audit chain {chain} was never opened on the main chain (made up directly in the database)",
    },
}
TEXTS["store.sqlite_synchronous"] = {
    "zh": "{env} 的值“{value}”无效：可选 {allowed}（NORMAL：断电时可能丢失最后几次已确认的保存；FULL：每次提交都等待写盘）",
    "en": "{env} is \"{value}\", which is not one of {allowed} (NORMAL: a power cut may lose the last acknowledged "
          "saves; FULL: every commit waits for the disk)",
}
TEXTS["store.pg_writers"] = {
    "zh": "{env} 的值“{value}”无效：应为 1 到 {most} 之间的整数（本进程同时写入 PostgreSQL 的保存数，其余按先后排队）",
    "en": "{env} is \"{value}\", which is not a whole number from 1 to {most} (how many saves of this process write "
          "to PostgreSQL at once; the others queue in arrival order)",
}
