//! `huiyin demo`: a believable county, town and community with staff of every role and cases over
//! two years across all 19 top-level content classes; `--cases N` scales it for benchmarks.

use std::sync::Arc;

use chrono::{Duration, Utc};
use huiyin_app::SecretKey;
use huiyin_core::case::{CHINA_OFFSET, CaseDraft, PetitionerDraft, QueryCode};
use huiyin_core::category::Category;
use huiyin_core::identity::check_char;
use huiyin_core::unit::{UnitCode, UnitKind};
use huiyin_core::user::Role;
use huiyin_store::{NewCase, NewUnit, NewUser, Store};
use indicatif::{ProgressBar, ProgressStyle};

/// A small, fast, seedable generator (SplitMix64): the demo is the same for the same seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
];
const GIVEN: &[&str] = &[
    "秀英", "桂英", "秀兰", "玉兰", "建华", "建国", "国强", "志强", "海燕", "晓东", "丽娟", "春梅", "德明", "永福",
    "淑珍", "红霞", "卫东", "金凤", "子涵", "浩然", "文博", "雨欣", "国庆", "宝山", "凤英", "振华", "立新", "玉珍",
    "长青", "敏",
];
const STREETS: &[&str] =
    &["西山路", "向阳街", "幸福里", "和平路", "建设街", "解放路", "人民路", "新华街", "光明巷", "团结路"];
const VILLAGE_GROUPS: &[&str] = &["一组", "二组", "三组", "四组", "五组", "六组"];

/// Statement templates by top-level class; `{place}` is filled with a place in the unit.
fn statements(top: &str) -> &'static [&'static str] {
    match top {
        "农村农业" => &[
            "反映{place}村集体土地流转收益分配不公开,村民多次询问未得到答复。",
            "{place}灌溉水渠年久失修,春耕无法放水,请求尽快维修。",
        ],
        "自然资源" => {
            &["{place}有人在基本农田上违规建房,要求查处。", "反映{place}宅基地确权登记面积与实际不符,申请重新测量。"]
        }
        "城乡建设" => {
            &["{place}小区物业长期不维修电梯,老人上下楼困难。", "反映{place}拆迁补偿标准低于周边项目,要求说明依据。"]
        }
        "劳动和社会保障" => &[
            "在{place}工地务工三个月,包工头拖欠工资共计一万二千元,多次讨要未果。",
            "反映{place}企业未为职工缴纳社会保险,要求补缴。",
        ],
        "卫生健康" => {
            &["{place}卫生室药品价格高于规定,要求核查。", "家中老人慢性病报销比例有疑问,{place}医保窗口解释不清。"]
        }
        "教育" => {
            &["孩子在{place}小学被要求购买指定教辅,家长有意见。", "反映{place}学校午餐质量差,要求公开食堂账目。"]
        }
        "经济管理" => {
            &["{place}农民专业合作社负责人卷款失联,社员要求追回股金。", "反映{place}企业改制时职工股权处置不公。"]
        }
        "市场监管" => &["在{place}超市买到过期食品,商家拒绝退换。", "{place}加油站疑似计量不足,要求检测。"],
        "交通运输" => &["{place}通村公路路面破损严重,雨天无法通行。", "反映{place}公交线路停运,老人出行困难。"],
        "民政与应急" => &[
            "申请低保被{place}村委会以不符合条件为由拒绝,要求说明理由。",
            "反映{place}残疾人两项补贴停发,请求核实恢复。",
        ],
        "政法" => {
            &["邻居在{place}长期噪音扰民,多次协商无果,请求调解。", "对{place}派出所处理邻里纠纷结果不服,要求复查。"]
        }
        "军队事务" => {
            &["退役军人在{place}申请优待证至今未办理,请求协调。", "反映{place}烈士家属抚恤金发放不及时。"]
        }
        "科技与信息产业" => {
            &["{place}通信基站建设影响居民休息,要求重新选址。", "反映{place}网络信号差,影响孩子上网课。"]
        }
        "生态环境" => &["{place}养殖场粪污直排河道,气味刺鼻,要求整治。", "反映{place}企业夜间偷排废气。"],
        "文体旅游" => &["{place}文化广场健身器材损坏,存在安全隐患。", "反映{place}景区门票收费不合理。"],
        "党务政务" => &["{place}便民服务中心办事需多次往返,建议一窗受理。", "反映{place}政务公开栏长期未更新。"],
        "组织人事" => &["反映{place}村干部选举程序不规范。", "对{place}事业单位招聘结果有异议,要求公开成绩。"],
        "纪检监察" => &["举报{place}村干部在危房改造中优亲厚友。", "反映{place}工作人员办事索要好处费。"],
        _ => &["咨询{place}相关政策,希望得到解答。", "对{place}的工作提出意见建议。"],
    }
}

