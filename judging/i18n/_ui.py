"""Texts of the Streamlit pages."""

TEXTS: dict[str, dict[str, str]] = {
    "app.title": {"zh": "信息消费大赛评审系统", "en": "Information Consumption Contest Judging"},
}
