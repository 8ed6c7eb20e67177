"""Texts of the core: validation problems, error messages, domain labels."""

TEXTS: dict[str, dict[str, str]] = {
    "error.plain": {"zh": "{text}", "en": "{text}"},
    "loc.row": {"zh": "第 {row} 行", "en": "row {row}"},
    "loc.column": {"zh": "列“{column}”", "en": "column '{column}'"},
    # rubric validation
    "rubric.invalid_toml": {"zh": "不是有效的 TOML 文件：{detail}", "en": "not valid TOML: {detail}"},
    "rubric.unreadable": {"zh": "无法读取文件：{detail}", "en": "cannot read the file: {detail}"},
    "rubric.unknown_key": {
        "zh": "未知的字段“{key}”（允许的字段：{allowed}）",
        "en": "unknown key '{key}' (allowed: {allowed})",
    },
    "rubric.missing_key": {"zh": "缺少必填字段“{key}”", "en": "the required key '{key}' is missing"},
    "rubric.wrong_type": {
        "zh": "“{key}”应为{expected}，实际为 {actual!r}",
        "en": "'{key}' should be {expected}, got {actual!r}",
    },
    "rubric.bad_identifier": {
        "zh": "键名“{value}”必须以小写字母开头，只含小写字母、数字和下划线",
        "en": "the key '{value}' must start with a lower-case letter and contain only a-z, 0-9 and _",
    },
    "rubric.duplicate_key": {"zh": "键名“{value}”重复", "en": "the key '{value}' is used twice"},
    "rubric.weight_not_positive": {
        "zh": "权重必须大于 0，实际为 {value}",
        "en": "the weight must be positive, got {value}",
    },
    "rubric.weights_sum": {
        "zh": "各评分项权重之和应为 100，实际为 {total}",
        "en": "the criteria weights must sum to 100, they sum to {total}",
    },
    "rubric.no_criteria": {"zh": "至少需要一个评分项", "en": "at least one criterion is needed"},
    "rubric.min_not_below_max": {
        "zh": "最低分 {min} 必须小于最高分 {max}",
        "en": "the minimum {min} must be below the maximum {max}",
    },
    "rubric.step_not_positive": {"zh": "步长必须大于 0，实际为 {value}", "en": "the step must be positive, got {value}"},
    "rubric.bands_gap": {
        "zh": "档次之间有空档：{low} 到 {high} 之间的分数不属于任何档次",
        "en": "the bands leave a gap: scores from {low} to {high} belong to no band",
    },
    "rubric.bands_overlap": {
        "zh": "档次重叠：{low} 到 {high} 之间的分数同时属于两个档次",
        "en": "the bands overlap: scores from {low} to {high} belong to two bands",
    },
    "rubric.band_range": {
        "zh": "档次范围应写成 [下限, 上限] 且下限小于上限，实际为 {value!r}",
        "en": "a band range must be [low, high] with low below high, got {value!r}",
    },
    "rubric.label_missing_language": {
        "zh": "缺少{language}文本",
        "en": "the {language} text is missing",
    },
    "rubric.subject_unknown": {
        "zh": "评选对象“{value}”未知（可选：{allowed}）",
        "en": "unknown subject '{value}' (choose one of {allowed})",
    },
    "rubric.comment_threshold": {
        "zh": "评语规则的阈值 {value} 不在评分范围 {min}–{max} 内",
        "en": "the comment threshold {value} is outside the scale {min}–{max}",
    },
    # scores
    "score.out_of_range": {
        "zh": "“{criterion}”的分数 {value} 超出范围 {min}–{max}",
        "en": "{criterion}: {value} is outside {min}–{max}",
    },
    "score.not_number": {"zh": "分数“{value}”不是数字", "en": "the score '{value}' is not a number"},
    "score.unknown_criterion": {
        "zh": "评分项“{value}”不在评分标准中（可选：{allowed}）",
        "en": "the criterion '{value}' is not in the rubric (choose one of {allowed})",
    },
    "score.off_step": {
        "zh": "“{criterion}”的分数 {value} 不符合步长 {step}",
        "en": "{criterion}: {value} is not a multiple of the step {step}",
    },
    "score.stale": {
        "zh": "“{criterion}”已在别处改为 {current}（您看到的是旧值），请确认后再保存",
        "en": "{criterion} was changed elsewhere to {current} (you were looking at an older value); check and save again",
    },
    "veto.stale": {
        "zh": "否决项已在别处修改（您看到的是旧状态），请确认后再保存",
        "en": "the veto was changed elsewhere (you were looking at an older state); check and save again",
    },
    "comment.stale": {
        "zh": "评语已在别处修改（您看到的是旧内容），请确认后再保存",
        "en": "the comment was changed elsewhere (you were looking at an older text); check and save again",
    },
    # store
    "store.not_found": {"zh": "找不到{what}（编号 {id}）", "en": "no {what} with id {id}"},
    "store.rubric_frozen": {
        "zh": "评审阶段“{round}”已有评分，评分标准已冻结；请另存为新版本",
        "en": "round '{round}' has scores, so its rubric is frozen; save a new version instead",
    },
    "store.assign_conflict": {
        "zh": "有 {count} 个分配与回避关系冲突，未作任何分配",
        "en": "{count} assignment(s) conflict with a 回避 (conflict of interest); nothing was assigned",
    },
    "store.round_not_open": {"zh": "评审阶段“{round}”未开放评分", "en": "round '{round}' is not open for scoring"},
    "store.not_assigned": {"zh": "该作品未分配给您", "en": "this entry is not assigned to you"},
    "store.in_conflict": {"zh": "您已声明与该作品回避", "en": "you declared a conflict with this entry"},
    "store.sheet_submitted": {
        "zh": "评分表已提交并锁定；如需修改请联系组织方重新开放",
        "en": "the score sheet is submitted and locked; ask the organiser to reopen it",
    },
}
