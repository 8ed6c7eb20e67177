"""Texts of the Chinese-first interface: Streamlit's own widget texts, the big screen, names of codes."""

TEXTS: dict[str, dict[str, str]] = {
    # Streamlit's file uploader, drawn by judging/ui/chrome.py in place of its English texts
    "chrome.upload": {"zh": "选择文件", "en": "Choose a file"},
    "chrome.upload_limit": {"zh": "或将文件拖到此处，每个文件不超过 {mb} MB",
                            "en": "or drop a file here, at most {mb} MB per file"},
    # the big screen of the live final (judging/ui/organiser_screen.py)
    "oc.screen.projector": {"zh": "投影模式", "en": "Projector mode"},
    "oc.screen.projector_help": {
        "zh": "隐藏侧边栏和页头，只在大屏上显示评分板；页面底部的“退出投影模式”可恢复。",
        "en": "Hides the sidebar and the header so that the big screen shows the board alone; "
              "“Leave projector mode” at the bottom of the page brings them back.",
    },
    "oc.screen.leave_projector": {"zh": "退出投影模式", "en": "Leave projector mode"},
    "oc.screen.show_names": {"zh": "大屏显示评委姓名", "en": "Show the judges' names on the screen"},
    "oc.screen.show_names_help": {
        "zh": "默认显示为评委1、评委2……（按评委组顺序），打开后显示评委姓名。",
        "en": "By default judges are shown as Judge 1, Judge 2 … (in the panel's order); on, their names are shown.",
    },
    "oc.screen.judge_n": {"zh": "评委{n}", "en": "Judge {n}"},
    "oc.screen.final_score": {"zh": "最终得分", "en": "Final score"},
    "oc.screen.how_trimmed": {"zh": "最终得分为去掉一个最高分和一个最低分后的平均分",
                              "en": "The final score is the mean after dropping the highest and the lowest mark"},
    "oc.screen.how_raw": {"zh": "最终得分为全部评委分数的平均分", "en": "The final score is the mean of every judge's mark"},
    "oc.screen.how_median": {"zh": "最终得分为全部评委分数的中位数", "en": "The final score is the median of the judges' marks"},
    "oc.screen.how_calibrated": {
        "zh": "最终得分为校准模型得分：按每位评委在已评作品上的宽严程度校正后的分数",
        "en": "The final score is the calibrated score: marks corrected for each judge's severity over the entries so far",
    },
    "oc.screen.how_additive": {"zh": "最终得分为校正评委宽严后的平均分",
                               "en": "The final score is the mean after correcting each judge's severity"},
    "oc.screen.how_linear": {"zh": "最终得分为校正评委宽严和打分尺度后的平均分",
                             "en": "The final score is the mean after correcting each judge's severity and scale"},
    "oc.screen.how_zscore": {"zh": "最终得分为按评委标准分换算后的得分",
                             "en": "The final score is computed from each judge's standardised (z) scores"},
    "oc.screen.how_percentile": {"zh": "最终得分为按评委百分位换算后的得分",
                                 "en": "The final score is computed from each judge's percentiles"},
    "oc.screen.how_other": {"zh": "最终得分计算方法：{method}", "en": "How the final score is made: {method}"},
    # the judge diagnostics table and chart (judging/ui/judge_table.py)
    "jt.col.judge": {"zh": "评委", "en": "Judge"},
    "jt.col.noise": {"zh": "离散度（分）", "en": "Noise (points)"},
    "jt.col.consistency": {"zh": "一致性", "en": "Consistency"},
    "jt.col.flags": {"zh": "提示", "en": "Flags"},
    "jt.col.state": {"zh": "状态", "en": "State"},
    "jt.chart_title": {"zh": "评委宽严与尺度", "en": "Judges' severity and scale use"},
    "results.bump_title": {"zh": "各方法下的名次变化（粗线：奖项等级随方法改变）",
                           "en": "Rank under each method (thick lines: the tier changes with the method)"},
    "results.interval_title": {"zh": "得分与区间（虚线为奖项分界）", "en": "Scores with intervals (dashed: award boundaries)"},
    # when a bundle's digest was recorded (judging/ui/auditor.py)
    "aud.anchor.publish": {"zh": "公示时", "en": "at publication"},
    "aud.anchor.freeze": {"zh": "定稿时", "en": "when frozen"},
}
