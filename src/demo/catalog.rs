//! What the demo data is made of: plausible Chinese customers, sites, lanes and the device
//! models found on checkpoint lanes. Fictional names; real-world model naming patterns.

use crate::domain::device::DeviceType;

pub const COMPANY: &str = "西安明通电子科技有限公司";
pub const ENGINEERS: &[(&str, &str, &str)] = &[
    ("张伟", "13892010001", "ZW"),
    ("李娜", "13892010002", "LN"),
    ("王强", "13892010003", "WQ"),
];

/// (customer, address, contact, phone, sites: (name, code, address)).
pub type CustomerSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

pub const CUSTOMERS: &[CustomerSpec] = &[
    (
        "西安海关",
        "西安市未央区凤城八路 1 号",
        "陈建国",
        "029-86366001",
        &[
            ("西安综合保税区卡口", "XA01", "西安市灞桥区港务大道 99 号"),
            ("西安国际港务区卡口", "XA02", "西安市国际港务区港兴路 66 号"),
        ],
    ),
    (
        "咸阳机场货运站",
        "咸阳市渭城区机场路",
        "刘晓燕",
        "029-88798002",
        &[("咸阳机场货运卡口", "XY01", "咸阳市渭城区机场西货运区")],
    ),
    (
        "宝鸡综合物流园",
        "宝鸡市陈仓区虢镇物流大道 8 号",
        "赵志刚",
        "0917-6218003",
        &[
            ("宝鸡物流园北卡口", "BJ01", "宝鸡市陈仓区物流大道北段"),
            ("宝鸡物流园南卡口", "BJ02", "宝鸡市陈仓区物流大道南段"),
        ],
    ),
];

pub const LANES: &[(&str, &str)] = &[
    ("1号进口车道", "L01"),
    ("2号进口车道", "L02"),
    ("1号出口车道", "L03"),
    ("2号出口车道", "L04"),
];

/// The devices on every lane: (type, how many, code abbreviation, position).
pub const LANE_LAYOUT: &[(DeviceType, usize, &str, &str)] = &[
    (DeviceType::BarrierGate, 1, "BG", "车道出口侧"),
    (DeviceType::CardReader, 2, "CR", "司机侧立柱"),
    (DeviceType::Camera, 4, "CM", "龙门架"),
    (DeviceType::IndustrialPc, 1, "PC", "室外机柜内"),
    (DeviceType::LedDisplay, 1, "LD", "车道入口上方"),
    (DeviceType::LoopDetector, 2, "LP", "车道地面"),
    (DeviceType::Cabinet, 1, "CB", "安全岛"),
    (DeviceType::Floodlight, 1, "FL", "龙门架顶部"),
    (DeviceType::PowerAdapter, 1, "PW", "室外机柜内"),
    (DeviceType::Monitor, 1, "MN", "岗亭"),
];

/// (manufacturer, model, serial prefix, warranty years) per device type.
pub fn models(t: DeviceType) -> &'static [(&'static str, &'static str, &'static str, i32)] {
    match t {
        DeviceType::BarrierGate => &[
            ("深圳市捷顺科技", "JSDZ0601", "JS", 3),
            ("富士智能", "FJC-D618", "FJ", 2),
        ],
        DeviceType::CardReader => &[
            ("明华澳汉", "URF-R330", "MH", 3),
            ("德卡科技", "T10-EH", "DK", 2),
        ],
        DeviceType::Camera => &[
            ("海康威视", "DS-2CD3T47EWD", "HK", 3),
            ("大华股份", "DH-IPC-HFW4443M", "DH", 3),
        ],
        DeviceType::IndustrialPc => &[
            ("研华科技", "IPC-610L", "AD", 3),
            ("研祥智能", "IPC-820", "EV", 3),
        ],
        DeviceType::LedDisplay => &[("洲明科技", "P10 单色条屏", "ZM", 2)],
        DeviceType::LoopDetector => &[("捷顺科技", "JSVD-01 双通道", "JV", 2)],
        DeviceType::Cabinet => &[("威图", "AE1060 户外柜", "RT", 5)],
        DeviceType::Console => &[("华脉", "CT-1800", "HM", 5)],
        DeviceType::NetworkSwitch => &[("华为", "S5735-L24T4S", "HW", 3)],
        DeviceType::Floodlight => &[("飞利浦", "BVP161 LED 泛光灯", "PH", 2)],
        DeviceType::Monitor => &[("戴尔", "P2219H", "DL", 3)],
        DeviceType::PowerAdapter => &[("明纬", "RS-50-12", "MW", 2)],
    }
}

/// Parts kept in stock: (code, name, category, unit, price in fen, serialised, device type).
pub const PARTS: &[(&str, &str, &str, &str, i64, bool, &str)] = &[
    (
        "PAD-BG",
        "道闸缓冲垫",
        "vulnerable",
        "个",
        3_500,
        false,
        "barrier_gate",
    ),
    (
        "ARM-4M",
        "4米直杆挡杆",
        "crash_prone",
        "根",
        48_000,
        false,
        "barrier_gate",
    ),
    (
        "BRD-BG",
        "道闸主控板",
        "main",
        "块",
        120_000,
        false,
        "barrier_gate",
    ),
    (
        "TUBE-FL",
        "泛光灯灯管",
        "vulnerable",
        "支",
        8_000,
        false,
        "floodlight",
    ),
    (
        "PWR-12V",
        "12V 电源适配器",
        "vulnerable",
        "个",
        6_500,
        false,
        "power_adapter",
    ),
    (
        "CAM-HK",
        "海康车牌识别摄像机（备机）",
        "main",
        "台",
        360_000,
        true,
        "camera",
    ),
    (
        "RDR-MH",
        "明华 IC 读卡器（备机）",
        "main",
        "台",
        180_000,
        true,
        "card_reader",
    ),
];

/// 2026 public holidays (法定节假日) observed by the 5×8 hotline.
pub const HOLIDAYS_2026: &[&str] = &[
    "2026-01-01",
    "2026-01-02",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-04-06",
    "2026-05-01",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-09-25",
    "2026-10-01",
    "2026-10-02",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
];

/// Open faults in the demo: (device code suffix on the first lane of a site, level, phenomenon, state to reach).
pub const OPEN_FAULTS: &[(usize, &str, i64, &str, &str)] = &[
    (
        0,
        "L01-BG01",
        1,
        "道闸无法抬杆，车道完全堵塞，系统瘫痪",
        "assigned",
    ),
    (
        0,
        "L02-CR01",
        2,
        "读卡器不能读取 IC 卡，车辆无法正常通关",
        "reported",
    ),
    (
        2,
        "L03-CM02",
        3,
        "车牌识别摄像机夜间图像模糊，识别率下降",
        "responded",
    ),
    (
        3,
        "L01-LD01",
        4,
        "LED 显示屏部分像素不亮，暂不影响运行",
        "reported",
    ),
    (
        1,
        "L04-LP01",
        3,
        "地感线圈偶发误检，道闸提前落杆",
        "on_site",
    ),
];
