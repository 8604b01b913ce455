//! The case page's action forms: one for each action of the catalogue (`CaseActionKind`), with its
//! title, its fields and pickers, its button and, for a step that cannot be undone, the question
//! asked before it is taken. The page shows the forms of the actions the application offers the
//! staff member now (`cases::offers`). The match below is exhaustive, so an action added to the
//! catalogue does not build until its form is described here; the form posts the API's field names
//! to `/cases/{id}/act/{segment}`, read by the catalogue's own parser.

use huiyin_app::cases::CaseActionKind;
use huiyin_app::cases::offers::{Choice, Pickers};
use huiyin_core::case::Flag;
use huiyin_core::lifecycle::AGENCIES;

/// One field of an action's form.
pub(super) struct Field {
    /// The draft's field name, as the API has it.
    pub name: &'static str,
    pub label: String,
    /// `text`, `textarea`, `number`, `date`, `select` or `checkbox`.
    pub kind: &'static str,
    pub required: bool,
    /// The value given beforehand (a select's chosen value; a checkbox's value).
    pub value: String,
    /// A select's choices; for an optional select, the first is the empty choice.
    pub choices: Vec<Choice>,
    /// A number's largest value.
    pub max: u32,
    pub hint: Option<String>,
    /// A checkbox ticked.
    pub checked: bool,
    /// A picker of people narrowed, in the browser, to those within the unit chosen in this field.
    pub narrowed_by: Option<&'static str>,
    /// Why the value sent was refused, shown under the field.
    pub error: Option<String>,
}

impl Field {
    fn new(name: &'static str, label: &str, kind: &'static str, required: bool) -> Field {
        Field {
            name,
            label: label.to_owned(),
            kind,
            required,
            value: String::new(),
            choices: Vec::new(),
            max: 0,
            hint: None,
            checked: false,
            narrowed_by: None,
            error: None,
        }
    }

    /// The attributes that tie a refused field to its reason, for screen readers.
    pub fn invalid_attrs(&self, segment: &str) -> String {
        match self.error {
            Some(_) => format!(" aria-invalid=\"true\" aria-describedby=\"act-{segment}-{}-err\"", self.name),
            None => String::new(),
        }
    }

    fn text(name: &'static str, label: &str) -> Field {
        Field::new(name, label, "text", true)
    }

    fn textarea(name: &'static str, label: &str) -> Field {
        Field::new(name, label, "textarea", true)
    }

    /// The articles of the policy library to cite (FED-9): each a checkbox `cite:{policy}:{number}`.
    fn articles(choices: &[Choice], label: &str) -> Field {
        let mut field = Field::new("articles", label, "articles", false);
        field.choices = choices.to_vec();
        field.hint = Some("在“政策法规”页可按关键词查找条文。".into());
        field
    }

    fn optional(mut self) -> Field {
        self.required = false;
        self
    }

    fn hint(mut self, hint: &str) -> Field {
        self.hint = Some(hint.to_owned());
        self
    }

    /// A picker: `empty` names the blank first choice of an optional one. A required one starts
    /// blank too (“请选择”), so nothing is chosen for the staff member unawares.
    fn select(name: &'static str, label: &str, choices: &[Choice], empty: Option<&str>) -> Field {
        let mut field = Field::new(name, label, "select", empty.is_none());
        let blank = empty.unwrap_or("请选择");
        field.choices.push(Choice { value: String::new(), label: blank.to_owned(), ..Default::default() });
        field.choices.extend_from_slice(choices);
        field
    }

    /// The first real choice, chosen beforehand (the nearest unit above, the only flag set).
    fn first_chosen(mut self) -> Field {
        if let Some(first) = self.choices.get(1) {
            self.value = first.value.clone();
        }
        self
    }

    fn narrowed_by(mut self, unit_field: &'static str) -> Field {
        self.narrowed_by = Some(unit_field);
        self
    }

    fn chosen(mut self, value: Option<&str>) -> Field {
        self.value = value.unwrap_or_default().to_owned();
        self
    }
}

fn choices(pairs: &[(&str, &str)]) -> Vec<Choice> {
    pairs
        .iter()
        .map(|(value, label)| Choice { value: (*value).to_owned(), label: (*label).to_owned(), ..Default::default() })
        .collect()
}

fn ratings() -> Vec<Choice> {
    choices(&[("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意")])
}

