//! Staff accounts and what each role may do.

use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid};

/// A staff member's role (INTERFACE.md `user add --role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: units, users, categories, settings.
    Admin,
    /// 接访员 / 信访员: registers letters, visits and calls (FED-2).
    Officer,
    /// 接待领导 / 包案领导.
    Leader,
    /// 承办人: handles cases assigned to the unit.
    Handler,
    /// 信访办 / 维权办: sorts and supervises.
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Officer, Role::Leader, Role::Handler, Role::Supervisor];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Leader => "leader",
            Role::Handler => "handler",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Officer => "接访员",
            Role::Leader => "领导",
            Role::Handler => "承办人",
            Role::Supervisor => "信访办",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Role, FieldError> {
        let raw = raw.trim();
        Role::ALL.into_iter().find(|r| r.code() == raw).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: Role::ALL.map(Role::code).join(", ") })
        })
    }

    /// Whether this role receives petitions and registers them. Handlers work on assigned cases only.
    pub fn can_register(self) -> bool {
        !matches!(self, Role::Handler)
    }

    /// Whether this role takes petitioners in at the counter or from the online queue (领取, FED-1),
    /// and so may read a petitioner's details in full to register them: an officer, leader or
    /// supervisor. An administrator may register but takes no one in; a handler works on assigned
    /// cases only.
    pub fn takes_petitions_in(self) -> bool {
        self.can_register() && self != Role::Admin
    }

    /// Whether this role manages units, users and settings.
    pub fn can_administer(self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// The account that registers online petitions (GEN-1) as their first receiver: it has no password
/// and cannot sign in, and its name begins with a character no login name may begin with.
pub const ONLINE_INTAKE_USERNAME: &str = "_online";
/// How the online intake account is shown in a case's log.
pub const ONLINE_INTAKE_DISPLAY_NAME: &str = "网上信访平台";
/// The account the command line acts as: an administrator of the whole tree, without a password,
/// so that a change made there passes the same checks as one made in the API.
pub const OPERATOR_USERNAME: &str = "_operator";
/// How the command line's account is shown.
pub const OPERATOR_DISPLAY_NAME: &str = "系统运维(命令行)";

/// Whether a login name is a system account's (the online intake, the operator): it begins with a
/// character no person's login may begin with, and it is nobody's to pick, administer or act as.
pub fn is_system_account(username: &str) -> bool {
    username.starts_with('_')
}

/// A login name: 2–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(field: &str, raw: &str) -> Result<Username, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = (2..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if ok { Ok(Username(s)) } else { Err(FieldError::new(field, Invalid::UsernameFormat)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new staff account as typed. Its password, if any, is checked with [`check_new_password`] and
/// hashed by the application.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountDraft {
    /// The login name: 2–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
    pub username: Option<String>,
    /// The code of the person's unit.
    pub unit: Option<String>,
    /// `admin`, `officer`, `leader`, `handler` or `supervisor`.
    pub role: Option<String>,
    /// The person's name as shown on records; the login name when blank.
    pub display_name: Option<String>,
    /// 职务 (FED-4), shown after the name: “王秀英（接访员）”; the role's name when blank.
    pub title: Option<String>,
    /// 工作证号 (FED-4, SCH-9), printed with the name on every registration record the person takes.
    pub credential: Option<String>,
    /// 职级: 副科级 (a reception-day leader is of deputy-section level or above, TWN-7).
    pub rank: Option<String>,
    /// A telephone number colleagues reach the person at: digits, spaces, `+ - ( )` and 转.
    pub phone: Option<String>,
    /// An e-mail address the person's notices are also sent to (when the server has a mail server).
    pub email: Option<String>,
    /// Whether the person may record actions that happened earlier (补录 from the paper book).
    #[serde(default)]
    pub may_backdate: bool,
}

/// A new staff account, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFields {
    pub username: Username,
    pub unit: crate::unit::UnitCode,
    pub role: Role,
    pub display_name: String,
    pub title: Option<String>,
    pub credential: Option<String>,
    pub rank: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub may_backdate: bool,
}

