"""Texts of the sheets' overall comments in score files."""

TEXTS = {
    "scores.overall_comment_differs": {
        "zh": "评委 {judge} 对作品 {entry} 的总体评语在各行不一致：同一评分表的每一行应填写相同的总体评语（或只在一行填写）",
        "en": "the overall comment of {judge} on {entry} differs between rows: give the sheet's overall comment the same on every row (or on one row only)",
    },
}
