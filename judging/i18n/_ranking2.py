"""Texts of the results page's must-discuss list and its extra judges (zh first; the same placeholders)."""

TEXTS = {
    "extra.heading": {"zh": "为待议作品增派评委", "en": "Extra judges for the entries to discuss"},
    "extra.caption": {
        "zh": "为待议名单中的作品各增派若干名评委：遵守回避，优先安排当前任务最少的评委。确认后即分配；"
              "新评分提交后排名随之更新。",
        "en": "Give each entry on the must-discuss list more judges: 回避 respected, the least loaded judges "
              "first. They are assigned once you confirm; the ranking updates as their scores arrive."},
    "extra.for": {"zh": "增派对象", "en": "For"},
    "extra.for.listed": {"zh": "待议名单中的作品", "en": "The must-discuss list"},
    "extra.for.wave": {"zh": "等级把握最小的作品（分轮增派）", "en": "The entries least sure of their tier (in waves)"},
    "extra.wave_caption": {
        "zh": "分轮增派：本轮为所定比例中等级把握最小的作品各增派 1 名评委，优先派给评分最稳定的评委"
              "（每人不超过平均份额的 3 倍）；新评分提交、排名更新后，再生成下一轮方案。"
              "模拟中，每轮 15%、共 5 轮（评分任务约增加 15%），奖项等级错误减少 26%–29%"
              "（派给任务最少的评委时为 18.5%–19%）；一次为 20% 的作品各增派 3 名评委（约增加 12%）减少 13%–15%。",
        "en": "In waves: one more judge for each of the entries least sure of their tier, this share of the "
              "track, given to the judges whose scores are the most consistent (none over 3 times an even share); "
              "once their scores are in and the ranking has moved, propose the next wave. In simulation, five "
              "waves of 15% (about +15% sheets) cut tier errors by 26–29% (18.5–19% when given to the least "
              "loaded judges); three more judges at once for 20% of the entries (about +12%) cut 13–15%."},
    "extra.share": {"zh": "本轮增派的作品比例（%）", "en": "Share of the track's entries in this wave (%)"},
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
    "extra.none_ranked": {"zh": "本赛道没有带奖项等级概率的作品。", "en": "No entry of this track has tier probabilities."},
    "extra.col_reason": {"zh": "待议原因", "en": "Why it is listed"},
    "extra.chart_heading": {"zh": "待议作品各奖项等级的概率", "en": "Tier probabilities of the entries to discuss"},
}
