"""The demo company's orders: assignment groups and rules, and about thirty engineering
orders across the three projects in every status of the workflow.

Dates are days from the day the demo is loaded, so the demo always looks current (a
negative promise on an open order makes it overdue). Each order's `steps` are the
statuses it is moved through after it is created as a draft; "rework" is the QC sending
an order back from inspection, "resume" takes a held order back where it was. Every
order is found again by its project and title, so loading twice adds nothing.
"""

from __future__ import annotations

from typing import Any

# --- assignment groups (key: code) -------------------------------------------------------
GROUPS: list[tuple[str, str, list[str]]] = [
    ("PM", "项目经理组", ["demo_pm1", "demo_pm2", "demo_pm3"]),
    ("CG", "采购组", ["demo_buyer", "demo_buyer2"]),
]

# --- assignment rules (key: name), in the order they are tried ----------------------------
RULES: list[dict[str, Any]] = [
    {"name": "P1 加急", "priorities": ["P1"], "assign_mode": "least_loaded",
     "assign_group": "PM"},
    {"name": "上海项目", "project": "shanghai", "assign_mode": "user",
     "assign_user": "demo_pm1"},
    {"name": "苏州项目", "project": "suzhou", "assign_mode": "user", "assign_user": "demo_pm2"},
    {"name": "杭州项目", "project": "hangzhou", "assign_mode": "user",
     "assign_user": "demo_pm3"},
    {"name": "含防水材料", "categories": ["FS"], "procurement_group": "CG",
     "assign_mode": "least_loaded", "assign_group": "PM"},
    {"name": "兜底", "assign_mode": "round_robin", "assign_group": "PM"},
]

# The QC inspector who sends a project's work back from inspection.
QC_OF = {"shanghai": "demo_qc1", "suzhou": "demo_qc2", "hangzhou": "demo_qc1"}

DELIVERED = ["submitted", "in_progress", "inspection", "delivered"]
CLOSED = [*DELIVERED, "closed"]

