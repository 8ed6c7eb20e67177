"""Texts of the 公文-grade documents: the issuer (主办单位), certificate numbers, notes on changes, and
the settings form and command that set them."""

TEXTS: dict[str, dict[str, str]] = {
    # refusals and checks
    "doc.no_issuer": {
        "zh": "未设置主办单位（发文机关），不能生成公告、公示名单或获奖证书。请组织者在“大赛设置”页的“公文与证书”"
              "中填写主办单位，或在命令行运行 judging documents set --edition 编号 --issuer 主办单位"
              "（按文件导出时用 --organiser）",
        "en": "no issuer (主办单位) is set, so no announcement, list or certificate can be made. An organiser sets it on "
              "the edition setup page under \u201cdocuments and certificates\u201d, or on the command line with "
              "judging documents set --edition ID --issuer NAME (--organiser when exporting from files)",
    },
    "doc.issuer_required": {
        "zh": "请填写主办单位（发文机关），例如：某市经济和信息化局",
        "en": "enter the issuer (主办单位), e.g. the municipal bureau of economy and IT",
    },
    "doc.issuer_too_long": {
        "zh": "主办单位共 {n} 个字，最多 {max} 个字",
        "en": "the issuer has {n} characters; at most {max} are allowed",
    },
    "doc.scheme_syntax": {
        "zh": "证书编号格式“{scheme}”写法有误（{detail}）：花括号只能用于 {{年份}}、{{序号}}、{{赛道}}、{{前缀}}",
        "en": "the certificate number scheme \u201c{scheme}\u201d cannot be read ({detail}): braces are only for "
              "{{年份}} (year), {{序号}} (seq), {{赛道}} (track), {{前缀}} (prefix)",
    },
    "doc.scheme_unknown": {
        "zh": "证书编号格式中不认识 {fields}；可用的有 {allowed}",
        "en": "the certificate number scheme uses {fields}, which are not known; use {allowed}",
    },
    "doc.scheme_no_seq": {
        "zh": "证书编号格式“{scheme}”中没有序号 {{序号}}，每张证书的编号会相同；例如：{{年份}}信创赛证字第{{序号:03d}}号",
        "en": "the certificate number scheme \u201c{scheme}\u201d has no {{序号}} (seq), so every certificate would "
              "have the same number; e.g. {{年份}}信创赛证字第{{序号:03d}}号",
    },
    "doc.scheme_too_long": {
        "zh": "证书编号格式共 {n} 个字符，最多 {max} 个",
        "en": "the certificate number scheme has {n} characters; at most {max} are allowed",
    },
    "doc.scheme_format": {
        "zh": "证书编号格式“{scheme}”无法生成编号（{detail}）；序号可写 {{序号}} 或 {{序号:03d}}（三位，不足补零）",
        "en": "the certificate number scheme \u201c{scheme}\u201d cannot make a number ({detail}); write the "
              "sequence as {{序号}} or {{序号:03d}} (three digits with leading zeros)",
    },
    "doc.prefix_unknown_track": {
        "zh": "赛道 {track} 不属于本届大赛，不能为它设置证书前缀",
        "en": "track {track} is not one of this edition's, so it cannot have a certificate prefix",
    },
    "doc.prefix_too_long": {
        "zh": "“{track}”的证书前缀最多 {max} 个字",
        "en": "the certificate prefix of \u201c{track}\u201d has at most {max} characters",
    },
    "doc.track_unnamed": {
        "zh": "赛道 {track} 没有中文名称，证书上会出现内部代码：请在大赛设置中填写赛道名称"
              "（按文件导出时用 --track-names {track}=中文名称）",
        "en": "track {track} has no Chinese name, so the certificate would show its internal key: name the track in "
              "the edition setup (--track-names {track}=NAME when exporting from files)",
    },
    "doc.stale": {
        "zh": "文书设置已被他人修改（现为第 {version} 版，你编辑的是第 {based_on} 版）：请刷新页面后重新填写",
        "en": "the document settings were changed meanwhile (now version {version}, you edited version {based_on}): "
              "reload the page and enter them again",
    },
    "doc.unknown_edition": {"zh": "没有编号为 {edition} 的大赛", "en": "there is no edition {edition}"},
    # in the documents
    "doc.col.note": {"zh": "备注", "en": "Note"},
    "doc.table_note": {"zh": "注：《{title}》{note}。", "en": "Note: \u201c{title}\u201d {note}."},
    "doc.cert_number": {"zh": "证书编号：{number}", "en": "Certificate no. {number}"},
    "doc.no_award": {"zh": "不授奖", "en": "no award"},
    "doc.change.objection": {"zh": "经异议复核，由{before}调整为{after}", "en": "after an objection: {before} to {after}"},
    "doc.change.review": {"zh": "经复核，由{before}调整为{after}", "en": "after review: {before} to {after}"},
    "doc.change.reason": {"zh": "（{reason}）", "en": " ({reason})"},
    # the organiser's form
    "doc.form.heading": {"zh": "公文与证书", "en": "Documents and certificates"},
    "doc.form.caption": {
        "zh": "公告、公示名单和获奖证书的落款与证书编号。未填写主办单位时，这些文件不能生成。",
        "en": "How the announcement, the list and the certificates are signed and numbered. Without an issuer "
              "they cannot be made.",
    },
    "doc.form.issuer": {"zh": "主办单位（发文机关署名）", "en": "Issuer (主办单位, signs the documents)"},
    "doc.form.issuer_help": {"zh": "例如：某市经济和信息化局；多个单位用顿号分隔", "en": "e.g. the municipal bureau of economy and IT"},
    "doc.form.scheme": {"zh": "证书编号格式", "en": "Certificate number scheme"},
    "doc.form.scheme_help": {
        "zh": "可用：{年份}，{序号}（{序号:03d} 为三位补零），{赛道}（赛道名称），{前缀}（赛道前缀）。"
              "含赛道或前缀时按赛道分别编号，否则全部名单连续编号。例如：{年份}信创赛证字第{序号:03d}号",
        "en": "Use {年份} (year), {序号} (sequence; {序号:03d}: three digits), {赛道} (the track's name), {前缀} "
              "(its prefix). With a track or prefix, numbers count per track; otherwise over the whole list. "
              "E.g. {年份}信创赛证字第{序号:03d}号",
    },
    "doc.form.prefixes": {"zh": "各赛道的证书前缀（留空则用赛道名称）", "en": "Certificate prefix per track (empty: the track's name)"},
    "doc.form.preview": {"zh": "编号示例：{numbers}", "en": "Numbers will read: {numbers}"},
    "doc.form.version": {"zh": "当前为第 {version} 版（每次保存记入审计记录）", "en": "version {version} (every save is in the audit trail)"},
    "doc.form.never": {"zh": "尚未设置", "en": "not set yet"},
    "doc.form.save": {"zh": "保存文书设置", "en": "Save document settings"},
    "doc.form.saved": {"zh": "文书设置已保存", "en": "Document settings saved"},
    # the announcer's page
    "doc.ann.issuer": {"zh": "落款：{issuer}", "en": "Signed by: {issuer}"},
    "doc.ann.no_issuer": {
        "zh": "尚未设置主办单位：公告、PDF 名单和获奖证书不能生成。请组织者在“大赛设置”页的“公文与证书”中填写。",
        "en": "No issuer is set: the announcement, the PDF list and the certificates cannot be made. An organiser "
              "sets it on the edition setup page under \u201cdocuments and certificates\u201d.",
    },
    # the command line
    "doc.cli.shown": {
        "zh": "大赛 {edition}：主办单位：{issuer}；证书编号格式：{scheme}；示例：{example}（第 {version} 版）",
        "en": "edition {edition}: issuer: {issuer}; certificate scheme: {scheme}; e.g. {example} (version {version})",
    },
    "doc.cli.saved": {"zh": "已保存第 {version} 版文书设置", "en": "document settings saved as version {version}"},
    "doc.cli.bad_prefix": {
        "zh": "--prefix 应写成 赛道代码=前缀，例如 life=生活，而不是“{value}”",
        "en": "--prefix is track=prefix, e.g. life=生活, not \u201c{value}\u201d",
    },
    "doc.cli.bad_track_names": {
        "zh": "--track-names 应写成 赛道代码=中文名称，用逗号分隔，例如 life=生活类,public=公共服务类，而不是“{value}”",
        "en": "--track-names is track=name separated by commas, e.g. life=生活类,public=公共服务类, not \u201c{value}\u201d",
    },
}
