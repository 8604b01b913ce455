//! `huiyin user` and `huiyin token`: staff accounts, passwords, revocation and API tokens, each
//! through `huiyin-app`'s `accounts` as the operator.

use clap::Subcommand;
use huiyin_app::accounts;
use huiyin_app::error::AppError;
use huiyin_core::user::AccountDraft;

use super::{Cli, Command, Failure, as_operator, as_operator_on, operator};

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// Adds a staff account.
    Add {
        username: String,
        #[arg(long)]
        unit: String,
        /// admin, officer, leader, handler, supervisor
        #[arg(long)]
        role: String,
        /// The person's name as shown on records (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// The person's title (职务), shown after the name: 王秀英（接访员）; default: the role's name.
        #[arg(long)]
        title: Option<String>,
        /// The person's credential number (工作证号), printed on the registration records they take (FED-4).
        #[arg(long)]
        credential: Option<String>,
        /// The person's rank (职级): 副科级.
        #[arg(long)]
        rank: Option<String>,
        /// A telephone number colleagues reach the person at (a mobile number also receives the
        /// person's notices by SMS).
        #[arg(long)]
        phone: Option<String>,
        /// An e-mail address the person's notices are also sent to.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (first line). Without it the account can use API
        /// tokens only.
        #[arg(long)]
        password_stdin: bool,
        /// Allow this person to record actions that happened earlier (补录 from the paper book,
        /// with an `at`).
        #[arg(long)]
        may_backdate: bool,
    },
    /// Sets how a staff member is named on records (FED-4): name, title (职务), rank (职级), credential
    /// number (工作证号), telephone and e-mail address (each left out is cleared). Only here may a name change: an online accusation finds the
    /// accused by it (GEN-7).
    Card {
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        credential: Option<String>,
        #[arg(long)]
        rank: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Prints a one-time link (72 hours) by which the person sets their password (a new account's
    /// first, a forgotten one's reset): the path to append to the server's address.
    Link { username: String },
    /// Lists the staff accounts, by unit and login name: name, title, credential number, role, and
    /// whether the account is disabled.
    List {
        /// Only this unit's staff and those of the units below it.
        #[arg(long)]
        unit: Option<String>,
        /// Only this role (admin, officer, leader, handler, supervisor).
        #[arg(long)]
        role: Option<String>,
        /// Only disabled accounts.
        #[arg(long)]
        disabled: bool,
        /// Only accounts that have never signed in.
        #[arg(long)]
        never_signed_in: bool,
    },
    /// Disables an account: its sessions and API tokens stop at once; its past work keeps its name.
    Disable { username: String },
    /// Enables a disabled account again.
    Enable { username: String },
    /// Sets a new password, read from standard input (first line); every session opened with the
    /// old one ends.
    Passwd {
        username: String,
        /// Read the password from standard input (required: a password never goes on the command line).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
    /// Prints a new API token for the user on stdout, alone on the line: by default `full`, unnamed
    /// and until revoked; with `--name`, a scope and an expiry.
    Create {
        username: String,
        /// What it is for: "12345 热线对接". Needed with --scope or --expires-days.
        #[arg(long)]
        name: Option<String>,
        /// read (only reads), register (also registers cases, Open311 keys) or full.
        #[arg(long)]
        scope: Option<String>,
        /// Days until it stops working (1–3650).
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// Lists a user's tokens: id, name, scope, made, expiry (never the secret).
    List { username: String },
    /// Revokes one API token (given on standard input, so that it stays out of the shell's history),
    /// or with `--user` every token of that user.
    Revoke {
        /// Revoke every token of this user instead of the one read from standard input.
        #[arg(long)]
        user: Option<String>,
    },
}

/// The first line of standard input, without its line ending.
fn read_line() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A refusal about the account `username`: one the operator cannot administer is "not there".
fn about(username: &str) -> impl Fn(AppError) -> Failure + '_ {
    move |e| match e {
        AppError::NotFound => Failure(format!("用户 {username} 不存在")),
        other => Failure(other.to_string()),
    }
}

/// Runs a `huiyin user` command.
pub(crate) async fn user(cli: &Cli, command: &UserCommand) -> Result<(), Failure> {
    match command {
        UserCommand::Add {
            username,
            unit,
            role,
            name,
            title,
            credential,
            rank,
            phone,
            email,
            password_stdin,
            may_backdate,
        } => {
            let password = if *password_stdin { Some(read_line()?) } else { None };
            let draft = AccountDraft {
                username: Some(username.clone()),
                unit: Some(unit.clone()),
                role: Some(role.clone()),
                display_name: name.clone(),
                title: title.clone(),
                credential: credential.clone(),
                rank: rank.clone(),
                phone: phone.clone(),
                email: email.clone(),
                may_backdate: *may_backdate,
            };
            // The form is checked before the database is opened; the unit named must exist.
            draft.parse()?;
            let (state, operator, _) = as_operator(cli, unit).await?;
            let user = accounts::add_account(&state, &operator, &draft, password.as_deref()).await?;
            println!(
                "已添加用户 {}:{},{},{}",
                user.username,
                accounts::name_title_credential(&user),
                user.role.label_zh(),
                user.unit_code
            );
            Ok(())
        }
        UserCommand::List { unit, role, disabled, never_signed_in } => {
            let (state, operator) = operator(cli).await?;
            let params = accounts::AccountListParams {
                unit: unit.clone(),
                role: role.clone(),
                active: disabled.then_some(false),
                never_signed_in: never_signed_in.then_some(true),
            };
            let users = accounts::list_accounts(&state, &operator, &params).await?;
            for accounts::AccountListing { user, last_sign_in } in &users {
                let signed_in = last_sign_in.map_or_else(
                    || "从未登录".to_owned(),
                    |t| t.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y-%m-%d %H:%M").to_string(),
                );
                println!(
                    "{:<16} {:<10} {:<24} {:<8} {:<16} {}{}",
                    user.username,
                    user.unit_code,
                    accounts::name_title_credential(user),
                    user.role.label_zh(),
                    signed_in,
                    if user.active { "" } else { "已停用" },
                    if user.password_hash.is_none() { "(未设密码)" } else { "" },
                );
            }
            println!("共 {} 人", users.len());
            Ok(())
        }
        UserCommand::Card { username, name, title, credential, rank, phone, email } => {
            let draft = huiyin_core::user::StaffCardDraft {
                display_name: Some(name.clone()),
                title: title.clone(),
                credential: credential.clone(),
                rank: rank.clone(),
                phone: phone.clone(),
                email: email.clone(),
            };
            draft.parse()?;
            let (state, operator) = as_operator_on(cli, username).await?;
            let user = accounts::set_card(&state, &operator, username, &draft).await.map_err(about(username))?;
            println!("已更新 {}:{}", user.username, accounts::name_title_credential(&user));
            Ok(())
        }
        UserCommand::Link { username } => {
            let (state, operator) = as_operator_on(cli, username).await?;
            let link = accounts::issue_password_link(&state, &operator, username).await.map_err(about(username))?;
            let expires = link.expires_at.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y-%m-%d %H:%M");
            eprintln!(
                "{}({})设置密码的一次性链接,{expires} 前有效,只能使用一次;请在服务器地址后加上:",
                link.user.username, link.user.display_name
            );
            println!("{}", link.path());
            Ok(())
        }
        UserCommand::Disable { username } | UserCommand::Enable { username } => {
            let active = matches!(&cli.command, Command::User { command: UserCommand::Enable { .. } });
            let (state, operator) = as_operator_on(cli, username).await?;
            let user = accounts::set_active(&state, &operator, username, active).await.map_err(about(username))?;
            println!(
                "{} {}({})",
                if active { "已启用用户" } else { "已停用用户,其会话和令牌即时失效:" },
                user.username,
                user.display_name
            );
            Ok(())
        }
        UserCommand::Passwd { username, password_stdin } => {
            if !*password_stdin {
                return Err(Failure("请用 --password-stdin 从标准输入提供新密码".into()));
            }
            let password = read_line()?;
            huiyin_core::user::check_new_password("password", &password)?;
            let (state, operator) = as_operator_on(cli, username).await?;
            let user =
                accounts::reset_password(&state, &operator, username, &password).await.map_err(about(username))?;
            println!("已为 {}({})设置新密码,旧密码登录的会话已失效", user.username, user.display_name);
            Ok(())
        }
    }
}

/// Runs a `huiyin token` command.
pub(crate) async fn token(cli: &Cli, command: &TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Revoke { user: Some(username) } => {
            let (state, operator) = as_operator_on(cli, username).await?;
            let n = accounts::revoke_tokens(&state, &operator, username).await.map_err(about(username))?;
            println!("已撤销 {username} 的 {n} 个令牌");
            Ok(())
        }
        TokenCommand::Revoke { user: None } => {
            let token = read_line()?;
            let (state, operator) = operator(cli).await?;
            if !accounts::revoke_token(&state, &operator, &token).await? {
                return Err(Failure("没有这个令牌(可能已撤销)".into()));
            }
            println!("已撤销该令牌");
            Ok(())
        }
        TokenCommand::Create { username, name, scope, expires_days } => {
            let asked =
                (name.is_some() || scope.is_some() || expires_days.is_some()).then(|| huiyin_core::user::TokenDraft {
                    name: name.clone(),
                    scope: Some(scope.clone().unwrap_or_else(|| "full".into())),
                    expires_in_days: *expires_days,
                });
            if let Some(draft) = &asked {
                draft.parse()?;
            }
            let (state, operator) = as_operator_on(cli, username).await?;
            let (_, token) =
                accounts::create_token(&state, &operator, username, asked.as_ref()).await.map_err(about(username))?;
            println!("{token}");
            Ok(())
        }
        TokenCommand::List { username } => {
            let (state, operator) = as_operator_on(cli, username).await?;
            let (_, tokens) =
                accounts::list_tokens(&state, &operator, Some(username)).await.map_err(about(username))?;
            let day = |t: chrono::DateTime<chrono::Utc>| {
                t.with_timezone(&huiyin_core::case::CHINA_OFFSET).format("%Y-%m-%d %H:%M").to_string()
            };
            for t in &tokens {
                println!(
                    "{:<6} {:<20} {:<6} {} {}",
                    t.id,
                    t.name.as_deref().unwrap_or("(未命名)"),
                    t.scope.label_zh(),
                    day(t.created_at),
                    t.expires_at.map_or_else(|| "长期有效".to_owned(), |e| format!("{} 到期", day(e))),
                );
            }
            println!("共 {} 个令牌", tokens.len());
            Ok(())
        }
    }
}