# --- orders (key: project + title) ------------------------------------------------------
# early: submitted before the rules were set up, so it still waits for a manager.
ORDERS: list[dict[str, Any]] = [
    # 上海 · 张江科创中心 B 地块办公楼
    {"project": "shanghai", "site": "B2 地下车库工地", "title": "B1 地下室底板防水施工",
     "by": "demo_pm1", "priority": "P2", "budget": "168000", "requested": -40, "promised": -38,
     "lines": [("SBS 改性沥青防水卷材 4mm", "3200", -50), ("单组分聚氨酯防水涂料", "1800", -50)],
     "steps": CLOSED,
     "comments": [("demo_qc1", "底板防水层闭水试验 48 小时无渗漏，影像已上传。")]},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼基础筏板钢筋加工与安装",
     "by": "demo_pm1", "priority": "P2", "budget": "520000", "requested": -20, "promised": -18,
     "lines": [("螺纹钢 HRB400E Φ25", "86", -35), ("螺纹钢 HRB400E Φ20", "42", -35)],
     "steps": DELIVERED,
     "comments": [("demo_buyer", "华东钢材两批共 128 吨已全部进场，质保书随车。")]},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼 3 层结构混凝土浇筑",
     "by": "demo_pm1", "priority": "P2", "budget": "312000", "requested": -6, "promised": -4,
     "lines": [("C35 商品混凝土", "620", -8)], "steps": ["submitted", "in_progress"],
     "comments": [("demo_pm1", "泵车故障耽误一天，预计本周六完成浇筑。"),
                  ("demo_client1", "请务必保证养护时间，不要为赶工期拆模。")]},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼 4–6 层钢筋加工与安装",
     "by": "demo_pm1", "priority": "P3", "budget": "455000", "requested": 25, "promised": 28,
     "lines": [("螺纹钢 HRB400E Φ16", "46", 5), ("螺纹钢 HRB400E Φ12", "38", 5),
               ("圆钢 HPB300 Φ8", "12", 5)],
     "steps": ["submitted", "in_progress"]},
    {"project": "shanghai", "site": "B2 地下车库工地", "title": "B2 车库顶板 C35P6 抗渗混凝土浇筑",
     "by": "demo_pm1", "priority": "P2", "budget": "286000", "requested": 3, "promised": 5,
     "lines": [("C35P6 抗渗混凝土", "520", -10)],
     "steps": ["submitted", "in_progress", "inspection", "rework", "inspection"],
     "reasons": {"rework": "后浇带处有两处蜂窝麻面，修补后重新验收。"},
     "comments": [("demo_pm1", "蜂窝处已凿除并用高一等级细石混凝土修补。")]},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼 1 层配电箱采购安装",
     "by": "demo_buyer", "priority": "P3", "budget": "38600", "requested": 30, "promised": 32,
     "lines": [("照明配电箱 PZ30", "24", 20), ("铜芯线 BV 2.5mm²", "3000", 20)],
     "steps": ["submitted"]},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼卫生间聚氨酯防水",
     "by": "demo_pm1", "priority": "P3", "budget": "46000", "requested": 15, "promised": 18,
     "lines": [("单组分聚氨酯防水涂料", "1600", 10), ("JS 聚合物水泥防水涂料", "900", 10)],
     "steps": ["submitted", "in_progress", "on_hold"],
     "reasons": {"on_hold": "业主调整 6–9 层卫生间布局，等待设计变更图纸。"}},
    {"project": "shanghai", "site": "B2 地下车库工地", "title": "B2 车库排水管道安装",
     "by": "demo_pm1", "priority": "P3", "budget": "27400", "requested": 35, "promised": None,
     "lines": [("PVC-U 排水管 DN110", "860", 25)], "steps": ["submitted"], "early": True},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼大堂吊顶石膏板",
     "by": "demo_pm1", "priority": "P4", "budget": "52000", "requested": 75, "promised": None,
     "lines": [("纸面石膏板 9.5mm", "1100", 60), ("轻钢龙骨 C50", "4200", 60)], "steps": []},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼临时用电电缆敷设",
     "by": "demo_pm1", "priority": "P3", "budget": "64000", "requested": -10, "promised": -8,
     "lines": [("电力电缆 YJV-0.6/1kV 4×25", "600", -15)], "steps": ["submitted", "cancelled"],
     "reasons": {"cancelled": "临时用电改由业主指定单位直供，本单取消。"}},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼 18 层业主样板间装修",
     "by": "demo_client1", "priority": "P2", "budget": "98000", "requested": 45,
     "promised": 48,
     "lines": [("抛釉地砖 600×600", "260", 35), ("内墙乳胶漆", "18", 35),
               ("瓷砖粘结剂 C1", "120", 35)],
     "steps": ["submitted"],
     "comments": [("demo_client1", "样板间需在售楼开放日前完成，请项目部排期。"),
                  ("demo_pm1", "收到，已安排木工班和防水班下周进场。")]},
    {"project": "shanghai", "site": "B1 主楼工地", "title": "B1 主楼 5 层结构混凝土浇筑",
     "by": "demo_pm1", "priority": "P1", "budget": "298000", "requested": 6, "promised": 7,
     "lines": [("C35 商品混凝土", "580", 4), ("C40 商品混凝土", "60", 4)],
     "steps": ["submitted", "in_progress"]},
    # 苏州 · 园区光伏组件厂房二期
    {"project": "suzhou", "site": "二期厂房工地", "title": "厂房独立基础 C30 混凝土浇筑",
     "by": "demo_pm2", "priority": "P2", "budget": "215000", "requested": -60, "promised": -55,
     "lines": [("C30 商品混凝土", "430", -65), ("C15 垫层混凝土", "60", -70)],
     "steps": CLOSED},
    {"project": "suzhou", "site": "二期厂房工地", "title": "厂房柱钢筋加工与安装",
     "by": "demo_pm2", "priority": "P2", "budget": "268000", "requested": -25, "promised": -22,
     "lines": [("螺纹钢 HRB400E Φ25", "38", -35), ("螺纹钢 HRB400E Φ12", "21", -35)],
     "steps": DELIVERED},
    {"project": "suzhou", "site": "二期厂房工地", "title": "屋面 SBS 防水卷材铺设",
     "by": "demo_pm2", "priority": "P2", "budget": "186000", "requested": -5, "promised": -3,
     "lines": [("SBS 改性沥青防水卷材 4mm", "4200", -15),
               ("自粘聚合物改性沥青防水卷材 1.5mm", "600", -15)],
     "steps": ["submitted", "in_progress"],
     "comments": [("demo_pm2", "连续降雨，基层含水率超标，暂缓热熔施工。")]},
    {"project": "suzhou", "site": "二期厂房工地", "title": "车间配电箱采购安装",
     "by": "demo_buyer2", "priority": "P3", "budget": "56000", "requested": 4, "promised": 6,
     "lines": [("照明配电箱 PZ30", "36", -5), ("电力电缆 YJV-0.6/1kV 5×16", "420", -5)],
     "steps": ["submitted", "in_progress", "inspection"]},
    {"project": "suzhou", "site": "二期厂房工地", "title": "车间照明线路敷设",
     "by": "demo_pm2", "priority": "P3", "budget": "42000", "requested": 20, "promised": 21,
     "lines": [("铜芯线 BV 2.5mm²", "9000", 8), ("镀锌电线管 JDG Φ20", "3600", 8)],
     "steps": ["submitted", "in_progress"]},
    {"project": "suzhou", "site": "二期厂房工地", "title": "消防喷淋管道安装",
     "by": "demo_pm2", "priority": "P2", "budget": "134000", "requested": 40, "promised": 42,
     "lines": [("沟槽式镀锌钢管 DN100", "980", 25), ("镀锌钢管 DN50", "1400", 25)],
     "steps": ["submitted"]},
    {"project": "suzhou", "site": "二期厂房工地", "title": "厂房地坪 C15 垫层",
     "by": "demo_pm2", "priority": "P3", "budget": "61000", "requested": 28, "promised": 30,
     "lines": [("C15 垫层混凝土", "140", 20)], "steps": ["submitted", "on_hold"],
     "reasons": {"on_hold": "设备基础定位图未到，地坪垫层暂停。"}},
    {"project": "suzhou", "site": "二期厂房工地", "title": "办公区给水管道安装",
     "by": "demo_pm2", "priority": "P4", "budget": "18500", "requested": 60, "promised": None,
     "lines": [("PPR 给水管 DN25", "900", 50), ("PPR 给水管 DN32", "400", 50)], "steps": []},
    {"project": "suzhou", "site": "二期厂房工地", "title": "二期厂房光伏组件车间电缆敷设",
     "by": "demo_client2", "priority": "P1", "budget": "176000", "requested": 12,
     "promised": 14,
     "lines": [("电力电缆 YJV-0.6/1kV 4×25", "1200", 6)], "steps": ["submitted"],
     "comments": [("demo_client2", "组件产线设备下月初进场，电缆须提前敷设完毕。")]},
    {"project": "suzhou", "site": "二期厂房工地", "title": "车间外墙乳胶漆",
     "by": "demo_pm2", "priority": "P4", "budget": "35000", "requested": 50, "promised": None,
     "lines": [("内墙乳胶漆", "60", 40)], "steps": ["cancelled"],
     "reasons": {"cancelled": "外墙改为彩钢板，涂料项取消。"}},
    {"project": "suzhou", "site": "二期厂房工地", "title": "厂房雨水排水管安装",
     "by": "demo_pm2", "priority": "P3", "budget": "24800", "requested": 33, "promised": None,
     "lines": [("PVC-U 排水管 DN110", "780", 20)], "steps": ["submitted"], "early": True},
    # 杭州 · 钱塘智造园 3# 研发楼机电安装
    {"project": "hangzhou", "site": "3# 研发楼", "title": "3# 研发楼强电桥架与电缆敷设",
     "by": "demo_pm3", "priority": "P2", "budget": "245000", "requested": 18, "promised": 20,
     "lines": [("电力电缆 YJV-0.6/1kV 4×25", "1800", 5), ("电力电缆 YJV-0.6/1kV 5×16", "900", 5)],
     "steps": ["submitted", "in_progress"]},
    {"project": "hangzhou", "site": "3# 研发楼", "title": "3# 研发楼配电箱采购安装",
     "by": "demo_buyer", "priority": "P3", "budget": "48000", "requested": 38, "promised": 40,
     "lines": [("照明配电箱 PZ30", "42", 28)], "steps": ["submitted"]},
    {"project": "hangzhou", "site": "园区综合管廊", "title": "综合管廊消防管道安装",
     "by": "demo_pm3", "priority": "P2", "budget": "158000", "requested": 2, "promised": 4,
     "lines": [("沟槽式镀锌钢管 DN100", "1250", -10)],
     "steps": ["submitted", "in_progress", "inspection"],
     "comments": [("demo_qc1", "试压 1.4MPa 稳压 30 分钟，待消防支队见证。")]},
    {"project": "hangzhou", "site": "园区综合管廊", "title": "综合管廊给水管道安装",
     "by": "demo_pm3", "priority": "P3", "budget": "72000", "requested": -9, "promised": -7,
     "lines": [("镀锌钢管 DN50", "1600", -20)], "steps": ["submitted", "in_progress"],
     "comments": [("demo_pm3", "管廊 2 段积水未排完，安装滞后约一周。")]},
    {"project": "hangzhou", "site": "3# 研发楼", "title": "3# 研发楼照明配电",
     "by": "demo_pm3", "priority": "P3", "budget": "39000", "requested": 55, "promised": None,
     "lines": [("铜芯线 BV 2.5mm²", "6000", 45), ("镀锌电线管 JDG Φ20", "2400", 45)],
     "steps": []},
    {"project": "hangzhou", "site": "3# 研发楼", "title": "3# 研发楼卫生间给排水",
     "by": "demo_pm3", "priority": "P3", "budget": "33000", "requested": -3, "promised": -2,
     "lines": [("PPR 给水管 DN25", "420", -12), ("PVC-U 排水管 DN110", "260", -12)],
     "steps": DELIVERED},
    {"project": "hangzhou", "site": "园区综合管廊", "title": "综合管廊防水涂料施工",
     "by": "demo_pm3", "priority": "P3", "budget": "58000", "requested": 26, "promised": 28,
     "lines": [("JS 聚合物水泥防水涂料", "3800", 15)], "steps": ["submitted"]},
]