impl AccountDraft {
    pub fn parse(&self) -> Result<AccountFields, crate::ValidationErrors> {
        use crate::text::{limits, optional};
        let mut errors = Vec::new();
        let username =
            Username::parse("username", self.username.as_deref().unwrap_or_default()).map_err(|e| errors.push(e)).ok();
        let unit = crate::unit::UnitCode::parse("unit", self.unit.as_deref().unwrap_or_default())
            .map_err(|e| errors.push(e))
            .ok();
        let role = Role::parse("role", self.role.as_deref().unwrap_or_default()).map_err(|e| errors.push(e)).ok();
        let display_name =
            optional("display_name", self.display_name.as_deref(), limits::NAME).map_err(|e| errors.push(e)).ok();
        let title = one_line("title", self.title.as_deref(), limits::TITLE).map_err(|e| errors.push(e)).ok();
        let credential =
            one_line("credential", self.credential.as_deref(), CREDENTIAL_CHARS).map_err(|e| errors.push(e)).ok();
        let rank = one_line("rank", self.rank.as_deref(), limits::TITLE).map_err(|e| errors.push(e)).ok();
        let phone = staff_phone("phone", self.phone.as_deref()).map_err(|e| errors.push(e)).ok();
        let email = staff_email("email", self.email.as_deref()).map_err(|e| errors.push(e)).ok();
        match (username, unit, role, display_name, title, credential, rank, phone, email) {
            (
                Some(username),
                Some(unit),
                Some(role),
                Some(display_name),
                Some(title),
                Some(credential),
                Some(rank),
                Some(phone),
                Some(email),
            ) => Ok(AccountFields {
                display_name: display_name.unwrap_or_else(|| username.as_str().to_owned()),
                title,
                credential,
                rank,
                phone,
                email,
                username,
                unit,
                role,
                may_backdate: self.may_backdate,
            }),
            _ => Err(crate::ValidationErrors::from_vec(errors)
                .unwrap_or_else(|| FieldError::new("username", Invalid::Required).into())),
        }
    }
}

/// A staff member's card as typed (亮证服务, FED-4): the name, title and credential number shown on
/// records. The name is required; a blank title shows the role's name.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffCardDraft {
    /// The person's real name: 王秀英.
    pub display_name: Option<String>,
    /// 职务: 接访员.
    pub title: Option<String>,
    /// 工作证号: XS-001.
    pub credential: Option<String>,
    /// 职级: 副科级.
    pub rank: Option<String>,
    /// A telephone number: 0571-8888 1234 转 801.
    pub phone: Option<String>,
    /// An e-mail address: wang@example.gov.cn.
    pub email: Option<String>,
}

/// A staff card, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCardFields {
    pub display_name: String,
    pub title: Option<String>,
    pub credential: Option<String>,
    pub rank: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl StaffCardDraft {
    pub fn parse(&self) -> Result<StaffCardFields, crate::ValidationErrors> {
        use crate::text::limits;
        let mut errors = Vec::new();
        let display_name = one_line("display_name", self.display_name.as_deref(), limits::NAME)
            .and_then(|name| name.ok_or_else(|| FieldError::new("display_name", Invalid::Required)))
            .map_err(|e| errors.push(e))
            .ok();
        let title = one_line("title", self.title.as_deref(), limits::TITLE).map_err(|e| errors.push(e)).ok();
        let credential =
            one_line("credential", self.credential.as_deref(), CREDENTIAL_CHARS).map_err(|e| errors.push(e)).ok();
        let rank = one_line("rank", self.rank.as_deref(), limits::TITLE).map_err(|e| errors.push(e)).ok();
        let phone = staff_phone("phone", self.phone.as_deref()).map_err(|e| errors.push(e)).ok();
        let email = staff_email("email", self.email.as_deref()).map_err(|e| errors.push(e)).ok();
        match (display_name, title, credential, rank, phone, email) {
            (Some(display_name), Some(title), Some(credential), Some(rank), Some(phone), Some(email)) => {
                Ok(StaffCardFields { display_name, title, credential, rank, phone, email })
            }
            _ => Err(crate::ValidationErrors::from_vec(errors)
                .unwrap_or_else(|| FieldError::new("display_name", Invalid::Required).into())),
        }
    }
}

/// The longest credential number (工作证号).
pub const CREDENTIAL_CHARS: usize = 32;

