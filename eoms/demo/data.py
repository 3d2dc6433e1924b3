"""The demo company's data: a fictional East-China general contractor and its partners.

Every name, phone number, credit code and address here is invented; the places, material
specifications, units and prices are realistic (Yangtze-delta market prices, 2026).
Each record carries a natural key the loader finds it by, so loading twice adds nothing.
"""

from __future__ import annotations

from datetime import date

# --- people -------------------------------------------------------------------------------
# (username, 姓名, role, mobile, title). The family name is the first character.
USERS: list[tuple[str, str, str, str, str]] = [
    ("demo_admin", "陈立新", "admin", "13800001001", "信息中心主任"),
    ("demo_manager", "王建国", "manager", "13800001002", "总经理"),
    ("demo_pm1", "张伟", "project_manager", "13800001011", "项目经理（上海）"),
    ("demo_pm2", "刘洋", "project_manager", "13800001012", "项目经理（苏州）"),
    ("demo_pm3", "黄磊", "project_manager", "13800001013", "项目经理（杭州）"),
    ("demo_buyer", "李娜", "procurement", "13800001021", "采购主管"),
    ("demo_buyer2", "赵敏", "procurement", "13800001022", "采购员"),
    ("demo_qc1", "周涛", "qc_inspector", "13800001031", "质检员"),
    ("demo_qc2", "吴静", "qc_inspector", "13800001032", "质检员"),
    ("demo_worker1", "孙大勇", "site_worker", "13800001041", "钢筋班班长"),
    ("demo_worker2", "马成", "site_worker", "13800001042", "钢筋工"),
    ("demo_worker3", "朱建华", "site_worker", "13800001043", "木工班班长"),
    ("demo_worker4", "胡军", "site_worker", "13800001044", "木工"),
    ("demo_worker5", "郭海峰", "site_worker", "13800001045", "水电班班长"),
    ("demo_worker6", "何平", "site_worker", "13800001046", "电工"),
    ("demo_worker7", "高志强", "site_worker", "13800001047", "防水班班长"),
    ("demo_finance", "林芳", "finance", "13800001051", "财务经理"),
    ("demo_auditor", "郑晓燕", "auditor", "13800001061", "内审专员"),
    ("demo_client1", "徐明", "customer", "13900002001", "浦江置业 工程部经理"),
    ("demo_client2", "罗佳", "customer", "13900002002", "园区新能源 基建主管"),
]
ADMIN_USERNAME = "demo_admin"
EMAIL_DOMAIN = "demo.eoms.local"

# --- customers (key: crm_id) ---------------------------------------------------------------
CUSTOMERS: list[dict[str, str]] = [
    {"key": "pujiang", "name": "上海浦江置业有限公司", "short_name": "浦江置业",
     "contact_name": "徐明", "phone": "021-58216730", "email": "xuming@pujiang.demo.eoms.local",
     "address": "上海市浦东新区世纪大道 1568 号 18 楼", "crm_id": "CRM-SH-10023"},
    {"key": "sip_energy", "name": "苏州工业园区新能源科技有限公司", "short_name": "园区新能源",
     "contact_name": "罗佳", "phone": "0512-62953418",
     "email": "luojia@sipenergy.demo.eoms.local",
     "address": "江苏省苏州市工业园区星湖街 328 号 12 幢", "crm_id": "CRM-SZ-20417"},
    {"key": "qiantang", "name": "杭州钱塘智造产业园开发有限公司", "short_name": "钱塘智造",
     "contact_name": "沈国平", "phone": "0571-86917245",
     "email": "shen.gp@qtzz.demo.eoms.local",
     "address": "浙江省杭州市钱塘区白杨街道 6 号大街 452 号", "crm_id": "CRM-HZ-30152"},
    {"key": "lingang", "name": "上海临港精密机械有限公司", "short_name": "临港精机",
     "contact_name": "钱卫东", "phone": "021-58073964", "email": "",
     "address": "上海市浦东新区临港新片区正博路 1100 号", "crm_id": "CRM-SH-10088"},
    {"key": "qixia", "name": "南京栖霞云谷置业有限公司", "short_name": "栖霞云谷",
     "contact_name": "陆文斌", "phone": "025-85632107", "email": "",
     "address": "江苏省南京市栖霞区仙林大道 15 号", "crm_id": "CRM-NJ-40236"},
    {"key": "ningbo_port", "name": "宁波港城物流发展有限公司", "short_name": "港城物流",
     "contact_name": "应海燕", "phone": "0574-86873520", "email": "",
     "address": "浙江省宁波市北仑区明州路 318 号", "crm_id": "CRM-NB-50071"},
    {"key": "taihu_med", "name": "无锡太湖医疗器械有限公司", "short_name": "太湖医疗",
     "contact_name": "蒋丽", "phone": "0510-85216648", "email": "",
     "address": "江苏省无锡市新吴区净慧东道 88 号", "crm_id": "CRM-WX-60319"},
    {"key": "binhu_data", "name": "合肥滨湖数据科技有限公司", "short_name": "滨湖数据",
     "contact_name": "汪涛", "phone": "0551-63592874", "email": "",
     "address": "安徽省合肥市包河区徽州大道 3366 号", "crm_id": "CRM-HF-70145"},
]
# portal user → customer key
CUSTOMER_USERS: dict[str, str] = {"demo_client1": "pujiang", "demo_client2": "sip_energy"}