# --- change and extension orders (key: project + title); parent: the title it refers to ---
# kind "change" sends new lines/amount; "extension" only a later promise (days after the
# parent's). decide: "approve" / "reject" by management, or absent (still pending).
CHILDREN: list[dict[str, Any]] = [
    {"project": "shanghai", "parent": "B1 主楼 3 层结构混凝土浇筑", "kind": "change",
     "title": "B1 主楼 3 层结构混凝土浇筑 · 增加后浇带", "by": "demo_pm1", "budget": "24000",
     "lines": [("C40 商品混凝土", "45", 2)], "steps": ["submitted"],
     "description": "设计变更 BG-017：3 层增设 800mm 宽后浇带，采用高一等级 C40 混凝土。"},
    {"project": "suzhou", "parent": "屋面 SBS 防水卷材铺设", "kind": "extension",
     "title": "屋面防水工期顺延（连续降雨）", "by": "demo_pm2", "days": 12,
     "steps": ["submitted"],
     "description": "10 月下旬连续降雨 9 天，基层含水率不满足热熔施工要求，申请顺延 12 天。"},
    {"project": "hangzhou", "parent": "3# 研发楼强电桥架与电缆敷设", "kind": "extension",
     "title": "强电桥架工期顺延（桥架到货延迟）", "by": "demo_pm3", "days": 7,
     "steps": ["submitted"], "decide": "approve",
     "description": "桥架厂家排产延误一周，申请顺延 7 天。"},
    {"project": "suzhou", "parent": "车间配电箱采购安装", "kind": "change",
     "title": "车间配电箱采购安装 · 增加 6 台配电箱", "by": "demo_buyer2", "budget": "9800",
     "lines": [("照明配电箱 PZ30", "6", 10)], "steps": []},
]