/// A one-line text of a staff card (title, credential): as [`crate::text::optional`], and no line
/// break or tab, which would break the line it is printed on.
fn one_line(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    let text = crate::text::optional(field, value, max)?;
    if text.as_deref().is_some_and(|t| t.contains(['\n', '\r', '\t'])) {
        return Err(FieldError::new(field, Invalid::ControlCharacter));
    }
    Ok(text)
}

/// What an API token may do (issue 18), within what its holder's role may: `read` only reads
/// (`GET`); `register` also registers cases (`POST /api/v1/cases`, Open311 `POST requests`: a
/// hotline's or a partner system's key); `full` acts as the holder in everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenScope {
    Read,
    Register,
    Full,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::Register, TokenScope::Full];

    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Register => "register",
            TokenScope::Full => "full",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TokenScope::Read => "只读",
            TokenScope::Register => "登记",
            TokenScope::Full => "全部",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<TokenScope, FieldError> {
        TokenScope::ALL
            .into_iter()
            .find(|s| s.code() == raw.trim())
            .ok_or_else(|| FieldError::new(field, Invalid::NotAChoice { allowed: "read, register, full".into() }))
    }

    /// Whether a request may go ahead under this scope: `reads` when it only reads (`GET`, `HEAD`),
    /// `registers` when it registers a case.
    pub fn permits(self, reads: bool, registers: bool) -> bool {
        match self {
            TokenScope::Read => reads,
            TokenScope::Register => reads || registers,
            TokenScope::Full => true,
        }
    }
}

/// A new API token as asked for: a name saying what it is for, a scope, and how many days it lasts
/// (none: until revoked).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenDraft {
    /// What the token is for: 12345 热线对接.
    pub name: Option<String>,
    /// `read`, `register` or `full`.
    pub scope: Option<String>,
    /// Days until it stops working, 1–3650; absent: until revoked.
    pub expires_in_days: Option<u32>,
}

/// A token asked for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFields {
    pub name: String,
    pub scope: TokenScope,
    pub expires_in_days: Option<u32>,
}

/// The longest a token lasts when it has an expiry: ten years.
pub const MAX_TOKEN_DAYS: u32 = 3650;

impl TokenDraft {
    pub fn parse(&self) -> Result<TokenFields, crate::ValidationErrors> {
        let mut errors = Vec::new();
        let name = one_line("name", self.name.as_deref(), crate::text::limits::TITLE)
            .and_then(|n| n.ok_or_else(|| FieldError::new("name", Invalid::Required)))
            .map_err(|e| errors.push(e))
            .ok();
        let scope =
            TokenScope::parse("scope", self.scope.as_deref().unwrap_or_default()).map_err(|e| errors.push(e)).ok();
        if self.expires_in_days.is_some_and(|d| !(1..=MAX_TOKEN_DAYS).contains(&d)) {
            errors.push(FieldError::new(
                "expires_in_days",
                Invalid::OutOfRange { min: 1, max: i64::from(MAX_TOKEN_DAYS) },
            ));
        }
        match (name, scope) {
            (Some(name), Some(scope)) if errors.is_empty() => {
                Ok(TokenFields { name, scope, expires_in_days: self.expires_in_days })
            }
            _ => Err(crate::ValidationErrors::from_vec(errors)
                .unwrap_or_else(|| FieldError::new("name", Invalid::Required).into())),
        }
    }
}

/// The longest staff telephone number, extension included.
pub const PHONE_CHARS: usize = 32;

/// A staff member's telephone number, optional: digits with the separators people write (spaces,
/// `+ - ( )`, 转 before an extension), and at least five digits.
fn staff_phone(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(phone) = one_line(field, value, PHONE_CHARS)? else { return Ok(None) };
    let allowed = |c: char| c.is_ascii_digit() || " +-()转".contains(c);
    if !phone.chars().all(allowed) || phone.chars().filter(char::is_ascii_digit).count() < 5 {
        return Err(FieldError::new(field, Invalid::PhoneFormat));
    }
    Ok(Some(phone))
}

/// The longest e-mail address (RFC 5321's path limit).
pub const EMAIL_CHARS: usize = 254;

/// A staff member's e-mail address, optional: `name@domain` in ASCII, the domain with a dot, no
/// spaces or angle brackets (which could add a recipient to a mail's header).
fn staff_email(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(email) = one_line(field, value, EMAIL_CHARS)? else { return Ok(None) };
    let bad = || FieldError::new(field, Invalid::EmailFormat);
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b));
    let domain_ok = domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !local_ok || !domain_ok {
        return Err(bad());
    }
    Ok(Some(email))
}