# --- material categories (key: code) ------------------------------------------------------
CATEGORIES: list[tuple[str, str]] = [
    ("GJ", "钢筋"), ("HNT", "混凝土"), ("FS", "防水材料"), ("DQ", "电气"), ("GD", "管道"),
    ("ZS", "装饰"),
]

# --- suppliers and subcontractors (key: credit_code) --------------------------------------
SUPPLIERS: list[dict[str, object]] = [
    {"key": "steel", "name": "江苏华东钢材贸易有限公司", "kind": "supplier",
     "contact_name": "顾振华", "phone": "0512-58679213", "credit_code": "91320582MA1N7K3D4Y",
     "address": "江苏省张家港市锦丰镇钢材物流园 A 区 16 号",
     "qualification": "钢材经营备案；ISO 9001 质量管理体系认证", "categories": ["GJ"]},
    {"key": "concrete", "name": "苏州恒基商品混凝土有限公司", "kind": "supplier",
     "contact_name": "陶建新", "phone": "0512-65831276", "credit_code": "91320594MA1P2Q6H8W",
     "address": "江苏省苏州市工业园区唯亭港浪路 19 号",
     "qualification": "预拌混凝土专业承包资质", "categories": ["HNT"]},
    {"key": "waterproof", "name": "上海固德建材有限公司", "kind": "supplier",
     "contact_name": "邵敏", "phone": "021-59527743", "credit_code": "91310114MA1G8R5T2W",
     "address": "上海市嘉定区马陆镇宝安公路 2999 号",
     "qualification": "防水防腐保温工程专业承包二级", "categories": ["FS", "ZS"]},
    {"key": "mep", "name": "浙江安泰机电安装工程有限公司", "kind": "both",
     "contact_name": "任晓东", "phone": "0571-86729514", "credit_code": "91330114MA2H3C7W50",
     "address": "浙江省杭州市钱塘区下沙街道金沙大道 560 号",
     "qualification": "机电工程施工总承包二级；建筑机电安装工程专业承包一级",
     "categories": ["DQ", "GD"]},
    {"key": "rental", "name": "上海众力工程机械租赁有限公司", "kind": "subcontractor",
     "contact_name": "彭立军", "phone": "021-57743186", "credit_code": "91310117MA1J4L9X6G",
     "address": "上海市松江区九亭镇沪亭北路 218 号",
     "qualification": "特种设备安装改造维修许可（起重机械）；塔吊、施工升降机、挖掘机租赁",
     "categories": []},
]

