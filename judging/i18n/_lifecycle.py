"""Texts of a round's lifecycle: the writes a published or frozen list refuses, and the timeline."""

TEXTS: dict[str, dict[str, str]] = {
    "lifecycle.round_published": {
        "zh": "评审阶段“{round}”的名单已公示：其评分、回避、分配、评分标准和设置不能再修改（公示期间请在公示页面处理异议和奖项调整）",
        "en": "the list of round '{round}' is published: its scores, conflicts, assignments, rubric and settings can no "
              "longer change (during 公示, handle objections and tier changes on the 公示 page)",
    },
    "lifecycle.round_frozen": {
        "zh": "评审阶段“{round}”的名单已冻结：不能再修改（如确需修改，请在公示页面记录理由后重新开放名单）",
        "en": "the list of round '{round}' is frozen: nothing of it can change (reopen the list on the 公示 page, "
              "with the reason, if a change is really needed)",
    },
    "lifecycle.timeline": {"zh": "评审阶段进程", "en": "Rounds' timeline"},
    "lifecycle.none": {"zh": "尚无记录", "en": "nothing recorded yet"},
    "lifecycle.col_round": {"zh": "评审阶段", "en": "round"},
    "lifecycle.col_at": {"zh": "时间", "en": "at"},
    "lifecycle.col_step": {"zh": "变化", "en": "step"},
    "lifecycle.col_by": {"zh": "操作人", "en": "by"},
    "lifecycle.col_note": {"zh": "说明", "en": "note"},
    "lifecycle.created": {"zh": "创建（{state}）", "en": "created ({state})"},
    "lifecycle.reopened_note": {"zh": "重新开放", "en": "reopened"},
    "lifecycle.state.draft": {"zh": "草稿", "en": "draft"},
    "lifecycle.state.open": {"zh": "评审中", "en": "open"},
    "lifecycle.state.closed": {"zh": "已结束", "en": "closed"},
    "lifecycle.state.published": {"zh": "已公示", "en": "published"},
    "lifecycle.state.frozen": {"zh": "已冻结", "en": "frozen"},
    "lifecycle.state.reopened": {"zh": "重新开放", "en": "reopened"},
}
