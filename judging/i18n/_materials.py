"""Texts of entry materials: the checks of a file, the organiser's materials page, the materials on the
score sheet, the bulk import on the command line and the check of the stored files."""

TEXTS: dict[str, dict[str, str]] = {
    # the checks of a file (core.materials)
    "mat.bad_name": {"zh": "文件名为空或超过 {limit} 个字符：请改用简短的文件名",
                     "en": "the file name is empty or longer than {limit} characters: use a short name"},
    "mat.too_big": {"zh": "文件 {size} MB，超过每个文件 {limit} MB 的上限：请压缩或拆分后再上传",
                    "en": "the file is {size} MB, above the limit of {limit} MB per file: compress or split it"},
    "mat.empty": {"zh": "文件是空的（0 字节）：请重新导出", "en": "the file is empty (0 bytes): export it again"},
    "mat.bad_extension": {
        "zh": "不接受扩展名为“{extension}”的文件：只接受 PDF（.pdf）、图片（.png、.jpg、.jpeg）和 Word（.docx）",
        "en": "files ending in '{extension}' are not accepted: only PDF (.pdf), images (.png, .jpg, .jpeg) "
              "and Word (.docx)"},
    "mat.unknown_content": {
        "zh": "文件名是 {claimed}，但内容不是 PDF、PNG、JPEG 或 DOCX：请用原程序重新导出为 {claimed}",
        "en": "the name says {claimed} but the content is no PDF, PNG, JPEG or DOCX: export it again as "
              "{claimed} from the program that made it"},
    "mat.wrong_extension": {
        "zh": "文件名是 {claimed}，内容却是 {actual}：请改正扩展名或重新导出",
        "en": "the name says {claimed} but the content is {actual}: correct the extension or export it again"},
    "mat.pdf_truncated": {"zh": "PDF 不完整（没有结束标记，可能上传或复制时中断）：请重新导出",
                          "en": "the PDF is incomplete (no end marker; the upload or copy was cut off): "
                                "export it again"},
    "mat.pdf_active": {
        "zh": "PDF 含有可自动执行的内容（{what}），不予接收：请用“打印为 PDF”或另存为 PDF/A 后再上传",
        "en": "the PDF holds content that runs by itself ({what}) and is refused: print it to PDF or save "
              "it as PDF/A, then upload that"},
    "mat.image_broken": {"zh": "图片已损坏或无法读取：请重新导出", "en": "the image is damaged or unreadable: export it again"},
    "mat.image_too_large": {"zh": "图片超过 {limit} 百万像素：请缩小后再上传",
                            "en": "the image has more than {limit} megapixels: scale it down"},
    "mat.docx_bomb": {"zh": "Word 文件的压缩结构异常（{detail}），可能是压缩炸弹，不予接收：请另存为新的 .docx 或 PDF",
                      "en": "the Word file's packing is abnormal ({detail}), possibly a zip bomb, and is refused: "
                            "save it as a new .docx or as PDF"},
    "mat.docx_not_word": {"zh": "文件不是 Word 文档（.docx）：请用 Word 或 WPS 另存为 .docx 或 PDF",
                          "en": "the file is not a Word document (.docx): save it as .docx or PDF from Word or WPS"},
    "mat.docx_macros": {"zh": "Word 文件含有宏或控件，不予接收：请另存为不含宏的 .docx 或 PDF",
                        "en": "the Word file holds macros or controls and is refused: save it as a .docx "
                              "without macros, or as PDF"},
    "mat.unmatched": {"zh": "文件名不以本届任何作品编号开头（如 2026-IN-014_申报书.pdf）：请改名",
                      "en": "the name starts with no entry id of this edition (e.g. 2026-IN-014_申报书.pdf): rename it"},
    "mat.too_many": {"zh": "一次导入 {n} 个文件，超过 {limit} 个：请分批导入",
                     "en": "{n} files at once, more than {limit}: import them in parts"},
    # what the store refuses
    "mat.not_assigned": {"zh": "该作品未分配给您，不能查看其材料", "en": "this entry is not assigned to you: its materials are not yours to see"},
    "mat.in_conflict": {"zh": "您已对该作品回避，不能再查看其材料",
                        "en": "you have a conflict (回避) on this entry: its materials are no longer shown to you"},
    "mat.not_on_sheet": {"zh": "该材料不在您的评分表上（已撤下，或本阶段为盲评而材料含申报单位信息）",
                         "en": "this material is not on your score sheet (withdrawn, or it names the applicant "
                               "in a blind round)"},
    "mat.blob_missing": {"zh": "材料 #{id}（{name}）的文件内容缺失（SHA-256 {sha256}…）",
                         "en": "the bytes of material #{id} ({name}) are missing (SHA-256 {sha256}…)"},
    "mat.blob_changed": {"zh": "材料 #{id}（{name}）的文件内容已被改动：与记录的 SHA-256 {sha256}… 不符",
                         "en": "the bytes of material #{id} ({name}) were changed: they no longer match the "
                               "recorded SHA-256 {sha256}…"},
    "audit.table.material": {"zh": "作品材料", "en": "entry material"},
    # the organiser's page
    "page.materials": {"zh": "作品材料", "en": "Entry materials"},
    "mat.ui.help": {
        "zh": "为作品附上申报书（PDF）、图片（PNG/JPG）和 Word 文件（.docx），每个文件不超过 {limit} MB。"
              "文件按内容核验（不看扩展名）；含脚本的 PDF、含宏的 Word 文件不予接收。"
              "评委在评分表上看到分配给自己的作品的材料；盲评阶段不显示标为“含申报单位信息”的文件。",
        "en": "Attach application forms (PDF), images (PNG/JPG) and Word files (.docx) to entries, at most "
              "{limit} MB each. Files are checked by their content, not their extension; PDFs with scripts and "
              "Word files with macros are refused. Judges see the materials of their assigned entries on the "
              "score sheet; a blind round hides the files marked as naming the applicant."},
    "mat.ui.entry": {"zh": "作品", "en": "Entry"},
    "mat.ui.files": {"zh": "上传文件（可多选）", "en": "Upload files (several at once)"},
    "mat.ui.bulk_files": {"zh": "批量上传：文件名以作品编号开头（如 2026-IN-014_申报书.pdf）",
                          "en": "Bulk upload: names start with the entry id (e.g. 2026-IN-014_申报书.pdf)"},
    "mat.ui.mode": {"zh": "上传方式", "en": "How to upload"},
    "mat.ui.mode_one": {"zh": "逐个作品", "en": "One entry"},
    "mat.ui.mode_bulk": {"zh": "按文件名批量", "en": "By file name, in bulk"},
    "mat.ui.identifying": {"zh": "含申报单位信息（盲评时不向评委显示）",
                           "en": "Names the applicant (hidden from judges in blind rounds)"},
    "mat.ui.attach": {"zh": "附加 {n} 个文件", "en": "Attach {n} files"},
    "mat.ui.refused": {"zh": "{n} 个文件未通过核验，全部未保存：", "en": "{n} files were refused; nothing was stored:"},
    "mat.ui.attached": {"zh": "已附加 {n} 个文件", "en": "{n} files attached"},
    "mat.ui.already": {"zh": "作品已有相同文件，未重复添加：{names}", "en": "already attached to the entry, not added again: {names}"},
    "mat.ui.unmatched": {"zh": "以下文件名不以任何作品编号开头，未导入：{names}",
                         "en": "these names start with no entry id and were not imported: {names}"},
    "mat.ui.list": {"zh": "已附加的材料", "en": "Attached materials"},
    "mat.ui.none": {"zh": "该作品尚无材料", "en": "this entry has no materials yet"},
    "mat.ui.col_name": {"zh": "文件", "en": "File"},
    "mat.ui.col_kind": {"zh": "类型", "en": "Kind"},
    "mat.ui.col_size": {"zh": "大小", "en": "Size"},
    "mat.ui.col_sha": {"zh": "SHA-256", "en": "SHA-256"},
    "mat.ui.col_identifying": {"zh": "含申报单位信息", "en": "Names the applicant"},
    "mat.ui.withdraw": {"zh": "撤下", "en": "Withdraw"},
    "mat.ui.withdrawn": {"zh": "已撤下：{name}", "en": "withdrawn: {name}"},
    "mat.ui.mark": {"zh": "标为含申报单位信息", "en": "Mark as naming the applicant"},
    "mat.ui.unmark": {"zh": "取消“含申报单位信息”", "en": "Unmark"},
    "mat.ui.no_entries": {"zh": "本届还没有作品：请先在“导入”页导入作品", "en": "the edition has no entries yet: import them first"},
    # on the score sheet
    "mat.sheet.links": {"zh": "材料链接", "en": "Material links"},
    "mat.sheet.open": {"zh": "下载 / 全屏打开", "en": "Download / open full screen"},
    "mat.sheet.download_only": {"zh": "Word 文件不在页面中显示，请下载后查看",
                                "en": "Word files are not shown in the page: download to read it"},
    "mat.sheet.pdf_alt": {"zh": "申报材料：{name}", "en": "material: {name}"},
    "mat.sheet.full": {"zh": "全屏阅读（加高阅读区）", "en": "Read full screen (a taller viewer)"},
    "mat.sheet.beside": {"zh": "材料与评分表并排显示", "en": "Materials beside the score sheet"},
    "mat.sheet.beside_help": {"zh": "宽屏上左边看材料、右边打分；窄屏上建议关闭（材料显示在评分表上方）",
                              "en": "On a wide screen: read on the left, score on the right; on a narrow one leave "
                                    "it off (the materials show above the sheet)"},
    "mat.sheet.choose": {"zh": "选择要查看的文件", "en": "File to view"},
    "mat.sheet.blind_hidden": {"zh": "本阶段为盲评：含申报单位信息的材料不显示", "en": "blind round: materials naming the applicant are hidden"},
    "mat.size_kb": {"zh": "{n} KB", "en": "{n} KB"},
    # command line
    "mat.cli.done": {"zh": "已附加 {n} 个文件（新存储 {blobs} 个文件内容，{already} 个已附加过）",
                     "en": "{n} files attached ({blobs} new stored contents, {already} already attached)"},
    "mat.cli.unmatched": {"zh": "{n} 个文件名不以任何作品编号开头，未导入：", "en": "{n} files start with no entry id and were not imported:"},
    "mat.cli.not_a_folder": {"zh": "不是文件夹：{path}", "en": "not a folder: {path}"},
}
