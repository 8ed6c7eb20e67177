"""Messages of the store layer (database engine and sessions)."""

TEXTS: dict[str, dict[str, str]] = {
    "store.busy": {
        "zh": "数据库繁忙（其他保存已排队 {seconds} 秒），本次修改未保存，请稍后再输入一次。",
        "en": "The database is busy (other saves queued for {seconds} s); this change was not saved. Please enter it again in a moment.",
    },
}
