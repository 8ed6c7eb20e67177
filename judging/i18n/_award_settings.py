"""Texts of a round's award settings: the form, its checks, the versions and the refusals."""

TEXTS: dict[str, dict[str, str]] = {
    "aws.at_least_one_needs_share": {
        "zh": "奖项等级“{tier}”：“每个赛道至少一个”只适用于按比例（%）的名额；按个数的名额请直接填写个数",
        "en": "tier '{tier}': 'at least one per track' applies to a share (%) only; for a count, type the count",
    },
    "aws.bad_quota": {
        "zh": "名额“{value}”无效：填写个数（如 3）或比例（如 5% 或 0.05）",
        "en": "the quota '{value}' is not valid: type a count (e.g. 3) or a share (e.g. 5% or 0.05)",
    },
    "aws.round_published": {
        "zh": "评审阶段“{round}”的名单已公示，奖项设置不能再修改（名单按公示时的设置计算）",
        "en": "the list of round '{round}' is published: its award settings can no longer change "
              "(the list stands on the settings it was computed with)",
    },
    "aws.stale": {
        "zh": "奖项设置已被保存为第 {version} 版（您修改的是第 {based_on} 版）；请重新载入页面，在最新版本上修改",
        "en": "the award settings were saved as version {version} meanwhile (you edited version {based_on}); "
              "reload the page and edit the latest version",
    },
    "aws.changed_before_publish": {
        "zh": "奖项设置在您查看后改为第 {version} 版（页面显示的是第 {seen} 版）；请重新载入结果页面，核对后再公示",
        "en": "the award settings changed to version {version} after you looked (the page showed version {seen}); "
              "reload the results page, check the split, then publish",
    },
    # the award settings page
    "page.award_settings": {"zh": "奖项设置", "en": "Award settings"},
    "aws.version": {"zh": "当前为第 {version} 版奖项设置（{by} 保存）", "en": "award settings version {version} (saved by {by})"},
    "aws.version_default": {
        "zh": "尚未保存奖项设置：使用默认设置（一等奖 5%、二等奖 10%、三等奖 15%、优秀奖 20%，每个赛道至少一个一等奖）",
        "en": "no award settings saved yet: the default applies (first prize 5%, second 10%, third 15%, "
              "excellence 20%, at least one first prize per track)",
    },
    "aws.published_read_only": {
        "zh": "本评审阶段的名单已公示：奖项设置只读（名单、公示文件和数据包都使用公示时的设置）",
        "en": "this round's list is published: the award settings are read-only (the list, the 公示 documents "
              "and the bundle use the settings it was published with)",
    },
    "aws.preview": {"zh": "各赛道可获奖数量（按当前设置，并列可能使名额增加）",
                    "en": "awards each tier may give per track (current settings; a tie can extend a tier)"},
    "aws.preview_none": {"zh": "本评审阶段还没有作品", "en": "this round has no entries yet"},
    "aws.tiers": {"zh": "奖项等级（由高到低）", "en": "award tiers (best first)"},
    "aws.tiers_help": {
        "zh": "名额填个数（如 3）或比例（如 5%）；“至少一个”使按比例计算为零的小赛道仍有一个该等奖项；"
              "等级最低分可留空",
        "en": "a quota is a count (e.g. 3) or a share (e.g. 5%); 'at least one' gives a small track one award of "
              "the tier where its share rounds to none; a tier's minimum score may stay empty",
    },
    "aws.col_key": {"zh": "代码", "en": "key"},
    "aws.col_quota": {"zh": "名额", "en": "quota"},
    "aws.col_min_score": {"zh": "最低分", "en": "minimum score"},
    "aws.col_at_least_one": {"zh": "每赛道至少一个", "en": "at least one per track"},
    "aws.min_score": {"zh": "获奖最低分（所有等级）", "en": "minimum score for any award"},
    "aws.no_minimum": {"zh": "不设", "en": "none"},
    "aws.tie_policy": {"zh": "名额边界上无法区分的并列", "en": "a tie that cannot be broken at a quota boundary"},
    "aws.tie_policy.include": {"zh": "并列者都得较高等级", "en": "the whole group gets the higher tier"},
    "aws.tie_policy.exclude": {"zh": "并列者都得较低等级", "en": "the whole group gets the lower tier"},
    "aws.share_rounding": {"zh": "按比例计算名额时", "en": "shares are rounded"},
    "aws.rounding.floor": {"zh": "向下取整", "en": "down"},
    "aws.rounding.round": {"zh": "四舍五入", "en": "to the nearest"},
    "aws.rounding.ceil": {"zh": "向上取整", "en": "up"},
    "aws.tie_break": {"zh": "同分时依次比较", "en": "equal scores are compared on, in turn"},
    "aws.tie_break_help": {"zh": "按选择的顺序逐项比较；全部相同的作品并列并标出",
                           "en": "compared in the order chosen; entries equal on every key share a rank and are flagged"},
    "aws.tb_criterion": {"zh": "较高的“{criterion}”得分", "en": "higher '{criterion}' score"},
    "aws.tb.first_places": {"zh": "更多评委排第一", "en": "more judges' first places"},
    "aws.tb.median": {"zh": "较高的中位分", "en": "higher median"},
    "aws.tb.raw": {"zh": "较高的原始均分", "en": "higher raw mean"},
    "aws.tb.n_judges": {"zh": "更多评委", "en": "more judges"},
    "aws.track_overrides": {"zh": "以下赛道另有名额（在 TOML 文件中修改）：{tracks}",
                            "en": "these tracks have their own quotas (change them in the TOML file): {tracks}"},
    "aws.save": {"zh": "保存为第 {version} 版", "en": "Save as version {version}"},
    "aws.form": {"zh": "奖项设置表单", "en": "award settings form"},
    "aws.not_saved": {"zh": "奖项设置未保存，请修改以下问题：", "en": "the award settings were not saved; fix these:"},
    "aws.saved": {"zh": "已保存为第 {version} 版奖项设置", "en": "saved as award settings version {version}"},
    "aws.toml": {"zh": "TOML 文件（下载或上传）", "en": "TOML file (download or upload)"},
    "aws.download": {"zh": "下载当前设置（TOML）", "en": "Download the current settings (TOML)"},
    "aws.upload": {"zh": "上传奖项设置文件（格式见 docs/ranking.md）", "en": "Upload an award settings file (format: docs/ranking.md)"},
    "aws.not_utf8": {"zh": "{file} 不是 UTF-8 编码的文本文件", "en": "{file} is not a UTF-8 text file"},
    "aws.save_upload": {"zh": "将 {file} 保存为第 {version} 版", "en": "Save {file} as version {version}"},
    "aws.history": {"zh": "历史版本（{n} 个）", "en": "versions ({n})"},
    "aws.col_version": {"zh": "版本", "en": "version"},
    "aws.col_source": {"zh": "来源", "en": "from"},
    "aws.col_by": {"zh": "保存人", "en": "saved by"},
    "aws.col_at": {"zh": "时间", "en": "at"},
    "aws.source.form": {"zh": "表单", "en": "form"},
    "aws.source.toml": {"zh": "TOML 文件", "en": "TOML file"},
    # the results page
    "aws.results_caption": {"zh": "奖项：{tiers}（第 {version} 版奖项设置，在“奖项设置”页修改）",
                            "en": "awards: {tiers} (award settings version {version}; change them on the Award settings page)"},
}