struct DemoUnit {
    code: &'static str,
    name: &'static str,
    kind: UnitKind,
    parent: Option<&'static str>,
    place: &'static str,
}

const UNITS: &[DemoUnit] = &[
    DemoUnit { code: "QX", name: "清溪县", kind: UnitKind::County, parent: None, place: "清溪县" },
    DemoUnit { code: "XZ", name: "西镇人民政府", kind: UnitKind::Town, parent: Some("QX"), place: "西镇" },
    DemoUnit {
        code: "XZ-MZ", name: "西镇民政办", kind: UnitKind::Department, parent: Some("XZ"), place: "西镇"
    },
    DemoUnit { code: "XS", name: "西山社区", kind: UnitKind::Community, parent: Some("XZ"), place: "西山社区" },
    DemoUnit {
        code: "XS-CL", name: "西山社区残联", kind: UnitKind::Federation, parent: Some("XS"), place: "西山社区"
    },
    DemoUnit { code: "DP", name: "东坡村", kind: UnitKind::Village, parent: Some("XZ"), place: "东坡村" },
    DemoUnit {
        code: "QX-SY", name: "清溪县实验小学", kind: UnitKind::School, parent: Some("QX"), place: "实验小学"
    },
];

/// The demo's staff: (username, name, unit, role).
/// The demo's staff: login, name, title (职务), unit, role and credential number (工作证号, FED-4).
const STAFF: &[(&str, &str, &str, &str, Role, &str)] = &[
    ("admin", "林卫东", "系统管理员", "QX", Role::Admin, "QX-000"),
    ("xfb", "周建国", "县信访局督查科长", "QX", Role::Supervisor, "QX-011"),
    ("xian.leader", "马振华", "副县长", "QX", Role::Leader, "QX-001"),
    ("zhen.leader", "李志强", "副镇长", "XZ", Role::Leader, "XZ-001"),
    ("zhen.xfb", "陈海燕", "镇信访办主任", "XZ", Role::Supervisor, "XZ-012"),
    ("minzheng", "赵德明", "民政办主任", "XZ-MZ", Role::Handler, "XZ-MZ-003"),
    ("xs.officer", "王秀英", "接访员", "XS", Role::Officer, "XS-001"),
    ("xs.leader", "刘建华", "社区书记", "XS", Role::Leader, "XS-002"),
    ("cl.officer", "黄丽娟", "专职信访员", "XS-CL", Role::Officer, "CL-001"),
    ("cl.wq", "吴永福", "维权办干事", "XS-CL", Role::Handler, "CL-002"),
    ("dp.officer", "孙春梅", "接访员", "DP", Role::Officer, "DP-001"),
    ("school.duty", "郭文博", "值班教师", "QX-SY", Role::Officer, "SY-001"),
];

fn fake_id_number(rng: &mut Rng) -> String {
    let birth =
        chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default() + Duration::days(rng.below(25_000) as i64);
    let body = format!("{}{}{:03}", 220_202 + rng.below(50), birth.format("%Y%m%d"), rng.below(1000));
    let check = check_char(&body);
    format!("{body}{check}")
}

fn fake_phone(rng: &mut Rng) -> String {
    let prefix = rng.pick(&["138", "139", "150", "186", "137", "159", "188", "135"]);
    format!("{prefix}{:08}", rng.next_u64() % 100_000_000)
}

/// One generated registration, ready for the core to check.
fn draft(rng: &mut Rng, unit: &DemoUnit, classes: &[&Category], days_back: i64) -> CaseDraft {
    let class = *rng.pick(classes);
    let top = class.path.split(" / ").next().unwrap_or("其他");
    let channel = *rng.pick(&["visit", "visit", "letter", "phone", "phone", "online", "email", "fax"]);
    let anonymous = channel == "letter" && rng.chance(8);
    let headcount: i64 = if channel == "visit" && rng.chance(6) { 5 + rng.below(20) as i64 } else { 1 };
    let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
    let address = if unit.kind == UnitKind::Village {
        format!("{}{}{}号", unit.place, rng.pick(VILLAGE_GROUPS), 1 + rng.below(60))
    } else {
        format!(
            "{}{}{}号{}栋{}室",
            unit.place,
            rng.pick(STREETS),
            1 + rng.below(200),
            1 + rng.below(20),
            101 + rng.below(6) * 100 + rng.below(4)
        )
    };
    let mut content = rng.pick(statements(top)).replace("{place}", unit.place);
    for _ in 0..1 + rng.below(2) {
        content.push_str(&detail(rng));
    }
    // Office hours, China time: 08:30 plus up to nine hours.
    let day = (Utc::now() - Duration::days(days_back)).with_timezone(&CHINA_OFFSET).date_naive();
    let opening = day.and_hms_opt(8, 30, 0).unwrap_or_default().and_local_timezone(CHINA_OFFSET).single();
    let received =
        opening.map(|t| t.with_timezone(&Utc)).unwrap_or_else(Utc::now) + Duration::minutes(rng.below(540) as i64);
    let received = received.min(Utc::now() - Duration::minutes(10));
    let representatives = if headcount >= 5 {
        (0..1 + rng.below(3)).map(|_| format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))).collect()
    } else {
        Vec::new()
    };
    let mut flags = Vec::new();
    if rng.chance(5) {
        flags.push("major_urgent".to_owned());
    }
    if rng.chance(12) {
        flags.push("repeat".to_owned());
    }
    CaseDraft {
        channel: Some(channel.to_owned()),
        received_at: Some(received.to_rfc3339()),
        unit: Some(unit.code.to_owned()),
        petitioner: (!anonymous).then(|| PetitionerDraft {
            name: Some(name),
            id_type: None,
            id_number: rng.chance(80).then(|| fake_id_number(rng)),
            phone: rng.chance(90).then(|| fake_phone(rng)),
            address: Some(address),
        }),
        headcount: Some(headcount),
        representatives,
        category: Some(class.code.clone()),
        purpose: Some(
            (*rng.pick(&["request", "request", "request", "suggestion", "accusation", "appeal", "other"])).to_owned(),
        ),
        content: Some(content),
        accused: None,
        place: Some(unit.place.to_owned()),
        place_unit: None,
        flags,
        forwarded_from: None,
        session: None,
        relation: None,
    }
}