/// One action's form on the case page.
pub(super) struct ActionForm {
    /// The action's path segment: the form posts to `/cases/{id}/act/{segment}`.
    pub segment: &'static str,
    /// What the folded section is called; empty for a one-button form shown as it is.
    pub title: &'static str,
    pub button: &'static str,
    pub fields: Vec<Field>,
    /// Asked before a step that cannot be undone.
    pub confirm: Option<&'static str>,
    /// Unfolded when the page opens: the step the case is waiting for.
    pub open: bool,
    /// Not a step of the case's handling but beside it (flags, the accused, hand-off, reports,
    /// liaison, the owning leader): listed after the steps, under “其他操作”.
    pub secondary: bool,
}

impl ActionForm {
    /// The form again as it was sent and refused: open, with what was typed in each field and each
    /// field's own reason under it, so that nothing typed is lost (issue 17).
    pub(super) fn refill(
        &mut self,
        typed: &std::collections::HashMap<String, String>,
        errors: &[huiyin_core::FieldError],
    ) {
        self.open = true;
        for field in &mut self.fields {
            match field.kind {
                // A box sent is a box ticked; one not sent was not ticked.
                "checkbox" => field.checked = typed.contains_key(field.name),
                _ => field.value = typed.get(field.name).cloned().unwrap_or_default(),
            }
            field.error = errors
                .iter()
                .find(|e| e.field == field.name)
                .map(|e| e.message_labelled(huiyin_core::Lang::Zh, &field.label));
        }
    }
}

/// What the forms need to know of the case besides the pickers.
pub(super) struct FormContext<'a> {
    pub pickers: &'a Pickers,
    /// The case's flags, which may be taken off.
    pub flags: Vec<Flag>,
    /// The most days the handling limit may be extended by (GEN-4).
    pub extension_max: u32,
    /// The accused as recorded: name, unit code, staff login (GEN-7).
    pub accused: (Option<String>, Option<String>, Option<String>),
    /// The case waits for its handling opinion.
    pub opinion_due: bool,
    /// The decisions of a community's bodies the case was referred to, as a reply cites them
    /// (DEM ¶4): the opinion's 依据 starts with them.
    pub citations: Vec<String>,
}

/// The flags staff may set.
const SETTABLE_FLAGS: [Flag; 9] = [
    Flag::Urgent,
    Flag::MajorUrgent,
    Flag::Abnormal,
    Flag::Repeat,
    Flag::Collective,
    Flag::Joint,
    Flag::SkipLevel,
    Flag::FinalMatter,
    // SCH-1: an outsider found in a letter or an online petition, then guided elsewhere.
    Flag::OutsidePetitioners,
];

