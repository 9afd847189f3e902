"""The demo district's vocabulary: classes, shop attributes, brands, names and places, fates."""

from __future__ import annotations

from datetime import date

import numpy as np

from analytics.domain import CLASSES as DOMAIN_CLASSES

VALUE_SIGMA = 1.3  # spread of log customer value: top 20% of buyers bring about two thirds
EPOCH = date(1970, 1, 1)

CLASSES = DOMAIN_CLASSES  # the order of the class codes in the tables
CORE, POTENTIAL, REGULAR, ASSIST = range(4)
CLASS_SHARES = (0.05, 0.25, 0.63, 0.07)  # assigned classes, exact counts
CLASS_INTERVAL_DAYS = np.array([14, 30, 60, 14])
CLASS_MINUTES = np.array([[15, 20], [15, 20], [10, 15], [5, 30]])

MARKETS = ("city", "town", "rural")
FORMATS = ("mall", "supermarket", "tobacco_liquor", "convenience", "grocery", "other")
TERMINALS = ("built", "building", "potential", "none")
CITY, TOWN, RURAL = range(3)
MALL, SUPERMARKET, TOBACCO_LIQUOR, CONVENIENCE, GROCERY, OTHER = range(6)
BUILT, BUILDING, POTENTIAL_TERMINAL, NO_TERMINAL = range(4)

METHODS = ("onsite", "online", "phone")

# Price per carton (条) in yuan, popularity weight, cost as a share of price.
PRODUCTS = (
    ("中华(硬)", 450.0, 0.6, 0.90),
    ("玉溪(软)", 230.0, 1.0, 0.89),
    ("芙蓉王(硬)", 250.0, 0.9, 0.90),
    ("黄鹤楼(软蓝)", 190.0, 0.7, 0.91),
    ("利群(新版)", 160.0, 1.0, 0.90),
    ("云烟(紫)", 100.0, 1.1, 0.92),
    ("红塔山(经典)", 95.0, 1.2, 0.91),
    ("白沙(精品)", 90.0, 1.2, 0.92),
    ("南京(炫赫门)", 170.0, 0.8, 0.89),
    ("娇子(宽窄)", 200.0, 0.6, 0.88),
    ("真龙(起源)", 260.0, 0.5, 0.90),
    ("七匹狼(通仙)", 300.0, 0.5, 0.88),
)
PRODUCT_NAMES = [p[0] for p in PRODUCTS]
PRICES = np.array([p[1] for p in PRODUCTS])
POPULARITY = np.log(np.array([p[2] for p in PRODUCTS]))
COST_RATIO = np.array([p[3] for p in PRODUCTS])

SPRING_FESTIVAL = [
    date.fromisoformat(d)
    for d in (
        "2019-02-05",
        "2020-01-25",
        "2021-02-12",
        "2022-02-01",
        "2023-01-22",
        "2024-02-10",
        "2025-01-29",
        "2026-02-17",
        "2027-02-06",
        "2028-01-26",
        "2029-02-13",
        "2030-02-03",
    )
]

TEAM_BASES = ("城东", "城西", "城南", "乡镇", "城北", "中心", "新区", "滨江", "高新", "东郊", "西郊", "南郊")
REGION_NAMES = (
    "主城区",
    "开发区",
    "东山县",
    "西河县",
    "南湖区",
    "北岭县",
    "青山县",
    "白水县",
    "清河县",
    "临江县",
    "高新区",
    "滨江区",
)
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "春梅",
    "国平",
    "文斌",
    "红梅",
    "立新",
    "建军",
    "丽华",
    "晓燕",
    "玉兰",
    "志刚",
    "德明",
    "永红",
    "小龙",
    "雪梅",
    "宏伟",
    "佳怡",
    "子涵",
    "浩然",
    "欣怡",
    "俊杰",
    "婷婷",
    "思远",
    "梓轩",
    "雨欣",
    "晨阳",
    "嘉豪",
    "诗琪",
    "宇航",
    "梦琪",
    "鹏飞",
    "海涛",
    "瑞",
    "琳",
    "斌",
)
PLACES = (
    "解放路",
    "人民路",
    "中山路",
    "建设路",
    "和平街",
    "新华路",
    "东风路",
    "文化路",
    "胜利街",
    "青年路",
    "朝阳路",
    "幸福里",
    "柳树村",
    "桃园村",
    "李家庄",
    "王家坝",
    "石桥镇",
    "河口镇",
    "龙泉镇",
    "白沙镇",
    "红星路",
    "滨河路",
    "光明街",
    "健康路",
    "长江路",
    "黄河路",
    "凤凰路",
    "金桥路",
    "花园街",
    "北门",
)
SHOP_TEMPLATES = {
    MALL: ("{p}百货商场", "{p}购物中心", "{s}氏商厦"),
    SUPERMARKET: ("联华超市{p}店", "{p}{s}家超市", "惠民超市{p}店", "{p}万家福超市"),
    TOBACCO_LIQUOR: ("{s}记烟酒店", "{p}烟酒商行", "{s}{g}名烟名酒", "{p}烟酒专卖"),
    CONVENIENCE: ("{p}便利店", "{s}氏便利店", "美宜家{p}店", "{p}24小时便利"),
    GROCERY: ("{s}家便民食杂店", "{p}食杂店", "{s}{g}小卖部", "{p}日杂批发部"),
    OTHER: ("{p}加油站便利店", "{p}宾馆商务部", "{s}{g}报刊亭", "{p}茶楼"),
}
VISIT_NOTES = (
    "宣传新品规",
    "检查明码标价",
    "了解库存情况",
    "协助整理陈列",
    "反馈货源需求",
    "宣传法律法规",
    "解决订货问题",
    "指导经营数据分析",
    "收集消费者反馈",
    "帮扶解决经营困难",
)

# Customer fates (exclusive), as shares of all customers.
# Churners stop 6-18 months before the end, on any day of the last 18 months, or 3-8 weeks
# before the end (about 9.5% in all).
NORMAL, CHURN_OLD, CHURN_MID, CHURN_RECENT, DECLINER, CLOSED, NEW = range(7)
# Order size by ordering interval in weeks: fewer orders, bigger baskets.
ORDER_SIZE = np.array([0.0, 1.0, 1.8, 0.0, 3.2])
FATE_SHARES = {
    CHURN_OLD: 0.015,
    CHURN_MID: 0.05,
    CHURN_RECENT: 0.03,
    CLOSED: 0.025,
    DECLINER: 0.05,
    NEW: 0.06,
}