/// A detail that makes one statement unlike another of the same kind: a sum, a duration, a spot.
fn detail(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => format!("涉及金额约{}元。", (1 + rng.below(2000)) * 100),
        1 => format!("问题已持续{}个月。", 1 + rng.below(36)),
        2 => format!("地点在{}{}号附近。", rng.pick(STREETS), 1 + rng.below(200)),
        3 => format!("曾于{}月{}日向有关部门反映。", 1 + rng.below(12), 1 + rng.below(28)),
        _ => format!("涉及{}户居民。", 2 + rng.below(60)),
    }
}

/// The same matter told again, as petitioners do: an opening, a few words changed, a closing plea.
fn restate(rng: &mut Rng, statement: &str) -> String {
    const OPENINGS: &[&str] = &["再次反映:", "我之前来反映过,", "第三次来访,", "还是上次的问题,", "", "重复反映:"];
    const CLOSINGS: &[&str] = &["至今没有解决。", "希望领导重视。", "请尽快给个答复。", "", "到现在还没人管。"];
    const SWAPS: &[(&str, &str)] = &[
        ("反映", "投诉"),
        ("要求", "请求"),
        ("多次", "几次"),
        ("长期", "一直"),
        ("严重", "很严重"),
        ("未果", "没有结果"),
    ];
    let mut text = statement.to_owned();
    for (from, to) in SWAPS {
        if rng.chance(50) {
            text = text.replacen(from, to, 1);
        }
    }
    format!("{}{}{}", rng.pick(OPENINGS), text.trim_end_matches('。'), format_args!("。{}", rng.pick(CLOSINGS)))
}

/// A petitioner planted with several visits: some tell the first matter again (repeats), some bring
/// another matter. The demo records which is which, for measuring repeat detection.
#[derive(Clone)]
struct Planted {
    name: String,
    id_number: String,
    phone: String,
    address: String,
    unit_index: usize,
    /// The first visit's generation index, class and statement.
    first: usize,
    class: String,
    /// The first visit's top-level class, which another matter never shares.
    top: usize,
    statement: String,
}

impl Planted {
    fn petitioner(&self) -> PetitionerDraft {
        PetitionerDraft {
            name: Some(self.name.clone()),
            id_type: None,
            id_number: Some(self.id_number.clone()),
            phone: Some(self.phone.clone()),
            address: Some(self.address.clone()),
        }
    }
}

/// Of every hundred cases, this many start a planted petitioner's series.
const PLANTED_PERCENT: u64 = 2;

/// What `demo` printed for people: the staff accounts and their one-time passwords; and the labels
/// of the planted series: (case id, the case it repeats, if it does).
pub struct DemoSummary {
    pub accounts: Vec<(String, String, String)>,
    pub cases: usize,
    pub labels: Vec<(i64, Option<i64>)>,
}