/// The form of one action.
pub(super) fn action_form(kind: CaseActionKind, cx: &FormContext<'_>) -> ActionForm {
    use CaseActionKind as K;
    let p = cx.pickers;
    let form = |title, button, fields, confirm| ActionForm {
        segment: kind.segment(),
        title,
        button,
        fields,
        confirm,
        open: false,
        secondary: matches!(
            kind,
            K::SetAccused
                | K::Flag
                | K::ClearFlag
                | K::HandOff
                | K::ReportUp
                | K::Liaison
                | K::AssignLeader
                | K::Recuse
        ),
    };
    match kind {
        K::SetAccused => {
            let (name, unit, user) = &cx.accused;
            form(
                "更正被反映对象(检举、控告的人或单位)",
                "更正",
                vec![
                    Field::text("name", "被反映人或单位").optional().chosen(name.as_deref()),
                    Field::select("unit", "被检举、控告的单位", &p.accusable_units, Some("无 / 不涉及本系统内的单位"))
                        .chosen(unit.as_deref()),
                    Field::select(
                        "user",
                        "被检举、控告的工作人员",
                        &p.accusable_staff,
                        Some("无 / 不是本系统的工作人员"),
                    )
                    .chosen(user.as_deref()),
                    Field::text("reason", "更正理由"),
                ],
                Some(
                    "更正后,被检举、控告的单位及其内设机构、被检举、控告的工作人员将看不到本件,也不能再经手本件。确定更正吗?",
                ),
            )
        }
        K::Accept => {
            form("", "受理(出具受理告知书)", Vec::new(), Some("受理后将出具受理告知书,办理期限开始计算。确定受理吗?"))
        }
        K::Extend => {
            let mut days = Field::new("days", &format!("延长天数(最多 {} 天)", cx.extension_max), "number", true);
            days.max = cx.extension_max;
            form(
                "延长办理期限(只能延长一次)",
                "延长办理期限",
                vec![days, Field::text("reason", "延期理由(将告知信访人)")],
                Some("办理期限只能延长一次,延期告知书将发给信访人。确定延长吗?"),
            )
        }
        K::Answer => form(
            "当场答复并办结(求助、咨询法律政策问题)",
            "答复并办结",
            vec![
                Field::textarea("answer", "答复内容(注明依据的政策法规)"),
                Field::articles(&p.articles, "答复所依据的条文(可多选,FED-9)"),
            ],
            Some("答复后本件即办结。确定答复并办结吗?"),
        ),
        K::Assign => form(
            "交办(本单位职责范围内)",
            "交办",
            vec![
                Field::select("unit", "承办单位", &p.units_in_scope, None),
                Field::select("owner", "承办人", &p.staff_in_scope, Some("不指定,由承办单位确定"))
                    .narrowed_by("unit")
                    .hint("列出所选承办单位及其下属单位的工作人员"),
            ],
            Some("交办后本件由所选单位办理。确定交办吗?"),
        ),
        K::Transfer => form(
            "转办(按属地转有权处理的单位)",
            "转办",
            vec![Field::select("unit", "转往单位", &p.units_any, None)],
            Some("转办后本件由所选单位办理。确定转办吗?"),
        ),
        K::Reject => form(
            "不予受理",
            "不予受理",
            vec![Field::text("reason", "理由"), Field::text("channel", "告知途径(如向法院起诉、申请仲裁或行政复议)")],
            Some("不予受理告知书将发给信访人。确定不予受理吗?"),
        ),
        K::RegisterOnly => form(
            "作登记处理(内容不清且无法联系)",
            "作登记处理",
            vec![Field::text("reason", "理由")],
            Some("作登记处理后本件不再办理。确定吗?"),
        ),
        K::Escalate => form(
            "上交上级",
            "上交",
            vec![Field::text("reason", "理由"), Field::select("unit", "上级单位", &p.units_above, None).first_chosen()],
            Some("上交后本件由上级单位重新分办,本单位不能再处理。确定上交吗?"),
        ),
        K::Object => form(
            "提出异议(不属本单位职责,5 个工作日内)",
            "退回",
            vec![Field::text("reason", "理由")],
            Some("本件将退回交办单位。确定退回吗?"),
        ),
        K::Investigation => {
            form("记录调查笔录", "记录", vec![Field::textarea("text", "调查情况(时间、地点、对象、核实的事实)")], None)
        }
        K::Hearing => {
            let participants = Field::text("participants", "参加人员").hint("用逗号或顿号分隔,如:王秀英、李明");
            form(
                "记录听证(复杂、影响较大的信访事项)",
                "记录听证",
                vec![
                    Field::new("held_from", "开始日期", "date", true),
                    Field::new("held_to", "结束日期", "date", true),
                    participants,
                    Field::textarea("opinions", "各方意见"),
                    Field::textarea("conclusion", "听证结论"),
                ],
                None,
            )
        }
        K::Opinion => {
            let outcomes = choices(&[("support", "支持"), ("explain", "解释说明"), ("reject", "不予支持")]);
            let mut f = form(
                "拟定信访处理意见书",
                "提交审批",
                vec![
                    Field::select("outcome", "处理结果", &outcomes, None),
                    Field::textarea("facts", "查明的事实和理由"),
                    Field::textarea("basis", "依据"),
                    Field::textarea("text", "处理意见"),
                    Field::articles(&p.articles, "所依据的法律法规条文(可多选,处理意见书附条文原文)"),
                ],
                None,
            );
            f.open = cx.opinion_due;
            if let Some(basis) = f.fields.iter_mut().find(|x| x.name == "basis")
                && !cx.citations.is_empty()
            {
                basis.value = cx.citations.join("\n");
            }
            f
        }
        K::Take => {
            form("", "领取(由我作为首问责任人)", Vec::new(), Some("领取后您将作为本件的首问责任人办理。确定领取吗?"))
        }
        K::Approve => form("", "审批同意", Vec::new(), Some("您已阅读上方处理意见书全文,同意出具吗?")),
        K::ReturnOpinion => form(
            "退回修改(写明修改意见,拟稿人将收到通知)",
            "退回修改",
            vec![Field::textarea("comment", "修改意见")],
            Some("退回后已有的审批作废,由拟稿人修改后重新提交。确定退回吗?"),
        ),
        K::Reply => form("", "答复信访人", Vec::new(), Some("处理意见书将发给信访人。确定答复吗?")),
        K::Rate => form(
            "记录满意度评价",
            "记录",
            vec![
                Field::select("office", "对信访部门", &ratings(), None),
                Field::select("unit", "对承办单位", &ratings(), None),
                Field::text("reason", "理由(不满意时必填)").optional(),
            ],
            None,
        ),
        K::ReportBack => {
            let mut f =
                form("向批转单位反馈办理结果", "反馈", vec![Field::textarea("summary", "办理结果(如实反馈)")], None);
            f.open = true;
            f
        }
        K::ReturnVisit => {
            let methods = choices(&[("phone", "电话回访"), ("in_person", "上门回访")]);
            let mut reopen = Field::new("reopen", "不满意,重新办理", "checkbox", false);
            reopen.value = "true".into();
            form(
                "回访(答复后由两委干部电话或上门回访)",
                "记录回访",
                vec![
                    Field::select("method", "方式", &methods, None),
                    Field::textarea("outcome", "回访情况"),
                    Field::select("rating", "信访人评价", &ratings(), None),
                    reopen,
                ],
                None,
            )
        }
        K::ReviewRequest => form(
            "申请复查/复核(信访人不服处理意见)",
            "提交上级",
            vec![Field::text("reason", "理由")],
            Some("本件将提交上级复查/复核。确定吗?"),
        ),
        K::Close => form("", "办结", Vec::new(), Some("办结后不能再办理本件。确定办结吗?")),
        K::Instruct => form("领导批示", "批示", vec![Field::textarea("text", "批示内容")], None),
        K::Recuse => form(
            "回避(与本件有直接利害关系)",
            "回避",
            vec![
                Field::select("user", "回避人员", &p.recusable, None),
                Field::text("reason", "回避事由").hint("如:与信访人系近亲属、与本件有利害关系"),
            ],
            Some("回避后,回避人员将不能再查看、经手或办理本件,且不能撤回。确定吗?"),
        ),
        K::AssignLeader => {
            form("确定包案领导", "确定", vec![Field::select("leader", "包案领导", &p.leaders, None)], None)
        }
        K::Liaison => form(
            "记录联系公检法司(重大案件)",
            "记录",
            vec![Field::select("agency", "单位", &choices(&AGENCIES), None), Field::text("summary", "情况")],
            None,
        ),
        K::Flag => {
            let flags: Vec<Choice> = SETTABLE_FLAGS
                .iter()
                .map(|f| Choice { value: f.code().to_owned(), label: f.label_zh().to_owned(), ..Default::default() })
                .collect();
            form(
                "添加研判提示",
                "添加",
                vec![
                    Field::select("flag", "提示", &flags, None),
                    Field::text("related", "关联件编号").optional().hint("多个用空格或逗号分隔"),
                    Field::text("reason", "理由"),
                ],
                None,
            )
        }
        K::ClearFlag => {
            let flags: Vec<Choice> = cx
                .flags
                .iter()
                .map(|f| Choice { value: f.code().to_owned(), label: f.label_zh().to_owned(), ..Default::default() })
                .collect();
            form(
                "撤销研判提示",
                "撤销",
                vec![
                    // Chosen beforehand only when it is the one flag set.
                    if flags.len() == 1 {
                        Field::select("flag", "撤销哪一项提示", &flags, None).first_chosen()
                    } else {
                        Field::select("flag", "撤销哪一项提示", &flags, None)
                    },
                    Field::text("reason", "撤销理由"),
                ],
                None,
            )
        }
        K::HandOff => form(
            "移交(当场不能解决的,交相关人员或单位办理)",
            "移交",
            vec![
                Field::select("to_user", "移交给", &p.staff_in_scope, Some("不指定人员")),
                Field::select("to_unit", "或移交单位", &p.units_in_scope, Some("不指定单位(随所选人员)")),
                Field::text("reason", "理由"),
            ],
            Some("确定移交吗?"),
        ),
        K::ReportUp => form(
            "上报(重大、突出问题报上级)",
            "上报",
            vec![
                Field::select("to_unit", "上级单位", &p.units_above_registering, None).first_chosen(),
                Field::text("summary", "上报内容"),
            ],
            None,
        ),
    }
}