# --- materials (key: name; category code, name, specification, unit, standard price) -----
MATERIALS: list[tuple[str, str, str, str, str]] = [
    ("GJ", "螺纹钢 HRB400E Φ12", "HRB400E Φ12 GB/T 1499.2-2024", "吨", "3950.00"),
    ("GJ", "螺纹钢 HRB400E Φ16", "HRB400E Φ16 GB/T 1499.2-2024", "吨", "3900.00"),
    ("GJ", "螺纹钢 HRB400E Φ20", "HRB400E Φ20 GB/T 1499.2-2024", "吨", "3880.00"),
    ("GJ", "螺纹钢 HRB400E Φ25", "HRB400E Φ25 GB/T 1499.2-2024", "吨", "3880.00"),
    ("GJ", "圆钢 HPB300 Φ8", "HPB300 Φ8 盘螺 GB/T 1499.1-2024", "吨", "4050.00"),
    ("HNT", "C30 商品混凝土", "C30 泵送 坍落度 180±20mm", "m³", "480.00"),
    ("HNT", "C35 商品混凝土", "C35 泵送 坍落度 180±20mm", "m³", "505.00"),
    ("HNT", "C40 商品混凝土", "C40 泵送 坍落度 180±20mm", "m³", "535.00"),
    ("HNT", "C15 垫层混凝土", "C15 非泵送", "m³", "420.00"),
    ("HNT", "C35P6 抗渗混凝土", "C35 抗渗等级 P6 泵送", "m³", "545.00"),
    ("FS", "SBS 改性沥青防水卷材 4mm", "Ⅱ型 PY 聚酯胎 4mm GB 18242-2008", "m²", "38.00"),
    ("FS", "SBS 改性沥青防水卷材 3mm", "Ⅰ型 PY 聚酯胎 3mm GB 18242-2008", "m²", "29.50"),
    ("FS", "单组分聚氨酯防水涂料", "Ⅰ型 GB/T 19250-2013 20kg/桶", "kg", "18.00"),
    ("FS", "JS 聚合物水泥防水涂料", "Ⅱ型 GB/T 23445-2009", "kg", "9.20"),
    ("FS", "自粘聚合物改性沥青防水卷材 1.5mm", "N 类 PY 1.5mm GB 23441-2009", "m²", "31.00"),
    ("DQ", "电力电缆 YJV-0.6/1kV 4×25", "YJV-0.6/1kV 4×25mm² 铜芯", "米", "86.00"),
    ("DQ", "电力电缆 YJV-0.6/1kV 5×16", "YJV-0.6/1kV 5×16mm² 铜芯", "米", "68.00"),
    ("DQ", "铜芯线 BV 2.5mm²", "BV-450/750V 2.5mm² 100米/卷", "米", "2.30"),
    ("DQ", "镀锌电线管 JDG Φ20", "JDG Φ20×1.2mm 紧定式", "米", "4.60"),
    ("DQ", "照明配电箱 PZ30", "PZ30-18 回路 暗装", "台", "380.00"),
    ("GD", "PPR 给水管 DN25", "PPR DN25 S4 (dn32×2.9) 1.6MPa", "米", "8.50"),
    ("GD", "PPR 给水管 DN32", "PPR DN32 S4 (dn40×3.7) 1.6MPa", "米", "13.20"),
    ("GD", "PVC-U 排水管 DN110", "PVC-U dn110×3.2 GB/T 5836.1-2018", "米", "18.00"),
    ("GD", "镀锌钢管 DN50", "热镀锌焊接钢管 DN50×3.8 GB/T 3091-2015", "米", "42.00"),
    ("GD", "沟槽式镀锌钢管 DN100", "消防用 热镀锌 DN100×4.0 沟槽连接", "米", "86.00"),
    ("ZS", "纸面石膏板 9.5mm", "1200×2400×9.5mm 普通型", "张", "28.00"),
    ("ZS", "轻钢龙骨 C50", "C50×19×0.5mm 覆面龙骨", "米", "6.20"),
    ("ZS", "抛釉地砖 600×600", "600×600×10mm 一级品", "m²", "65.00"),
    ("ZS", "内墙乳胶漆", "环保型 18L/桶", "桶", "420.00"),
    ("ZS", "瓷砖粘结剂 C1", "C1 型 20kg/袋 JC/T 547-2017", "袋", "35.00"),
]