/// 值班表 for the demo: the community's officer and secretary take turns on working days, and the
/// federation's two likewise, this month and the next.
async fn demo_rotas(store: &dyn Store, calendar: &huiyin_core::calendar::Calendar) -> Result<(), String> {
    use huiyin_core::duty::{DutyMonth, DutyPattern, month_rota};
    let today = huiyin_core::limits::china_day(Utc::now());
    for (unit, people) in [("XS", ["xs.officer", "xs.leader"]), ("XS-CL", ["cl.officer", "cl.wq"])] {
        let unit_id = store.unit_by_code(unit).await.map_err(|e| e.to_string())?.ok_or("demo unit missing")?.id;
        let pattern = DutyPattern::Rotation { people: people.map(str::to_owned).to_vec(), every_day: false };
        store.set_duty_pattern(unit_id, &pattern, None, Utc::now()).await.map_err(|e| e.to_string())?;
        let mut ids = Vec::new();
        for username in people {
            let user = store.user_by_username(username).await.map_err(|e| e.to_string())?;
            ids.push((username, user.ok_or("demo staff missing")?.id));
        }
        let (mut month, mut next) = (DutyMonth::of(today), 0);
        for _ in 0..2 {
            let rota = month_rota(&pattern, month, calendar, next);
            next = (next + rota.len()) % people.len();
            let days: Vec<_> = rota
                .iter()
                .filter_map(|(day, person)| ids.iter().find(|(u, _)| *u == person).map(|(_, id)| (*day, *id)))
                .collect();
            store
                .put_generated_duty(unit_id, month.first_day(), month.next_first_day(), &days, true)
                .await
                .map_err(|e| e.to_string())?;
            month = DutyMonth::of(month.next_first_day());
        }
    }
    Ok(())
}

/// 领导接访安排 for the demo: the town's leader receives every Thursday of this month at the town's
/// reception room, the county's deputy county head joins on the first (a joint reception);
/// published on the month's first day. And today's reception session (接访活动) of the town's leader.
async fn demo_reception_month(store: &dyn Store) -> Result<(), String> {
    use chrono::Datelike;
    use huiyin_core::duty::DutyMonth;
    use huiyin_core::reception::ArrangedDay;
    let month = DutyMonth::of(huiyin_core::limits::china_day(Utc::now()));
    let unit = store.unit_by_code("XZ").await.map_err(|e| e.to_string())?.ok_or("demo unit missing")?;
    let mut leaders = Vec::new();
    for username in ["zhen.leader", "xian.leader"] {
        let u = store.user_by_username(username).await.map_err(|e| e.to_string())?.ok_or("demo staff missing")?;
        leaders.push(huiyin_app::reception::arranged_leader(&u));
    }
    let days: Vec<ArrangedDay> = month
        .days()
        .filter(|d| d.weekday() == chrono::Weekday::Thu)
        .enumerate()
        .map(|(i, day)| ArrangedDay {
            day,
            leaders: if i == 0 { leaders.clone() } else { leaders[..1].to_vec() },
            place: "西镇信访接待室".into(),
            starts: Some("08:30".into()),
            ends: Some("17:30".into()),
        })
        .collect();
    let by = store.user_by_username("zhen.xfb").await.map_err(|e| e.to_string())?.ok_or("demo staff missing")?.id;
    let at = month.first_day().and_hms_opt(1, 0, 0).unwrap_or_default().and_utc();
    let key = month.to_string();
    store.save_reception_draft(unit.id, &key, &days, None, by, at).await.map_err(|e| e.to_string())?;
    store.publish_reception_draft(unit.id, &key, by, at, false).await.map_err(|e| e.to_string())?;
    // Today the town's leader receives at the reception room: the session visits are registered in.
    let session = huiyin_store::NewSession {
        unit_id: unit.id,
        kind: huiyin_core::reception_session::SessionKind::LeaderDay,
        day: huiyin_core::limits::china_day(Utc::now()),
        starts: Some("08:30".into()),
        ends: Some("17:30".into()),
        place: "西镇信访接待室".into(),
        leaders: leaders[..1].to_vec(),
        key_petitioner: None,
        key_reason: None,
        note: None,
        created_by: by,
        created_at: Utc::now(),
    };
    store.add_reception_session(&session).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// The community's charter with one amendment, and its three bodies' members (DEM-1, DEM-2).
async fn demo_democracy(store: &dyn Store) -> Result<(), String> {
    use huiyin_core::charter::CharterKind;
    use huiyin_core::community_body::{BodyKind, MemberRole};
    let fail = |e: huiyin_store::StoreError| e.to_string();
    let unit = store.unit_by_code("XS").await.map_err(fail)?.ok_or("demo unit missing")?;
    let by = store.user_by_username("xs.leader").await.map_err(fail)?.ok_or("demo staff missing")?.id;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| e.to_string());
    let articles = [
        "第一条 为保障居民依法自治,依据《中华人民共和国城市居民委员会组织法》,制定本章程。",
        "第二条 社区居民代表大会是社区的议事决策机构,每年召开一次。",
        "第三条 社区居民代表议事协商会每季度召开一次,由议事协商会主任召集。",
        "第四条 社区居民委员会每月召开一次会议。",
    ];
    let version =
        |text: String, on: chrono::NaiveDate, adopted_by: &str, note: Option<&str>| huiyin_store::NewCharterVersion {
            text,
            adopted_on: on,
            adopted_by: adopted_by.into(),
            decision_id: None,
            note: note.map(str::to_owned),
            recorded_by: by,
            recorded_at: Utc::now(),
        };
    let charter =
        huiyin_store::NewCharter {
            unit_id: unit.id, kind: CharterKind::Charter, title: "西山社区居民自治章程".into()
        };
    let first = version(articles.join("\n"), day("2024-03-15")?, "2024年第一次社区居民代表大会第1号决定", None);
    let id = store.add_charter(&charter, &first).await.map_err(fail)?;
    let amended =
        articles.join("\n").replace("每年召开一次", "每年召开二次,由社区居民委员会或三分之一以上居民代表提议召开");
    let second = version(
        amended,
        day("2025-06-20")?,
        "2025年第二次社区居民代表大会第3号决定",
        Some("依社区民主管理制度,居民代表大会改为每年召开二次"),
    );
    store.amend_charter(id, 1, &second).await.map_err(fail)?;
    let members: [(BodyKind, &str, MemberRole, Option<&str>); 6] = [
        (BodyKind::Committee, "刘建华", MemberRole::Chair, None),
        (BodyKind::Committee, "王秀英", MemberRole::Member, None),
        (BodyKind::Council, "陈德明", MemberRole::Chair, None),
        (BodyKind::Council, "赵桂芳", MemberRole::Representative, Some("1号楼")),
        (BodyKind::Congress, "孙立新", MemberRole::Representative, Some("2号楼1—3单元")),
        (BodyKind::Congress, "周玉兰", MemberRole::Representative, Some("3号楼")),
    ];
    for (body, name, role, represents) in members {
        let member = huiyin_store::NewBodyMember {
            unit_id: unit.id,
            body,
            name: name.into(),
            role,
            represents: represents.map(str::to_owned),
            term_from: day("2024-01-01")?,
            term_to: Some(day("2028-12-31")?),
            added_by: by,
            added_at: Utc::now(),
        };
        store.add_body_member(&member).await.map_err(fail)?;
    }
    demo_meetings(store, unit.id, by).await
}

