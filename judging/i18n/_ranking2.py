"""Texts of the results page's must-discuss list and its extra judges (zh first; the same placeholders)."""

TEXTS = {
    "extra.heading": {"zh": "为待议作品增派评委", "en": "Extra judges for the entries to discuss"},
    "extra.caption": {
        "zh": "为待议名单中的作品各增派若干名评委：遵守回避，优先安排当前任务最少的评委。确认后即分配；"
              "新评分提交后排名随之更新。",
        "en": "Give each entry on the must-discuss list more judges: 回避 respected, the least loaded judges "
              "first. They are assigned once you confirm; the ranking updates as their scores arrive."},
    "extra.k": {"zh": "每件作品增派评委人数", "en": "Extra judges per entry"},
    "extra.propose": {"zh": "生成增派方案", "en": "Propose extra judges"},
    "extra.proposal": {"zh": "增派方案：{n} 个评审任务，涉及 {entries} 件作品",
                       "en": "Proposal: {n} sheet(s) for {entries} entr(y/ies)"},
    "extra.col_judge": {"zh": "评委", "en": "Judge"},
    "extra.col_entry": {"zh": "作品编号", "en": "Entry"},
    "extra.confirm": {"zh": "确认增派", "en": "Assign these judges"},
    "extra.reason": {"zh": "待议作品增派评委", "en": "extra judges for the must-discuss list"},
    "extra.done": {"zh": "已增派 {n} 个评审任务；评委提交评分后排名随之更新。",
                   "en": "{n} sheet(s) assigned; the ranking updates as the scores arrive."},
    "extra.not_done": {"zh": "未能增派评委：", "en": "No judges were added:"},
    "extra.none_listed": {"zh": "本赛道没有待议作品。", "en": "No entry of this track is on the must-discuss list."},
    "extra.col_reason": {"zh": "待议原因", "en": "Why it is listed"},
    "extra.chart_heading": {"zh": "待议作品各奖项等级的概率", "en": "Tier probabilities of the entries to discuss"},
}
