"""Texts of imports and exports: the validation report of entry, judge and score files."""

TEXTS: dict[str, dict[str, str]] = {
    # reading a table
    "import.empty_file": {
        "zh": "文件是空的：第一行应是表头，下面每行一条记录",
        "en": "the file is empty: the first row should be the header, then one record per row",
    },
    "import.no_rows": {
        "zh": "文件只有表头，没有数据行：请在表头下面每行填写一条记录",
        "en": "the file has a header but no data rows: add one record per row below the header",
    },
    "import.not_a_table": {
        "zh": "不是 CSV 或 XLSX 文件（{detail}）：请在 Excel 中另存为“CSV UTF-8”或“Excel 工作簿 (.xlsx)”",
        "en": "not a CSV or XLSX file ({detail}): save it from Excel as 'CSV UTF-8' or 'Excel Workbook (.xlsx)'",
    },
    "import.undecodable": {
        "zh": "无法识别文件的文字编码：请另存为 UTF-8 或 GB18030/GBK 编码的 CSV",
        "en": "the text encoding is not recognised: save the CSV as UTF-8 or GB18030/GBK",
    },
    "import.bad_csv": {
        "zh": "CSV 格式有误（{detail}）：请检查引号是否成对",
        "en": "the CSV is malformed ({detail}): check that quotes are paired",
    },
    "import.bad_xlsx": {
        "zh": "无法读取 Excel 文件（{detail}）：请在 Excel 中重新保存为 .xlsx",
        "en": "cannot read the Excel file ({detail}): save it again as .xlsx from Excel",
    },
    "import.missing_column": {
        "zh": "缺少必填列“{column}”：请在表头加上这一列（可用列名：{aliases}）",
        "en": "the required column '{column}' is missing: add it to the header (accepted names: {aliases})",
    },
    "import.duplicate_column": {
        "zh": "列“{first}”和“{second}”都表示“{field}”：请删去其中一列",
        "en": "the columns '{first}' and '{second}' both mean '{field}': delete one of them",
    },
    "import.extra_cells": {
        "zh": "此行比表头多出 {n} 个单元格：请检查文本中是否有未加引号的逗号",
        "en": "this row has {n} more cell(s) than the header: check for commas in unquoted text",
    },
    "import.required": {"zh": "“{column}”不能为空：请填写", "en": "'{column}' is empty: fill it in"},
    "import.unknown_track": {
        "zh": "赛道“{value}”不存在：请填写赛道名称或代码（可选：{allowed}）",
        "en": "there is no track '{value}': use a track name or key (one of {allowed})",
    },
    "import.duplicate_id": {
        "zh": "编号“{value}”与第 {first} 行重复：每条记录的编号必须唯一",
        "en": "the id '{value}' is also used on row {first}: every record needs its own id",
    },
    "import.id_exists": {
        "zh": "编号“{value}”已存在：请换一个编号，或从文件中删去已导入的记录",
        "en": "the id '{value}' already exists: use another id, or remove records that were imported before",
    },
    "import.bad_email": {
        "zh": "邮箱“{value}”格式不正确：应形如 name@example.com",
        "en": "the email '{value}' is not valid: it should look like name@example.com",
    },
    "import.bad_phone": {
        "zh": "电话“{value}”格式不正确：手机号为 11 位数字，座机形如 010-12345678",
        "en": "the phone number '{value}' is not valid: a mobile has 11 digits, a landline looks like 010-12345678",
    },
    "import.bad_id": {
        "zh": "编号“{value}”含有换行或制表符：请只用一行文字",
        "en": "the id '{value}' contains a line break or tab: use a single line",
    },
    "import.too_long": {
        "zh": "“{column}”太长（{n} 个字符，最多 {max} 个）：请缩短",
        "en": "'{column}' is too long ({n} characters, at most {max}): shorten it",
    },
    # scores in long format
    "scores.duplicate_row": {
        "zh": "与第 {first} 行重复：同一评委、作品、评分项和评审阶段只能有一个分数",
        "en": "repeats row {first}: one score per judge, entry, criterion and round",
    },
    "scores.unknown_judge": {
        "zh": "评委账号“{value}”不存在：请先导入评委，或改正账号",
        "en": "there is no judge with the username '{value}': import the judge first or correct it",
    },
    "scores.unknown_entry": {
        "zh": "作品编号“{value}”不在本届大赛中：请先导入作品，或改正编号",
        "en": "the entry id '{value}' is not in this edition: import the entry first or correct it",
    },
    "scores.wrong_round": {
        "zh": "评审阶段“{value}”与导入的阶段“{round}”不符：请改正或删去这一列",
        "en": "the round '{value}' is not the round being imported ('{round}'): correct it or delete the column",
    },
    "scores.wrong_track": {
        "zh": "赛道“{value}”与作品所在赛道“{track}”不符：请改正或删去这一列",
        "en": "the track '{value}' is not the entry's track ('{track}'): correct it or delete the column",
    },
    "scores.in_conflict": {
        "zh": "评委“{judge}”与作品“{entry}”须回避，不能导入这一分数：请删去这一行",
        "en": "the judge '{judge}' is in conflict with the entry '{entry}' (回避): delete this row",
    },
    # commands
    "cli.import_entries_done": {"zh": "已导入 {n} 个作品", "en": "{n} entries imported"},
    "cli.import_judges_done": {
        "zh": "已导入 {n} 位评委，自动回避 {conflicts} 对",
        "en": "{n} judges imported, {conflicts} automatic conflict(s) recorded",
    },
    "cli.auto_conflicts": {
        "zh": "已按单位自动登记回避 {n} 对（评委与作品）",
        "en": "{n} automatic conflict(s) (judge and entry of the same organisation) recorded",
    },
    "cli.import_nothing": {
        "zh": "文件有问题，未导入任何记录：",
        "en": "the file has problems; nothing was imported:",
    },
    "cli.scores_exported": {"zh": "已导出 {n} 条分数到 {path}", "en": "{n} scores exported to {path}"},
    "cli.scores_imported": {
        "zh": "已导入 {n} 条分数（其中新增或改动 {changed} 条）",
        "en": "{n} scores imported ({changed} new or changed)",
    },
    "cli.report_columns": {"zh": "行\t列\t问题", "en": "row\tcolumn\tproblem"},
}