/// Where a staff member works and what they do, as an administrator changes it: both are optional,
/// and what is left out stays.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlacementDraft {
    /// The code of the person's new unit.
    pub unit: Option<String>,
    /// Their new role: `admin`, `officer`, `leader`, `handler` or `supervisor`.
    pub role: Option<String>,
}

/// A placement, checked: what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementFields {
    pub unit: Option<crate::unit::UnitCode>,
    pub role: Option<Role>,
}

impl PlacementDraft {
    pub fn parse(&self) -> Result<PlacementFields, crate::ValidationErrors> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let mut errors = Vec::new();
        let unit =
            given(&self.unit).and_then(|u| crate::unit::UnitCode::parse("unit", &u).map_err(|e| errors.push(e)).ok());
        let role = given(&self.role).and_then(|r| Role::parse("role", &r).map_err(|e| errors.push(e)).ok());
        if let Some(errors) = crate::ValidationErrors::from_vec(errors) {
            return Err(errors);
        }
        if unit.is_none() && role.is_none() {
            return Err(FieldError::new("role", Invalid::Required).into());
        }
        Ok(PlacementFields { unit, role })
    }
}

/// The shortest password accepted for a staff account.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The longest: enough for any phrase, and a bound on the guessability check's work.
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Checks a new password: long enough, and not guessable — zxcvbn, which knows common passwords,
/// names, keyboard runs, dates and repeats, must rate it 3 of 4 or better (about 10⁸ guesses and
/// more). `password12` and `1234567890` are refused; a phrase or a mix of words and digits passes.
/// The hash is the shell's business.
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(field, Invalid::PasswordTooShort { min: MIN_PASSWORD_CHARS }));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(FieldError::new(field, Invalid::TooLong { max: MAX_PASSWORD_CHARS }));
    }
    if zxcvbn::zxcvbn(password, &[]).score() < zxcvbn::Score::Three {
        return Err(FieldError::new(field, Invalid::PasswordGuessable));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_draft_is_checked_field_by_field() {
        let draft = AccountDraft {
            username: Some(" Wang ".into()),
            unit: Some("xs".into()),
            role: Some("officer".into()),
            ..Default::default()
        };
        let fields = draft.parse().unwrap();
        assert_eq!((fields.username.as_str(), fields.unit.as_str(), fields.role), ("wang", "XS", Role::Officer));
        assert_eq!(fields.display_name, "wang");
        assert_eq!((fields.title, fields.credential), (None, None));
        let bad = AccountDraft {
            username: Some("_operator".into()),
            role: Some("boss".into()),
            display_name: Some("王\u{0}".into()),
            title: Some("接访员\n主任".into()),
            credential: Some("X".repeat(CREDENTIAL_CHARS + 1)),
            ..Default::default()
        };
        let fields: Vec<String> = bad.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["username", "unit", "role", "display_name", "title", "credential"]);
    }

    #[test]
    fn fed_4_a_staff_card_holds_name_title_and_credential() {
        let draft = AccountDraft {
            username: Some("wang".into()),
            unit: Some("XS".into()),
            role: Some("officer".into()),
            display_name: Some("王秀英".into()),
            title: Some(" 接访员 ".into()),
            credential: Some("XS-001".into()),
            ..Default::default()
        };
        let fields = draft.parse().unwrap();
        assert_eq!(
            (fields.display_name.as_str(), fields.title.as_deref(), fields.credential.as_deref()),
            ("王秀英", Some("接访员"), Some("XS-001"))
        );
        let card =
            StaffCardDraft { display_name: Some(" ".into()), credential: Some("XS\t1".into()), ..Default::default() };
        let fields: Vec<String> = card.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["display_name", "credential"]);
        let card = StaffCardDraft { display_name: Some("王秀英".into()), ..Default::default() };
        assert_eq!(card.parse().unwrap().title, None);
    }

    #[test]
    fn twn_7_a_staff_card_holds_rank_and_telephone() {
        let card = StaffCardDraft {
            display_name: Some("李明".into()),
            rank: Some(" 副科级 ".into()),
            phone: Some("0571-8888 1234 转 801".into()),
            ..Default::default()
        };
        let fields = card.parse().unwrap();
        assert_eq!((fields.rank.as_deref(), fields.phone.as_deref()), (Some("副科级"), Some("0571-8888 1234 转 801")));
        let fields = StaffCardDraft {
            display_name: Some("李明".into()),
            email: Some(" li.ming@xf.example.gov.cn ".into()),
            ..Default::default()
        }
        .parse()
        .expect("an address");
        assert_eq!(fields.email.as_deref(), Some("li.ming@xf.example.gov.cn"));
        for bad in [
            "li.ming",
            "li@ming",
            "@example.org",
            "a b@example.org",
            "a@example.org>, c@d.org",
            "李@example.org",
            "a@-x.org",
        ] {
            let draft =
                StaffCardDraft { display_name: Some("李明".into()), email: Some(bad.into()), ..Default::default() };
            let fields: Vec<String> = draft.parse().expect_err(bad).iter().map(|e| e.field.clone()).collect();
            assert_eq!(fields, ["email"], "{bad}");
        }
        for bad in ["call me", "123", "138\u{0}0000", "1380013800😀", &"1".repeat(PHONE_CHARS + 1)] {
            let card =
                StaffCardDraft { display_name: Some("李明".into()), phone: Some(bad.into()), ..Default::default() };
            let fields: Vec<String> = card.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
            assert_eq!(fields, ["phone"], "{bad}");
        }
    }

    #[test]
    fn fed_2_a_placement_changes_unit_or_role_or_both() {
        let only_role = PlacementDraft { role: Some("handler".into()), unit: Some(" ".into()) };
        assert_eq!(only_role.parse().unwrap(), PlacementFields { unit: None, role: Some(Role::Handler) });
        let both = PlacementDraft { role: Some("leader".into()), unit: Some("xs".into()) }.parse().unwrap();
        assert_eq!((both.unit.map(|u| u.as_str().to_owned()), both.role), (Some("XS".into()), Some(Role::Leader)));
        let nothing = PlacementDraft::default().parse().unwrap_err();
        assert_eq!(nothing.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["role"]);
        let bad = PlacementDraft { role: Some("boss".into()), unit: Some("?".into()) }.parse().unwrap_err();
        assert_eq!(bad.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["unit", "role"]);
    }

    #[test]
    fn a_token_scope_narrows_what_its_holder_may_do() {
        use TokenScope::*;
        assert!(Read.permits(true, false) && !Read.permits(false, true) && !Read.permits(false, false));
        assert!(Register.permits(true, false) && Register.permits(false, true) && !Register.permits(false, false));
        assert!(Full.permits(false, false));
        let draft =
            TokenDraft {
                name: Some(" 热线对接 ".into()), scope: Some("register".into()), expires_in_days: Some(365)
            };
        assert_eq!(
            draft.parse().unwrap(),
            TokenFields { name: "热线对接".into(), scope: Register, expires_in_days: Some(365) }
        );
        let bad = TokenDraft { name: Some("a\nb".into()), scope: Some("root".into()), expires_in_days: Some(0) };
        let fields: Vec<String> = bad.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["name", "scope", "expires_in_days"]);
        assert!(TokenDraft { scope: Some("read".into()), ..Default::default() }.parse().is_err(), "a name is needed");
    }

    #[test]
    fn common_passwords_are_refused() {
        for weak in ["password12", "1234567890", "qwertyuiop", "abcdefghij", "aaaaaaaaaaaa"] {
            assert_eq!(check_new_password("p", weak), Err(FieldError::new("p", Invalid::PasswordGuessable)), "{weak}");
        }
        for strong in ["西山社区2026年春季", "correct horse battery", "a long enough password"] {
            assert_eq!(check_new_password("p", strong), Ok(()), "{strong}");
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse("u", " ZhangSan ").map(|u| u.0), Ok("zhangsan".into()));
        assert!(Username::parse("u", "张三").is_err());
        assert!(Username::parse("u", "-x").is_err());
        assert!(Username::parse("u", "a").is_err());
    }

    #[test]
    fn fed_2_officers_register_and_handlers_do_not() {
        assert!(Role::Officer.can_register());
        assert!(!Role::Handler.can_register());
        assert!(Role::Admin.can_administer() && !Role::Leader.can_administer());
    }
}
