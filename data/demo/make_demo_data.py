"""Generate the demo contest's entries and judges (seeded): ``entries.csv`` and ``judges.csv`` here.

The files are committed; they double as sample import files, so they are written the way Chinese
organisers write them: UTF-8 with BOM (Excel opens them correctly), Chinese headers, track names in
Chinese. Organisations are fictional; recommending units are the provincial departments that
recommend entries in the real contests, plus two fictional research bodies. Some judges work where
entries come from or where they are recommended, so the demo has real conflicts (回避) to avoid.

Run: ``.venv/bin/python data/demo/make_demo_data.py`` (same output for the same seed).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 2026
HERE = Path(__file__).parent
ENTRIES_PER_TRACK = 30

TRACKS = [  # key, Chinese name, code in entry ids
    ("life", "生活类信息消费", "LS"),
    ("public", "公共服务类信息消费", "PS"),
    ("industry", "行业类信息消费", "IN"),
    ("new_product", "新型信息产品", "NP"),
    ("platform", "信息消费支撑平台", "PF"),
]

# province, recommending unit, cities
PROVINCES = [
    ("浙江", "浙江省经济和信息化厅", ["杭州", "宁波", "温州"]),
    ("江苏", "江苏省工业和信息化厅", ["南京", "苏州", "无锡"]),
    ("广东", "广东省工业和信息化厅", ["广州", "佛山", "东莞"]),
    ("四川", "四川省经济和信息化厅", ["成都", "绵阳"]),
    ("湖北", "湖北省经济和信息化厅", ["武汉", "宜昌"]),
    ("山东", "山东省工业和信息化厅", ["济南", "烟台"]),
    ("安徽", "安徽省经济和信息化厅", ["合肥", "芜湖"]),
    ("陕西", "陕西省工业和信息化厅", ["西安"]),
    ("湖南", "湖南省工业和信息化厅", ["长沙", "株洲"]),
    ("福建", "福建省工业和信息化厅", ["福州", "泉州"]),
    ("贵州", "贵州省工业和信息化厅", ["贵阳"]),
    ("河南", "河南省工业和信息化厅", ["郑州", "洛阳"]),
    ("河北", "河北省工业和信息化厅", ["石家庄", "保定"]),
    ("北京", "北京市经济和信息化局", ["北京"]),
    ("上海", "上海市经济和信息化委员会", ["上海"]),
    ("重庆", "重庆市经济和信息化委员会", ["重庆"]),
    ("天津", "天津市工业和信息化局", ["天津"]),
    ("辽宁", "辽宁省工业和信息化厅", ["沈阳"]),
    ("江西", "江西省工业和信息化厅", ["南昌"]),
    ("云南", "云南省工业和信息化厅", ["昆明"]),
    ("广西", "广西壮族自治区工业和信息化厅", ["南宁", "柳州"]),
]
CITY_UNITS = {  # cities with separate planning status recommend their own entries
    "深圳": "深圳市工业和信息化局",
    "青岛": "青岛市工业和信息化局",
    "厦门": "厦门市工业和信息化局",
    "大连": "大连市工业和信息化局",
}
# fictional bodies that also recommend entries; judges work at them (conflicts by recommending unit)
INSTITUTE_UNITS = ["华东信息消费研究院", "中部数字经济产业联盟"]

UNIVERSITIES = [  # fictional; province of each for its recommending unit
    ("吴越信息科技大学", "浙江"), ("巴蜀电子信息大学", "四川"), ("岭南数字科技学院", "广东"),
    ("齐鲁信息工程大学", "山东"), ("三秦电子科技大学", "陕西"), ("湖湘信息职业技术学院", "湖南"),
    ("中原数字工程学院", "河南"), ("八闽信息大学", "福建"), ("江淮信息科技大学", "安徽"),
]
BRANDS = ["星衍", "瀚云", "云帆", "启曜", "博睿", "卓讯", "恒拓", "天衡", "知行", "慧联", "数擎", "青禾",
          "明途", "易联", "睿图", "景行", "澄明", "凌霄", "北辰", "微澜", "聚源", "智岭", "融汇", "弘毅",
          "鼎新", "泓川", "远帆", "芯源", "禾丰", "观澜"]
KINDS = ["信息技术", "网络科技", "数字科技", "智能科技", "电子科技", "软件", "物联网科技", "数据科技"]

TECH = {
    "5": "基于5G的", "A": "基于人工智能的", "D": "基于大数据的", "B": "基于区块链的", "I": "基于物联网的",
    "T": "基于数字孪生的", "N": "基于北斗的", "M": "基于大模型的", "E": "基于边缘计算的", "X": "",
    "C": "搭载国产芯片的", "V": "基于VR/AR的",
}
# per track: (noun, allowed technology prefixes)
NOUNS = {
    "life": [
        ("智慧养老服务平台", "5AIX"), ("社区居家养老服务系统", "IDX"), ("家庭健康管理平台", "ADMX"),
        ("在线教育学习平台", "AMX"), ("智能家居控制系统", "IAE"), ("数字文旅导览平台", "5VMX"),
        ("智慧社区服务平台", "5IDX"), ("线上线下融合零售平台", "DAX"), ("即时配送服务系统", "DAN"),
        ("数字健身指导平台", "AVM"), ("智慧菜场服务系统", "IDX"), ("乡村电商服务平台", "DBX"),
        ("家政服务数字化平台", "DBX"), ("沉浸式数字文化体验馆", "5VX"), ("儿童成长陪伴服务", "AMX"),
        ("一站式智慧出行服务平台", "5DN"), ("二手商品循环交易平台", "ABX"), ("社区医疗健康驿站", "5IX"),
    ],
    "public": [
        ("政务服务“一网通办”平台", "DAMX"), ("城市运行管理平台", "TDA"), ("智慧医疗协同平台", "5DA"),
        ("远程医疗服务系统", "5EX"), ("智慧交通信号控制系统", "AEN"), ("公共就业服务平台", "DAX"),
        ("社会保障卡“一卡通”应用", "DBX"), ("智慧应急指挥平台", "5NT"), ("数字教育资源公共服务平台", "DMX"),
        ("公共法律服务平台", "AMB"), ("生态环境智能监测系统", "IDT"), ("医保智能审核系统", "ADB"),
        ("社区网格化治理平台", "DTX"), ("智慧公交出行服务系统", "NDX"), ("不动产登记“一窗受理”系统", "BDX"),
        ("食品安全追溯平台", "BIX"), ("城市内涝预警系统", "ITD"), ("12345热线智能服务系统", "AMX"),
    ],
    "industry": [
        ("工业互联网平台", "5TX"), ("智能制造执行系统", "ATX"), ("设备远程运维平台", "5IE"),
        ("智慧农业种植管理系统", "INX"), ("冷链物流追溯平台", "BIN"), ("智慧能源管理平台", "IDT"),
        ("供应链协同平台", "BDX"), ("智慧矿山综合管控平台", "5TE"), ("智慧港口作业系统", "5NT"),
        ("纺织行业数字化工厂解决方案", "TAX"), ("建筑工地智慧管理平台", "IAX"), ("产品质量视觉检测系统", "AEX"),
        ("安全生产监测预警平台", "IDA"), ("电力线路智能巡检系统", "ANE"), ("中小企业数字化转型服务平台", "DMX"),
        ("化工园区智慧管理平台", "TIX"), ("农产品溯源与电商平台", "BDX"), ("汽车零部件柔性生产线", "5TA"),
    ],
    "new_product": [
        ("智能健康手环", "CX"), ("虚拟现实一体机", "CX"), ("智能音箱", "MCX"), ("家庭服务机器人", "MAX"),
        ("8K超高清电视", "CX"), ("车载智能终端", "5NC"), ("消费级无人机", "NCX"), ("儿童智能手表", "5NX"),
        ("AR智能眼镜", "CMX"), ("智能门锁", "CX"), ("老年人智能手机", "5X"), ("智能学习机", "MX"),
        ("家用智能储能设备", "IX"), ("智能健身镜", "AX"), ("便携式心电监测仪", "AX"), ("智能翻译机", "MCX"),
        ("智能助听器", "CAX"), ("扫地机器人", "ACX"),
    ],
    "platform": [
        ("政企混合云平台", "X"), ("绿色数据中心", "X"), ("网络安全态势感知平台", "ADX"), ("物联网开放平台", "5X"),
        ("区块链公共服务平台", "X"), ("人工智能开放创新平台", "X"), ("数据要素流通交易平台", "BX"),
        ("移动支付安全服务平台", "ABX"), ("5G行业虚拟专网", "X"), ("边缘计算节点网络", "5X"),
        ("工业大数据平台", "X"), ("隐私计算平台", "BX"), ("数字身份认证平台", "BX"), ("低代码应用开发平台", "MX"),
        ("算力调度平台", "X"), ("智能客服中台", "MX"), ("数据库管理系统", "X"), ("内容分发网络", "E5X"),
        ("软件供应链安全检测平台", "AX"), ("物联网安全接入平台", "5X"), ("开源操作系统社区平台", "X"),
    ],
}
FEATURES = {
    "life": ["支持线上预约与线下服务无缝衔接", "通过用户画像提供个性化推荐和提醒",
             "以小程序和APP多端覆盖不同年龄用户", "提供适老化大字界面和语音交互",
             "建立服务质量评价和投诉快速响应机制"],
    "public": ["实现跨部门数据共享和业务协同办理", "将办事材料平均精简40%，多数事项“最多跑一次”",
               "汇聚全市感知数据，实现事件自动发现、派单和处置闭环", "为基层工作人员提供移动端一站式工作台",
               "支持群众通过小程序随时查询办理进度"],
    "industry": ["覆盖设计、生产、检测、运维全流程", "连接产线设备数千台，实现生产数据实时采集与分析",
                 "利用机器视觉替代人工检测，检出率超过99%", "为上下游企业提供订单、库存和物流协同",
                 "形成可复制的行业数字化转型解决方案"],
    "new_product": ["核心芯片和操作系统实现国产化", "续航时间和交互体验较上一代产品明显提升",
                    "支持多种设备互联互通", "通过国家相关质量与安全认证", "针对老年人和儿童做了专门设计"],
    "platform": ["为数千家企业提供稳定可靠的基础服务", "采用自主可控的软硬件技术栈",
                 "具备高并发、高可用和弹性扩展能力", "通过网络安全等级保护三级测评", "以开放接口支撑上层应用快速开发"],
}
BENEFITS = ["用户满意度达到95%以上", "带动相关消费超过亿元", "帮助用户平均节省一半办事时间",
            "运营成本降低约30%", "已成为当地信息消费的示范应用", "有效提升了服务的普惠性和可及性"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["建华", "志强", "晓燕", "海涛", "丽娟", "国平", "文博", "雪梅", "振宇", "立新", "思远", "慧敏",
         "俊杰", "红梅", "永刚", "静怡", "明轩", "玉兰", "德胜", "佳琪", "宏伟", "秀英", "子涵", "伟东",
         "春晖", "若曦", "卫国", "婉清", "鹏飞", "雅琴"]
JUDGE_TITLES = {  # 职称 by the kind of organisation
    "university": ["教授", "教授", "副教授"],
    "institute": ["研究员", "研究员", "正高级工程师", "高级工程师", "副研究员"],
    "company": ["高级工程师", "教授级高级工程师", "正高级工程师"],
}
# judges' organisations that submit or recommend nothing
NEUTRAL_JUDGE_ORGS = [
    "国家信息消费标准化研究中心", "华北通信技术研究院", "西部数字经济研究院", "东南大数据研究中心",
    "京华信息产业咨询有限公司", "海西网络安全技术研究院", "北方智能终端检测中心", "长江数字政府研究中心",
    "南粤产业互联网研究院", "中国信息消费促进会专家委员会", "天府软件评测中心", "沪上人工智能研究所",
    "黄河信息技术研究院", "东北工业互联网创新中心", "江南大数据应用研究中心", "秦岭信息安全研究所",
    "滨海智能制造研究院", "珠江数字内容研究中心", "华夏信息化发展研究院", "渤海网络技术研究院",
]


def _company(rng: random.Random, city: str, used: set[str]) -> str:
    while True:
        name = f"{city}{rng.choice(BRANDS)}{rng.choice(KINDS)}{'股份' if rng.random() < 0.3 else ''}有限公司"
        if name not in used:
            used.add(name)
            return name


def _public_body(rng: random.Random, city: str, used: set[str]) -> str:
    kinds = ["市大数据发展中心", "市数字政务服务中心", "智慧城市运营有限公司", "市城市运行管理中心", "市民卡服务有限公司"]
    for kind in rng.sample(kinds, len(kinds)):
        name = f"{city}{kind}"
        if name not in used:
            used.add(name)
            return name
    return _company(rng, city, used)


def make_entries(rng: random.Random) -> list[dict[str, str]]:
    units_by_province = {p: unit for p, unit, _ in PROVINCES}
    places = [(city, unit) for _, unit, cities in PROVINCES for city in cities]
    places += [(city, unit) for city, unit in CITY_UNITS.items()]
    used: set[str] = set()
    rows = []
    for track, track_name, code in TRACKS:
        combos = [(tech, noun) for noun, techs in NOUNS[track] for tech in techs]
        rng.shuffle(combos)
        chosen, per_noun = [], {}
        for tech, noun in combos:
            if per_noun.get(noun, 0) < 2 and len(chosen) < ENTRIES_PER_TRACK:
                chosen.append((tech, noun))
                per_noun[noun] = per_noun.get(noun, 0) + 1
        for n, (tech, noun) in enumerate(chosen, start=1):
            roll = rng.random()
            city, unit = rng.choice(places)
            if roll < 0.12:
                organisation, province = rng.choice(UNIVERSITIES)
                unit = units_by_province[province]
            elif track == "public" and roll < 0.55:
                organisation = _public_body(rng, city, used)
            else:
                organisation = _company(rng, city, used)
            if rng.random() < 0.07:
                unit = rng.choice(INSTITUTE_UNITS)
            if track == "new_product" and tech == "X" and rng.random() < 0.5:
                title = f"“{rng.choice(BRANDS)}”{noun}"
            else:
                title = f"{TECH[tech]}{noun}"
            features = rng.sample(FEATURES[track], 2)
            summary = (
                f"{title}由{organisation}自主研发，{features[0]}，{features[1]}。"
                f"已在{'、'.join(rng.sample([c for c, _ in places], 3))}等地落地应用，"
                f"累计服务用户{rng.randint(2, 900)}万人次，{rng.choice(BENEFITS)}。"
                f"拥有发明专利{rng.randint(0, 25)}项、软件著作权{rng.randint(1, 60)}项。"
            )
            contact = rng.choice(SURNAMES) + rng.choice(GIVEN)
            rows.append({
                "编号": f"2026-{code}-{n:03d}",
                "作品名称": title,
                "赛道": track_name,
                "申报单位": organisation,
                "推荐单位": unit,
                "作品简介": summary,
                "联系人": contact,
                "电子邮箱": f"contact{len(rows) + 1:03d}@demo.example.com",
                "联系电话": f"010-0000{len(rows) + 1:04d}",  # 0000 prefix: not a real Beijing number
            })
    return rows


def make_judges(rng: random.Random, entries: list[dict[str, str]]) -> list[dict[str, str]]:
    track_names = [name for _, name, _ in TRACKS]
    # conflicts on purpose: three judges from universities and one from a company that submitted
    # entries, and one from each research body that recommends entries
    university_orgs = sorted({e["申报单位"] for e in entries if e["申报单位"] in dict(UNIVERSITIES)})
    company_orgs = sorted({e["申报单位"] for e in entries if e["申报单位"].endswith("有限公司")})
    conflicted_orgs = rng.sample(university_orgs, min(3, len(university_orgs))) + rng.sample(company_orgs, 1)
    conflicted_orgs += INSTITUTE_UNITS
    orgs = conflicted_orgs + rng.sample(NEUTRAL_JUDGE_ORGS, 24 - len(conflicted_orgs))
    rng.shuffle(orgs)
    surnames = rng.sample(SURNAMES, len(orgs))
    given = rng.sample(GIVEN, len(orgs))
    rows = []
    for i, org in enumerate(orgs, start=1):
        name = surnames[i - 1] + given[i - 1]
        # every track gets experts; most judges know one or two tracks, some three
        primary = track_names[(i - 1) % len(track_names)]
        others = rng.sample([t for t in track_names if t != primary], rng.choice([0, 1, 1, 2]))
        kind = "university" if org.endswith(("大学", "学院")) else "company" if org.endswith("公司") else "institute"
        title = rng.choice(JUDGE_TITLES[kind])
        rows.append({
            "评委编号": f"judge{i:02d}",
            "姓名": name,
            "工作单位": org,
            "职称": title,
            "专业领域": ";".join([primary] + others),
            "电子邮箱": f"judge{i:02d}@demo.example.com",
            "联系电话": f"010-0001{i:04d}",
        })
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    entries = make_entries(rng)
    judges = make_judges(rng, entries)
    write_csv(HERE / "entries.csv", entries)
    write_csv(HERE / "judges.csv", judges)
    print(f"{len(entries)} entries, {len(judges)} judges written to {HERE}")


if __name__ == "__main__":
    main()
