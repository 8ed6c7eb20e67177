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
    # hostile or careless files: limits, encodings, where the header is, what Excel changed
    "import.file_too_big": {
        "zh": "文件太大（{size} MB，上限 {limit} MB）：请拆分成几个文件分别导入",
        "en": "the file is too big ({size} MB, the limit is {limit} MB): split it and import the parts one by one",
    },
    "import.xlsx_too_big": {
        "zh": "Excel 文件解压后太大（{size} MB，上限 {limit} MB）：请删去无用的工作表、图片和格式后另存，或拆分成几个文件",
        "en": "the Excel file unpacks to {size} MB (the limit is {limit} MB): delete unused sheets, pictures and formatting, or split it",
    },
    "import.too_many_rows": {
        "zh": "行数超过上限 {max} 行：请拆分成几个文件分别导入（若表格下方有大量空行或格式，请删除后另存）",
        "en": "more than {max} rows: split the file (if the sheet has many blank or formatted rows below the data, delete them and save again)",
    },
    "import.too_many_columns": {
        "zh": "此行有 {n} 列，超过上限 {max} 列：请删去多余的列",
        "en": "this row has {n} columns, more than the limit of {max}: delete the extra columns",
    },
    "import.cell_too_long": {
        "zh": "单元格有 {n} 个字符，超过上限 {max}：请缩短，或检查是否有引号未闭合",
        "en": "the cell has {n} characters, more than {max}: shorten it, or check for an unclosed quote",
    },
    "import.mixed_encoding": {
        "zh": "文件混用了两种文字编码：第 {rows} 行（共 {n} 行）是 {encoding}，其余是 {rest}；导入会变成乱码。请在 Excel 中把整个文件另存为“CSV UTF-8”后再导入",
        "en": "the file mixes two text encodings: line(s) {rows} ({n} in all) are {encoding}, the rest {rest}; importing would garble them. Save the whole file from Excel as 'CSV UTF-8' and import it again",
    },
    "import.header_not_found": {
        "zh": "前 {n} 行中没有找到表头（应包含：{columns}）；第 {row} 行只有一个单元格“{text}”，像是标题：请删去标题行，让表头在第一行",
        "en": "no header found in the first {n} rows (it should name: {columns}); row {row} has a single cell '{text}', which looks like a title: delete the title rows so that the header comes first",
    },
    "import.header_found_below": {
        "zh": "表头在第 {row} 行，上面的 {n} 行（标题）未导入",
        "en": "the header is on row {row}; the {n} row(s) above it (a title) were not imported",
    },
    "import.excel_date": {
        "zh": "“{column}”是 Excel 日期格式（显示为 {value}）：编号和电话不应是日期。请把该列设为“文本”格式，重新输入后再导入",
        "en": "'{column}' is an Excel date (shown as {value}): ids and phones are not dates. Format the column as Text, type the values again and import",
    },
    "file.too_deep": {
        "zh": "{name} 的括号或表格嵌套过深，无法读取：这不是正常编辑得到的文件，请改用原始文件",
        "en": "{name} is nested too deeply to be read: no normal edit makes such a file; use the original one",
    },
    "rubric.number_too_large": {
        "zh": "{key} 为 {value}，超出允许范围（绝对值不超过 {max}）：请填写评分表中实际使用的数值",
        "en": "{key} is {value}, outside the allowed range (at most {max} in size): use the numbers a score sheet really has",
    },
    "rubric.step_too_small": {
        "zh": "步长 {value} 太小（至少 {min}）：分数最多保留三位小数",
        "en": "the step {value} is too small (at least {min}): scores have at most three decimals",
    },
    "bundle.too_big": {
        "zh": "数据包解压后太大或文件太多（{detail}）：这不是本系统生成的数据包",
        "en": "the bundle unpacks too big or holds too many files ({detail}): it was not made by this system",
    },
    "import.excel_scientific": {
        "zh": "“{column}”是科学计数法（{value}），Excel 已丢掉了后面的数字：请把该列设为“文本”格式，重新输入完整号码后再导入",
        "en": "'{column}' is in scientific notation ({value}) and Excel has dropped its last digits: format the column as Text and type the full numbers again",
    },
}