/// A council meeting held last month with its decision, one called for two weeks ahead (its notice
/// on the portal), and a resident's matter waiting (DEM-3 … DEM-6, DEM ¶4).
async fn demo_meetings(store: &dyn Store, unit_id: i64, by: i64) -> Result<(), String> {
    use huiyin_core::community_body::BodyKind;
    use huiyin_core::meeting::{ConvenedBy, MatterSource};
    let fail = |e: huiyin_store::StoreError| e.to_string();
    let today = huiyin_core::limits::china_day(Utc::now());
    let council: Vec<i64> = store
        .body_members(unit_id)
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|m| m.member.body == BodyKind::Council)
        .map(|m| m.id)
        .collect();
    let meeting = |day: chrono::NaiveDate, agenda: &[&str]| huiyin_store::NewMeeting {
        unit_id,
        body: BodyKind::Council,
        day,
        starts: chrono::NaiveTime::from_hms_opt(19, 0, 0),
        place: "社区议事厅".into(),
        agenda: agenda.iter().map(|a| (*a).to_owned()).collect(),
        convened_by: ConvenedBy::Chair,
        signers: Vec::new(),
        rules: BodyKind::Council.default_rules(),
        matters: Vec::new(),
        created_by: by,
        created_at: Utc::now() - chrono::Duration::days(40),
    };
    let held_on = today - chrono::Duration::days(30);
    let held =
        store.add_meeting(&meeting(held_on, &["3号楼加装电梯费用分摊", "小区停车位分配办法"])).await.map_err(fail)?;
    let attendance = huiyin_store::Attendance {
        sitting: u32::try_from(council.len()).unwrap_or(0),
        present: council.clone(),
        quorate: true,
        recorded_by: by,
        recorded_at: Utc::now() - chrono::Duration::days(30),
    };
    store.record_attendance(held, &attendance).await.map_err(fail)?;
    let votes = i32::try_from(council.len()).unwrap_or(0);
    let decision = huiyin_store::NewDecision {
        meeting_id: held,
        item: 0,
        text: "同意按楼层分摊加装电梯费用,一层住户不分摊".into(),
        votes_for: votes,
        votes_against: 0,
        abstentions: 0,
        passed: true,
        recorded_by: by,
        recorded_at: Utc::now() - chrono::Duration::days(30),
    };
    store.add_decision(&decision).await.map_err(fail)?;
    let coming = huiyin_store::NewMeeting {
        created_at: Utc::now(),
        ..meeting(today + chrono::Duration::days(14), &["健身器材维修"])
    };
    store.add_meeting(&coming).await.map_err(fail)?;
    let matter = huiyin_store::NewMatter {
        unit_id,
        body: BodyKind::Council,
        subject: "楼道照明改造".into(),
        reason: "多位居民反映楼道夜间照明不足".into(),
        source: MatterSource::Resident,
        raised_by_name: Some("李桂兰".into()),
        case_id: None,
        raised_by: by,
        raised_at: Utc::now(),
    };
    store.add_matter(&matter).await.map_err(fail)?;
    Ok(())
}

