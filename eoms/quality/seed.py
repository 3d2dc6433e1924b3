"""The inspection templates and checkpoints every installation starts with (written by
the data migration 0002 with historical models, so this module imports no model).

Tolerances follow the standards named: GB 50204-2015 表 5.5.3 for rebar (间距 ±10 mm,
排距 ±5 mm, 保护层 柱梁 ±5 mm / 板墙 ±3 mm, 箍筋间距 ±20 mm), GB 50208-2011 for
waterproofing (涂膜最小厚度不小于设计的 90%, 卷材搭接宽度 −10 mm). Design values are
the common ones; a company edits them to its drawings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

PF, M, PH, T, S = "pass_fail", "measurement", "photo", "text", "signature"


def _m(label: str, unit: str, nominal: str, minus: str, plus: str,
       guidance: str) -> dict[str, Any]:
    return {"kind": M, "label": label, "unit": unit, "nominal": Decimal(nominal),
            "tolerance_minus": Decimal(minus), "tolerance_plus": Decimal(plus),
            "guidance": guidance}


def _i(kind: str, label: str, guidance: str = "", *, required: bool = True,
       min_photos: int = 0) -> dict[str, Any]:
    return {"kind": kind, "label": label, "guidance": guidance, "required": required,
            "min_photos": min_photos}


SIGN = _i(S, "质检员签字", "检验完成后手写签名")

TEMPLATES: list[dict[str, Any]] = [
    {"code": "QT-YB", "name": "隐蔽工程验收", "standard_kind": "gb50300",
     "standard_ref": "GB 50300-2013《建筑工程施工质量验收统一标准》第 3.0.6 条",
     "description": "工程隐蔽前由施工单位通知监理/质检进行验收，形成隐蔽工程验收记录"
                    "并留存影像资料。",
     "items": [
         _i(PF, "隐蔽部位、内容与施工图及变更一致", "对照施工图、设计变更逐项核对"),
         _i(PF, "使用材料的合格证及复试报告齐全有效", "核查质量证明文件及见证取样报告"),
         _i(PF, "施工质量符合设计及验收规范要求", "观察、尺量检查"),
         _i(PH, "隐蔽前影像资料", "隐蔽部位全景 1 张、细部 1 张以上，须在工地现场拍摄",
            min_photos=2),
         _i(T, "存在问题及处理意见", required=False),
         SIGN]},
    {"code": "QT-GJ", "name": "钢筋隐蔽验收", "standard_kind": "gb50300",
     "standard_ref": "GB 50204-2015《混凝土结构工程施工质量验收规范》第 5 章 钢筋分项工程",
     "description": "浇筑混凝土之前进行钢筋隐蔽工程验收（GB 50204-2015 第 5.1.1 条）。",
     "items": [
         _i(PF, "受力钢筋的牌号、规格和数量符合设计要求", "主控项目，观察、尺量，全数检查"),
         _i(PF, "受力钢筋的安装位置、锚固方式符合设计要求", "主控项目，观察、尺量"),
         _i(PF, "钢筋接头（机械连接、焊接）质量及位置符合规定", "核查接头试验报告，观察"),
         _m("受力钢筋间距", "mm", "200", "10", "10", "尺量两端、中间各一点，取最大偏差值"),
         _m("受力钢筋排距", "mm", "50", "5", "5", "尺量两端、中间各一点，取最大偏差值"),
         _m("纵向受力钢筋保护层厚度（柱、梁）", "mm", "25", "5", "5", "尺量"),
         _m("纵向受力钢筋保护层厚度（板、墙）", "mm", "15", "3", "3", "尺量"),
         _m("绑扎箍筋、横向钢筋间距", "mm", "200", "20", "20", "尺量连续三档，取最大偏差值"),
         _i(PH, "钢筋绑扎影像资料", "整体 1 张、节点及保护层垫块各 1 张", min_photos=3),
         SIGN]},
    {"code": "QT-FS", "name": "防水工程验收", "standard_kind": "gb50300",
     "standard_ref": "GB 50208-2011《地下防水工程质量验收规范》",
     "description": "防水层完成、保护层施工前的验收，含细部构造与蓄水（淋水）试验。",
     "items": [
         _i(PF, "防水材料合格证、性能检测报告及进场复验报告齐全", "主控项目，检查质量证明文件"),
         _i(PF, "施工缝、变形缝、穿墙管等细部构造做法符合设计要求", "主控项目，观察检查"),
         _m("卷材搭接宽度", "mm", "100", "10", "20", "观察和尺量检查"),
         _m("涂膜防水层厚度", "mm", "2.0", "0.2", "0.5", "针测法，最小厚度不小于设计厚度的 90%"),
         _i(PF, "蓄水（淋水）试验无渗漏", "蓄水不少于 24 小时，观察检查"),
         _i(PH, "防水层影像资料", "大面 1 张、细部节点 1 张以上", min_photos=2),
         SIGN]},
    {"code": "QT-CL", "name": "材料进场验收", "standard_kind": "iso9001",
     "standard_ref": "ISO 9001:2015 第 8.4、8.6 条；GB 50300-2013 第 3.0.3 条",
     "description": "主要材料、构配件和设备进场时的检查验收，需复验的按规定见证取样送检。",
     "items": [
         _i(PF, "质量证明文件（合格证、出厂检验报告）齐全", "检查原件或加盖供应商印章的复印件"),
         _i(PF, "品种、规格、型号、数量与订单及设计一致", "对照送货单、订单核对"),
         _i(PF, "外观质量无损伤、锈蚀、受潮等缺陷", "观察检查"),
         _i(T, "见证取样送检编号", "需复验的材料填写送检委托单号", required=False),
         _i(PH, "进场材料及标识照片", "含标牌或批号", min_photos=1),
         SIGN]},
    {"code": "QT-FX", "name": "分项工程验收", "standard_kind": "gb50300",
     "standard_ref": "GB 50300-2013《建筑工程施工质量验收统一标准》第 5.0.3 条、附录 F",
     "description": "分项工程所含检验批全部验收合格后，由专业监理工程师组织验收。",
     "items": [
         _i(PF, "所含检验批的质量均验收合格", "核查检验批验收记录"),
         _i(PF, "所含检验批的质量验收记录完整", "核查资料"),
         _i(PF, "观感质量符合要求", "现场观察"),
         _i(T, "验收结论"),
         SIGN]},
    {"code": "QT-JG", "name": "竣工验收", "standard_kind": "gbt50328",
     "standard_ref": "GB 50300-2013 第 5.0.4 条；GB/T 50328-2014《建设工程文件归档规范》",
     "description": "订单（单位工程）提交验收时的竣工验收，工程文件按 GB/T 50328 组卷归档。",
     "items": [
         _i(PF, "所含分部（分项）工程质量均验收合格", "核查分部、分项工程验收记录"),
         _i(PF, "质量控制资料完整", "核查原材料、施工记录、检验报告"),
         _i(PF, "安全和使用功能检验资料完整，主要功能抽查符合规定", "核查检测报告，现场抽查"),
         _i(PF, "观感质量符合要求", "现场观察"),
         _i(PF, "竣工图及工程文件已按 GB/T 50328 整理组卷", "核查案卷目录"),
         _i(PH, "竣工现场照片", "整体及主要部位", min_photos=2),
         _i(T, "验收意见"),
         _i(S, "项目负责人签字", "验收结论确认后签名")]},
]

CHECKPOINTS: list[dict[str, Any]] = [
    {"name": "隐蔽工程完工验收", "template": "QT-YB", "trigger": "task_done",
     "concealed_only": True},
    {"name": "钢筋分项完工验收", "template": "QT-GJ", "trigger": "task_done",
     "work_type": "rebar"},
    {"name": "防水分项完工验收", "template": "QT-FS", "trigger": "task_done",
     "work_type": "waterproofing"},
    {"name": "订单提交竣工验收", "template": "QT-JG", "trigger": "order_inspection"},
]


def seed(template_model: Any, item_model: Any, checkpoint_model: Any) -> int:
    """Create the templates and checkpoints that are missing (by code / name); the number
    of templates made."""
    made = 0
    by_code = {}
    for spec in TEMPLATES:
        values = {k: v for k, v in spec.items() if k != "items"}
        template, created = template_model.objects.get_or_create(code=spec["code"],
                                                                 defaults=values)
        by_code[spec["code"]] = template
        if not created:
            continue
        made += 1
        for position, item in enumerate(spec["items"], start=1):
            item_model.objects.create(template=template, position=position, **item)
    for spec in CHECKPOINTS:
        values = {**spec, "template": by_code[spec["template"]]}
        checkpoint_model.objects.get_or_create(name=spec["name"], defaults=values)
    return made
