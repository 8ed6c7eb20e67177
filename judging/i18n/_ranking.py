"""Texts of the ranking engine, award configuration, simulator and their commands."""

TEXTS: dict[str, dict[str, str]] = {
    # scores as the ranking sees them
    "rank.missing_columns": {"zh": "评分表缺少列：{columns}", "en": "the score table lacks the columns: {columns}"},
    "rank.no_scores": {"zh": "评分表中没有任何评分", "en": "the score table holds no scores"},
    "rank.unknown_criterion": {
        "zh": "未知的评分项“{value}”（评分标准中的评分项：{allowed}）",
        "en": "unknown criterion '{value}' (the rubric's criteria: {allowed})",
    },
    "rank.score_not_number": {"zh": "分数不是数字", "en": "the score is not a number"},
    "rank.score_off_scale": {
        "zh": "分数 {value} 不在评分范围 {min}–{max} 内",
        "en": "the score {value} is outside the scale {min}–{max}",
    },
    "rank.empty_id": {"zh": "编号为空", "en": "the id is empty"},
    "rank.duplicate_score": {
        "zh": "同一评委对同一作品的同一评分项打了两次分（请删除重复行）",
        "en": "the same judge scored the same criterion of the same entry twice (remove the duplicate row)",
    },
    "rank.entry_two_tracks": {
        "zh": "作品“{entry}”出现在多个赛道中（每个作品只能属于一个赛道）",
        "en": "entry '{entry}' appears in more than one track (an entry belongs to one track)",
    },
    "rank.disconnected": {
        "zh": "评委与作品分成了 {n} 个互不相连的组，组间无法比较；请给每组之间安排至少一位共同评委，或改用原始均分",
        "en": "judges and entries fall into {n} groups that share no judge, so the groups cannot be compared; "
              "have at least one judge score entries in both groups, or use the raw mean",
    },
    "rank.group": {
        "zh": "第 {group} 组：评委 {judges}；作品 {entries}",
        "en": "group {group}: judges {judges}; entries {entries}",
    },
    "rank.unknown_method": {
        "zh": "未知的标准化方法“{value}”（可选：{allowed}）",
        "en": "unknown normalisation method '{value}' (choose one of {allowed})",
    },
    "rank.veto_columns": {"zh": "一票否决表缺少列：{columns}", "en": "the veto table lacks the columns: {columns}"},
    "rank.unknown_veto": {
        "zh": "未知的否决项“{value}”（评分标准中的否决项：{allowed}）",
        "en": "unknown veto item '{value}' (the rubric's veto items: {allowed})",
    },
    "rank.veto_unknown_entry": {
        "zh": "一票否决指向不存在的作品“{entry}”",
        "en": "a veto names entry '{entry}', which has no scores",
    },
    "rank.unknown_round": {
        "zh": "轮次权重中有评分表里没有的轮次：{value}（评分表中的轮次：{allowed}）",
        "en": "round weights name rounds the scores do not have: {value} (rounds in the scores: {allowed})",
    },
    "rank.bad_round_weights": {
        "zh": "轮次权重必须是非负数且至少一个大于 0，实际为 {value}",
        "en": "round weights must be non-negative with at least one above 0, got {value}",
    },
    "rank.rounds_need_weights": {
        "zh": "评分表包含多个轮次（{rounds}）；请给出各轮权重，或只导入一个轮次",
        "en": "the scores hold several rounds ({rounds}); give each round a weight or rank one round at a time",
    },
    "rank.not_converged": {
        "zh": "方法 {method} 迭代 {iterations} 次后仍未收敛，其结果不能用于排名；请改用其他方法（如原始均分），或让每位评委评更多作品",
        "en": "method {method} did not converge after {iterations} iterations, so its result cannot rank the entries; "
              "choose another method (e.g. the raw mean) or have each judge score more entries",
    },
    "rank.method_failed": {"zh": "方法 {method} 无法计算：{detail}", "en": "method {method} cannot run: {detail}"},
    "rank.bad_discuss_budget": {
        "zh": "必议名单的误差预算必须是 0 到 1 之间的数，实际为 {value}",
        "en": "the must-discuss list's error budget must be a number from 0 to 1, got {value}",
    },
    # why an entry is on the must-discuss list (decisions.REASON_KEYS)
    "rank.discuss.error_budget": {"zh": "在奖项分界处最可能站错一侧", "en": "among the likeliest to be on the wrong side of an award boundary"},
    "rank.discuss.coin_flip": {"zh": "所定等级的把握不足一半", "en": "less than even odds of its assigned tier"},
    "rank.discuss.gross_risk": {"zh": "有可能相差两个或更多等级", "en": "could be two or more tiers off"},
    # flags on ranked entries
    "rank.flag.veto": {"zh": "一票否决", "en": "vetoed"},
    "rank.flag.missing_round": {"zh": "缺少某轮成绩", "en": "missing a round"},
    "rank.flag.below_min_score": {"zh": "低于最低获奖分", "en": "below the minimum score"},
    "rank.flag.tie": {"zh": "并列（需评审组决定）", "en": "tied (panel to decide)"},
    "rank.flag.boundary": {"zh": "可能不在应得的奖项等级（评审组必议）", "en": "may be in the wrong award tier (the panel must discuss it)"},
    "rank.flag.disagreement": {"zh": "评委意见分歧大（建议复评）", "en": "judges disagree strongly (review again)"},
    "rank.flag.single_judge": {"zh": "仅一位评委", "en": "only one judge"},
    "rank.flag.incomplete_sheet": {"zh": "评分表不完整", "en": "incomplete score sheet"},
    # award configuration
    "awards.unreadable": {"zh": "无法读取奖项设置文件：{detail}", "en": "cannot read the award configuration: {detail}"},
    "awards.invalid_toml": {"zh": "奖项设置不是有效的 TOML：{detail}", "en": "the award configuration is not valid TOML: {detail}"},
    "awards.unknown_key": {"zh": "未知的字段“{key}”（允许的字段：{allowed}）", "en": "unknown key '{key}' (allowed: {allowed})"},
    "awards.no_tiers": {"zh": "至少需要一个奖项等级 [[tiers]]", "en": "at least one award tier [[tiers]] is needed"},
    "awards.wrong_type": {"zh": "“{key}”应为{expected}", "en": "'{key}' should be a {expected}"},
    "awards.missing_key": {"zh": "缺少必填字段“{key}”", "en": "the required key '{key}' is missing"},
    "awards.duplicate_tier": {"zh": "奖项等级“{key}”重复", "en": "the tier '{key}' is defined twice"},
    "awards.count_or_share": {
        "zh": "奖项“{key}”须给出名额 count 或比例 share 之一（且只能给一个）",
        "en": "tier '{key}' needs exactly one of count or share",
    },
    "awards.bad_count": {"zh": "名额必须是非负整数，实际为 {value!r}", "en": "a count must be a whole number ≥ 0, got {value!r}"},
    "awards.bad_share": {"zh": "比例必须在 0 到 1 之间，实际为 {value!r}", "en": "a share must be between 0 and 1, got {value!r}"},
    "awards.unknown_tie_break": {
        "zh": "未知的同分比较规则“{value}”（可选：{allowed}）",
        "en": "unknown tie-break '{value}' (choose from {allowed})",
    },
    "awards.bad_choice": {"zh": "“{key}”的值 {value!r} 无效（可选：{allowed}）", "en": "'{key}' cannot be {value!r} (choose from {allowed})"},
    "awards.unknown_tier": {"zh": "未知的奖项等级“{value}”（已定义：{allowed}）", "en": "unknown tier '{value}' (defined: {allowed})"},
    "awards.bad_override": {
        "zh": "赛道名额应为非负整数（名额）或 0–1 之间的小数（比例），实际为 {value!r}",
        "en": "a track quota is a whole number (count) or a decimal between 0 and 1 (share), got {value!r}",
    },
    # simulator
    "simulate.unknown_regime": {
        "zh": "未知的模拟情景“{value}”（可选：{allowed}）",
        "en": "unknown simulation regime '{value}' (choose one of {allowed})",
    },
    # commands
    "rank.cli.written": {"zh": "已写入 {path}（{n} 个作品，方法：{method}）", "en": "wrote {path} ({n} entries, method: {method})"},
    "rank.cli.compare_written": {"zh": "已写入方法对比 {path}", "en": "wrote the method comparison to {path}"},
    "rank.cli.tier_changes": {
        "zh": "{n} 个作品在不同方法下获奖等级不同：",
        "en": "{n} entries change award tier between methods:",
    },
    "rank.cli.no_tier_changes": {"zh": "各方法给出的获奖等级完全一致", "en": "every method gives the same award tiers"},
    "rank.cli.method_skipped": {"zh": "跳过方法 {method}：{detail}", "en": "skipped method {method}: {detail}"},
    "rank.cli.flagged": {"zh": "需关注：{flag} {n} 个", "en": "to look at: {flag}: {n}"},
    "rank.cli.out_required": {"zh": "请用 --out 指定输出文件", "en": "give the output file with --out"},
    "rank.cli.bad_round_weight": {
        "zh": "轮次权重应写成 名称=权重，例如 初评=0.4，实际为“{value}”",
        "en": "a round weight is written name=weight, e.g. 初评=0.4, got '{value}'",
    },
    "rank.cli.no_file": {"zh": "找不到文件：{path}", "en": "file not found: {path}"},
    "rank.cli.bad_csv": {"zh": "无法读取 CSV 文件 {path}：{detail}", "en": "cannot read the CSV file {path}: {detail}"},
    "rank.cli.favouritism_needs_entries": {
        "zh": "评委偏袒检查需要作品信息：请用 --entries 指定含 entry_id、organisation（申报单位）、recommending_unit（推荐单位）列的 CSV",
        "en": "the favouritism check needs the entries: give a CSV with entry_id, organisation and recommending_unit columns with --entries",
    },
    "rank.cli.entries_columns": {
        "zh": "作品文件 {path} 缺少 entry_id 列，且 organisation 与 recommending_unit 至少要有一列",
        "en": "the entries file {path} needs an entry_id column and at least one of organisation and recommending_unit",
    },
    "rank.cli.favouritism_written": {
        "zh": "已写入评委偏袒检查 {path}：检查 {pairs} 组“评委 × 单位”，{n} 组需关注",
        "en": "wrote the favouritism check to {path}: {pairs} judge × organisation pairs checked, {n} to look at",
    },
    "simulate.cli.written": {
        "zh": "已写入 {scores}（{rows} 行评分）和真实质量 {truth}",
        "en": "wrote {scores} ({rows} score rows) and the true quality to {truth}",
    },
}
