//! `huiyin user` and `huiyin token`: staff accounts, passwords, revocation and API tokens.

use clap::Subcommand;
use huiyin_app::context::{new_token, token_hash};
use huiyin_core::unit::UnitCode;
use huiyin_core::user::{Role, Username, check_new_password};
use huiyin_store::{NewUser, StoreError};

use super::*;

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
        /// Read the password from standard input (first line). Without it the account can use API
        /// tokens only.
        #[arg(long)]
        password_stdin: bool,
        /// Allow this person to record actions that happened earlier (补录 from the paper book,
        /// with an `at`).
        #[arg(long)]
        may_backdate: bool,
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
    /// Prints a new API token for the user on stdout, alone on the line.
    Create { username: String },
    /// Revokes one API token (given on standard input, so that it stays out of the shell's history),
    /// or with `--user` every token of that user.
    Revoke {
        /// Revoke every token of this user instead of the one read from standard input.
        #[arg(long)]
        user: Option<String>,
    },
}

/// Runs a `huiyin user` command.
pub(crate) async fn user(cli: &Cli, command: &UserCommand) -> Result<(), Failure> {
    match command {
        UserCommand::Add { username, unit, role, name, password_stdin, may_backdate } => {
            let username = Username::parse("username", username)?;
            let unit = UnitCode::parse("unit", unit)?;
            let role = Role::parse("role", role)?;
            let password_hash = if *password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                let password = line.trim_end_matches(['\r', '\n']).to_owned();
                check_new_password("password", &password)?;
                Some(huiyin_app::actor::hash_password(password).await?)
            } else {
                None
            };
            let store = open_store(&cli.database_url).await?;
            let display_name = name.clone().unwrap_or_else(|| username.as_str().to_owned());
            let user = store
                .add_user(&NewUser {
                    username: username.as_str().to_owned(),
                    display_name,
                    unit,
                    role,
                    password_hash,
                    may_backdate: *may_backdate,
                })
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => Failure("用户名已存在".into()),
                    StoreError::UnknownReference(_) => Failure("单位不存在".into()),
                    other => Failure(other.to_string()),
                })?;
            println!("已添加用户 {}({},{})", user.username, user.role.label_zh(), user.unit_code);
            Ok(())
        }
        UserCommand::Disable { username } | UserCommand::Enable { username } => {
            let active = matches!(&cli.command, Command::User { command: UserCommand::Enable { .. } });
            let store = open_store(&cli.database_url).await?;
            let user = existing_user(&*store, username).await?;
            store.set_user_active(user.id, active).await?;
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
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']).to_owned();
            check_new_password("password", &password)?;
            let store = open_store(&cli.database_url).await?;
            let user = existing_user(&*store, username).await?;
            store.set_password_hash(user.id, &huiyin_app::actor::hash_password(password).await?).await?;
            println!("已为 {}({})设置新密码,旧密码登录的会话已失效", user.username, user.display_name);
            Ok(())
        }
    }
}

/// Runs a `huiyin token` command.
pub(crate) async fn token(cli: &Cli, command: &TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Revoke { user } => {
            let store = open_store(&cli.database_url).await?;
            match user {
                Some(username) => {
                    let user = existing_user(&*store, username).await?;
                    let n = store.revoke_user_tokens(user.id).await?;
                    println!("已撤销 {} 的 {n} 个令牌", user.username);
                }
                None => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    if !store.revoke_api_token(&token_hash(line.trim())).await? {
                        return Err(Failure("没有这个令牌(可能已撤销)".into()));
                    }
                    println!("已撤销该令牌");
                }
            }
            Ok(())
        }
        TokenCommand::Create { username } => {
            let store = open_store(&cli.database_url).await?;
            let user = store
                .user_by_username(&username.trim().to_ascii_lowercase())
                .await?
                .ok_or_else(|| Failure(format!("用户 {username} 不存在")))?;
            let token = new_token("hy_")?;
            store.add_api_token(user.id, &token_hash(&token), chrono::Utc::now()).await?;
            println!("{token}");
            Ok(())
        }
    }
}