# --- projects (key: name) and their sites (key: project + name) ---------------------------
PROJECTS: list[dict[str, object]] = [
    {"key": "shanghai", "name": "张江科创中心 B 地块办公楼", "customer": "pujiang",
     "manager": "demo_pm1", "city": "上海", "status": "active",
     "address": "上海市浦东新区张江高科技园区科苑路与祖冲之路交叉口东南侧",
     "start_date": date(2026, 3, 2), "end_date": date(2027, 6, 30),
     "members": ["demo_buyer", "demo_qc1", "demo_worker1", "demo_worker2", "demo_worker3",
                 "demo_worker4", "demo_worker7"],
     "sites": [
         {"name": "B1 主楼工地", "address": "科苑路 399 号 B1 地块",
          "latitude": "31.204120", "longitude": "121.590460", "geofence_radius_m": 300},
         {"name": "B2 地下车库工地", "address": "科苑路 399 号 B2 地块",
          "latitude": "31.202870", "longitude": "121.592950", "geofence_radius_m": 200},
     ]},
    {"key": "suzhou", "name": "园区光伏组件厂房二期", "customer": "sip_energy",
     "manager": "demo_pm2", "city": "苏州", "status": "active",
     "address": "江苏省苏州市工业园区唯亭街道春辉路 58 号",
     "start_date": date(2026, 4, 15), "end_date": date(2027, 3, 31),
     "members": ["demo_buyer2", "demo_qc2", "demo_worker5", "demo_worker6", "demo_worker7"],
     "sites": [
         {"name": "二期厂房工地", "address": "春辉路 58 号东区",
          "latitude": "31.340560", "longitude": "120.789120", "geofence_radius_m": 500},
     ]},
    {"key": "hangzhou", "name": "钱塘智造园 3# 研发楼机电安装", "customer": "qiantang",
     "manager": "demo_pm3", "city": "杭州", "status": "planned",
     "address": "浙江省杭州市钱塘区白杨街道 6 号大街 452 号园区内",
     "start_date": date(2026, 9, 1), "end_date": date(2027, 5, 31),
     "members": ["demo_buyer", "demo_qc1", "demo_worker5", "demo_worker6"],
     "sites": [
         {"name": "3# 研发楼", "address": "钱塘智造园北区 3# 楼",
          "latitude": "30.311950", "longitude": "120.371040", "geofence_radius_m": 250},
         {"name": "园区综合管廊", "address": "钱塘智造园 6 号大街地下",
          "latitude": "30.309480", "longitude": "120.375520", "geofence_radius_m": 400},
     ]},
]

# --- crews (key: name) ------------------------------------------------------------------
CREWS: list[dict[str, object]] = [
    {"name": "钢筋班", "trade": "钢筋工", "leader": "demo_worker1",
     "members": ["demo_worker1", "demo_worker2"]},
    {"name": "木工班", "trade": "木工（模板）", "leader": "demo_worker3",
     "members": ["demo_worker3", "demo_worker4"]},
    {"name": "水电班", "trade": "水电安装", "leader": "demo_worker5",
     "members": ["demo_worker5", "demo_worker6"]},
    {"name": "防水班", "trade": "防水工", "leader": "demo_worker7",
     "members": ["demo_worker7", "demo_worker2"]},
]

# --- cost codes (key: code; parent before child) ------------------------------------------
COST_CODES: list[tuple[str, str, str, str | None]] = [
    ("01", "人工费", "labour", None),
    ("02", "材料费", "material", None),
    ("02-01", "主材", "material", "02"),
    ("02-02", "辅材", "material", "02"),
    ("03", "机械使用费", "equipment", None),
    ("04", "分包工程费", "subcontract", None),
    ("05", "其他直接费", "other", None),
]

# --- notifications for the demo project manager (key: title) -------------------------------
# (title, body, link target: "project:<key>" / "site:<project key>:<site name>" / "")
NOTIFICATIONS_FOR = "demo_pm1"
NOTIFICATIONS: list[tuple[str, str, str]] = [
    ("欢迎使用 EOMS 演示环境",
     "这是一家虚构的华东总承包公司：3 个在建项目、8 家客户、5 家供应商/分包商。"
     "所有演示账号的密码相同，可在登录页查看。", ""),
    ("B1 主楼工地已启用电子围栏",
     "半径 300 米；施工员在围栏外签到会被标记，请提醒班组长。", "site:shanghai:B1 主楼工地"),
    ("钢筋进场计划待确认",
     "江苏华东钢材贸易：HRB400E Φ16 共 46 吨，计划下周三进场，请与采购李娜确认卸货时间。",
     "project:shanghai"),
    ("B2 地下车库底板隐蔽工程验收待安排",
     "防水层已施工完成，请安排质检员周涛到场验收并上传影像资料。", "site:shanghai:B2 地下车库工地"),
]