/// Fills an empty database. Refuses a database that already has units.
pub async fn run(
    store: Arc<dyn Store>,
    secret: &SecretKey,
    cases: usize,
    seed: u64,
    progress: bool,
) -> Result<DemoSummary, String> {
    if !store.units().await.map_err(|e| e.to_string())?.is_empty() {
        return Err("数据库中已有单位:demo 只填充空数据库(请换一个 --database-url)".into());
    }
    let mut rng = Rng::new(seed);
    for u in UNITS {
        let code = UnitCode::parse("code", u.code).map_err(|e| e.to_string())?;
        let parent = u.parent.map(|p| UnitCode::parse("parent", p)).transpose().map_err(|e| e.to_string())?;
        store
            .add_unit(&NewUnit { code, name: u.name.to_owned(), kind: u.kind, parent })
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut accounts = Vec::new();
    let mut officers = Vec::new();
    for (username, name, title, unit, role, credential) in STAFF {
        let password = huiyin_app::context::new_token("").map_err(|e| e.to_string())?[..16].to_owned();
        let hash = huiyin_app::actor::hash_password(password.clone()).await.map_err(|e| e.to_string())?;
        let user = store
            .add_user(&NewUser {
                username: (*username).to_owned(),
                display_name: (*name).to_owned(),
                unit: UnitCode::parse("unit", unit).map_err(|e| e.to_string())?,
                role: *role,
                password_hash: Some(hash),
                // Demo staff enter the past two years after the fact.
                may_backdate: true,
                title: Some((*title).to_owned()),
                credential: Some((*credential).to_owned()),
                rank: (*role == Role::Leader).then(|| if *unit == "QX" { "副处级" } else { "副科级" }.to_owned()),
                phone: None,
                email: None,
            })
            .await
            .map_err(|e| e.to_string())?;
        if role.takes_petitions_in() {
            officers.push((user.id, *unit));
        }
        accounts.push(((*username).to_owned(), role.label_zh().to_owned(), password));
    }
    let all_classes = store.categories().await.map_err(|e| e.to_string())?;
    let calendar = huiyin_app::context::load_calendar(store.as_ref()).await.map_err(|e| e.to_string())?;
    demo_rotas(store.as_ref(), &calendar).await?;
    demo_reception_month(store.as_ref()).await?;
    demo_democracy(store.as_ref()).await?;
    let rules = huiyin_core::limits::LimitRules::national();
    let segmenter = huiyin_app::context::load_segmenter(store.as_ref()).await.map_err(|e| e.to_string())?;
    let leaves: Vec<&Category> = all_classes.iter().filter(|c| c.level == 3 && c.active).collect();
    // Spread cases evenly over the 19 top-level classes first, then over their leaves.
    let tops: Vec<&str> = all_classes.iter().filter(|c| c.level == 1).map(|c| c.code.as_str()).collect();
    let by_top: Vec<Vec<&Category>> =
        tops.iter().map(|t| leaves.iter().copied().filter(|c| c.code.starts_with(t)).collect()).collect();
    let bar = if progress { ProgressBar::new(cases as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} 件 {per_sec} 剩余 {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let now = Utc::now();
    let mut batch = Vec::with_capacity(1000);
    // Per batch entry: its generation index and, for a planted visit, the index it repeats (or none).
    let mut batch_labels: Vec<Option<(usize, Option<usize>)>> = Vec::with_capacity(1000);
    let mut planted_ids: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    let mut planted_labels: Vec<(usize, Option<usize>)> = Vec::new();
    // Follow-up visits of planted petitioners, by the index at which they come: (index, n) → (who, repeat?).
    let mut pending: std::collections::BTreeMap<(usize, usize), (Planted, bool)> = std::collections::BTreeMap::new();
    let mut registered: Vec<(i64, chrono::DateTime<Utc>, &'static str)> = Vec::new();
    for i in 0..cases {
        let follow_up = match pending.first_key_value() {
            Some((&(due, _), _)) if due <= i => pending.pop_first().map(|(_, v)| v),
            _ => None,
        };
        let unit_index = follow_up.as_ref().map_or_else(|| rng.below(UNITS.len()), |(p, _)| p.unit_index);
        let unit = &UNITS[unit_index];
        let registrar =
            officers.iter().find(|(_, u)| *u == unit.code).or_else(|| officers.first()).map(|(id, _)| *id).unwrap_or(1);
        let top = match &follow_up {
            // Another matter of a planted petitioner comes from another top-level class.
            Some((who, false)) => (who.top + 1 + rng.below(by_top.len() - 1)) % by_top.len(),
            _ => i % by_top.len(),
        };
        let classes = &by_top[top];
        // Oldest first, so that case numbers follow the calendar as they would in real use.
        let days_back = ((cases - i) * 730 / cases.max(1)) as i64;
        let mut d = draft(&mut rng, unit, if classes.is_empty() { &leaves } else { classes }, days_back);
        let mut label = None;
        if let Some((who, repeats)) = follow_up {
            d.petitioner = Some(who.petitioner());
            if repeats {
                d.content = Some(restate(&mut rng, &who.statement));
                d.category = Some(who.class.clone());
            }
            label = Some((i, repeats.then_some(who.first)));
        } else if i + cases / 10 < cases && rng.chance(PLANTED_PERCENT) {
            let who = Planted {
                name: format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
                id_number: fake_id_number(&mut rng),
                phone: format!("199{:08}", rng.next_u64() % 100_000_000),
                address: format!("{}{}{}号", unit.place, rng.pick(STREETS), 1 + rng.below(200)),
                unit_index,
                first: i,
                class: d.category.clone().unwrap_or_default(),
                top,
                statement: d.content.clone().unwrap_or_default(),
            };
            d.petitioner = Some(who.petitioner());
            // One to three more visits within about five weeks; three in five tell the same matter again.
            for n in 0..1 + rng.below(3) {
                let due = i + 1 + rng.below((cases / 20).max(1));
                pending.insert((due, i * 4 + n), (who.clone(), rng.chance(60)));
            }
            label = Some((i, None));
        }
        let registration = d.parse(now, &all_classes).map_err(|e| format!("demo generated an invalid case: {e}"))?;
        let code = QueryCode::from_random(rng.next_u64().to_le_bytes());
        batch.push(NewCase {
            deadlines: huiyin_core::limits::registration_deadlines(&registration, &rules, &calendar),
            search: huiyin_app::search::search_doc(&segmenter, &registration, &[]),
            query_code_hash: secret.query_code_hash(&code),
            recorded_at: (registration.received_at + Duration::minutes(5)).min(now),
            registration,
            actor_id: registrar,
            note: None,
        });
        batch_labels.push(label);
        if batch.len() == 1000 || i + 1 == cases {
            let ids = store.register_cases(&batch).await.map_err(|e| e.to_string())?;
            for (id, label) in ids.iter().zip(&batch_labels) {
                if let Some((index, repeats)) = label {
                    planted_ids.insert(*index, *id);
                    planted_labels.push((*index, *repeats));
                }
            }
            if cases <= LIFECYCLE_UP_TO {
                for (id, case) in ids.into_iter().zip(&batch) {
                    let code =
                        UNITS.iter().find(|u| u.code == case.registration.unit.as_str()).map_or("XS", |u| u.code);
                    registered.push((id, case.registration.received_at, code));
                }
            }
            bar.inc(batch.len() as u64);
            batch.clear();
            batch_labels.clear();
        }
    }
    let labels = planted_labels
        .iter()
        .filter_map(|(index, repeats)| {
            let id = *planted_ids.get(index)?;
            Some((id, repeats.and_then(|r| planted_ids.get(&r).copied())))
        })
        .collect();
    bar.finish_and_clear();
    if !registered.is_empty() {
        live_cases(store.clone(), secret, &registered, &mut rng).await?;
    }
    store.analyze().await.map_err(|e| e.to_string())?;
    Ok(DemoSummary { accounts, cases, labels })
}

/// Up to this many cases the demo also lives their lives (sorting, handling, approval, reply,
/// rating, review); larger archives for benchmarks are registrations only.
const LIFECYCLE_UP_TO: usize = 20_000;

/// Takes each case through the actions its age allows, as the demo staff, at the days they would
/// have happened, so that the demo has cases in every state with deadlines met, open and missed.
async fn live_cases(
    store: Arc<dyn Store>,
    secret: &SecretKey,
    cases: &[(i64, chrono::DateTime<Utc>, &'static str)],
    rng: &mut Rng,
) -> Result<(), String> {
    use huiyin_app::cases::{self as app, CaseAction};
    use huiyin_core::event::ActionDraft;
    use huiyin_core::lifecycle::{
        AnswerDraft, OpinionDraft, RateDraft, ReasonDraft, RejectDraft, ReturnVisitDraft, SendDraft,
    };
    let state = huiyin_app::AppState::new(store.clone(), secret.clone()).await.map_err(|e| e.to_string())?;
    // One approver is enough in the demo county (TWN-11 lets a unit say so).
    let qx = store.unit_by_code("QX").await.map_err(|e| e.to_string())?.ok_or("no county")?;
    let mut rules = huiyin_core::limits::LimitRules::national();
    rules.approvals_required = 1;
    store.set_unit_limits(qx.id, &rules, Utc::now()).await.map_err(|e| e.to_string())?;
    let actor = |name: &'static str| {
        let state = state.clone();
        async move {
            let user = state.store.user_by_username(name).await.map_err(|e| e.to_string())?.ok_or("no demo user")?;
            huiyin_app::actor::Actor::load(&state, user).await.map_err(|e| e.to_string())
        }
    };
    let (officer, leader, rights) = (actor("xfb").await?, actor("xian.leader").await?, actor("cl.officer").await?);
    let now = Utc::now();
    for (id, received, unit) in cases {
        let age = (now - *received).num_days();
        let day = |d: i64| Some((*received + Duration::days(d)).min(now).to_rfc3339());
        let plain = |d: i64| ActionDraft { note: None, at: day(d) };
        let roll = rng.below(100);
        let steps: Vec<(&huiyin_app::actor::Actor, CaseAction)> = match roll {
            _ if age < 2 => vec![],
            0..=9 => vec![(
                &officer,
                CaseAction::Answer(AnswerDraft {
                    answer: Some("已当场解答相关政策,告知办理地点和所需材料。".into()),
                    articles: Vec::new(),
                    note: None,
                    at: day(0),
                }),
            )],
            10..=13 => vec![(
                &officer,
                CaseAction::Reject(RejectDraft {
                    reason: Some("该事项已进入诉讼程序".into()),
                    channel: Some("请通过诉讼途径依法解决,可向人民法院咨询".into()),
                    note: None,
                    at: day(1),
                }),
            )],
            14..=19 if *unit == "XS" => vec![
                (
                    &officer,
                    CaseAction::Assign(SendDraft {
                        unit: Some("XS-CL".into()),
                        owner: None,
                        reason: None,
                        note: None,
                        at: day(1),
                    }),
                ),
                (
                    &rights,
                    CaseAction::Object(ReasonDraft {
                        reason: Some("不属于残联职责范围".into()),
                        note: None,
                        at: day(3),
                    }),
                ),
            ],
            20..=24 if *unit != "QX" => vec![(
                &officer,
                CaseAction::Escalate(SendDraft {
                    unit: None,
                    owner: None,
                    reason: Some("涉及多个村(社区),提交上级领导接待日".into()),
                    note: None,
                    at: day(2),
                }),
            )],
            _ => {
                let mut steps = vec![(&officer, CaseAction::Accept(plain(2)))];
                if age > 25 {
                    steps.push((
                        &officer,
                        CaseAction::Opinion(OpinionDraft {
                            outcome: Some(["support", "explain", "reject"][rng.below(3)].into()),
                            facts: Some("经实地调查核实,反映情况基本属实。".into()),
                            basis: Some("《信访工作条例》及相关政策规定".into()),
                            text: Some("已责成相关单位限期整改,并将结果答复信访人。".into()),
                            articles: Vec::new(),
                            note: None,
                            at: day(20),
                        }),
                    ));
                    steps.push((&leader, CaseAction::Approve(plain(22))));
                }
                if age > 45 {
                    steps.push((&officer, CaseAction::Reply(plain(25))));
                    let rating = ["satisfied", "satisfied", "basically_satisfied", "dissatisfied"][rng.below(4)];
                    steps.push((
                        &officer,
                        CaseAction::Rate(RateDraft {
                            office: Some("satisfied".into()),
                            unit: Some(rating.into()),
                            reason: (rating == "dissatisfied").then(|| "工资只付了一半".into()),
                            note: Some("电话回访".into()),
                            at: day(35),
                        }),
                    ));
                    if rating == "dissatisfied" && age > 60 && age < 200 && *unit != "QX" {
                        steps.push((
                            &officer,
                            CaseAction::ReviewRequest(ReasonDraft {
                                reason: Some("对处理意见不服,申请复查".into()),
                                note: None,
                                at: day(40),
                            }),
                        ));
                    } else {
                        if rating == "dissatisfied" && age > 50 {
                            // CDR-3: the owner's return visit after a 不满意 rating.
                            steps.push((
                                &officer,
                                CaseAction::ReturnVisit(ReturnVisitDraft {
                                    method: Some("phone".into()),
                                    outcome: Some("已向信访人解释剩余款项的支付安排,信访人表示理解。".into()),
                                    rating: Some("basically_satisfied".into()),
                                    reopen: false,
                                    note: None,
                                    at: day(45),
                                }),
                            ));
                        }
                        if age > 80 {
                            steps.push((&officer, CaseAction::Close(plain(60))));
                        }
                    }
                }
                steps
            }
        };
        for (who, action) in steps {
            app::act(&state, who, *id, action, None).await.map_err(|e| format!("demo case {id}: {e}"))?;
        }
    }
    Ok(())
}
