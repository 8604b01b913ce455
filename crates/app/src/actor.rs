//! Who acts: a staff member with the units they may see and the accusations they are blind to
//! (GEN-7), and their passwords, hashed off the async threads.

use huiyin_core::unit::UnitCode;
use huiyin_core::user::{OPERATOR_DISPLAY_NAME, OPERATOR_USERNAME, Role};
use huiyin_store::{NewUser, StoreError, User};

use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// A signed-in staff member, the units they may see, and the accused units whose accusations they
/// never see (GEN-7).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    /// Ids of the user's unit and all units below it.
    pub scope: Vec<i64>,
    /// Whose accusations this user never sees ([`blindness_of`]).
    pub blind: huiyin_store::Blindness,
    /// The user's unit has none above it (a county, or a school on its own).
    pub at_top: bool,
}

impl Actor {
    pub async fn load(state: &AppState, user: User) -> Result<Actor, huiyin_store::StoreError> {
        let tree = crate::tree::unit_tree(state).await?;
        Actor::of(&*state.store, &tree, user).await
    }

    /// The actor `user` would be, read from the store and the unit tree (for the supervision run,
    /// which judges for each staff member what they may be told).
    pub(crate) async fn of(
        store: &dyn huiyin_store::Store,
        tree: &huiyin_core::informant::UnitTree,
        user: User,
    ) -> Result<Actor, huiyin_store::StoreError> {
        let scope = tree.subtree(user.unit_id);
        let blind = blindness_of(store, tree, &user).await?;
        let at_top = tree.get(user.unit_id).is_some_and(|u| u.parent.is_none());
        Ok(Actor { user, scope, blind, at_top })
    }

    /// Whether this is the server's command line ([`operator`]).
    pub fn is_operator(&self) -> bool {
        self.user.username == OPERATOR_USERNAME
    }

    /// Whether this actor administers what the whole installation shares — the content classes,
    /// the search dictionary, the holiday calendar: the operator, or an administrator of a unit
    /// with none above it. An administrator further down would change them for every unit.
    pub fn administers_installation(&self) -> bool {
        self.user.role.can_administer() && (self.is_operator() || self.at_top)
    }

    pub fn sees_unit(&self, unit_id: i64) -> bool {
        self.scope.contains(&unit_id)
    }

    /// Whether the case `case_id`, accusing this unit and this staff member (either may be none), is
    /// hidden from this actor (GEN-7): it accuses them, or they stand aside from it (回避).
    pub fn is_blind_to(&self, case_id: i64, accused_unit: Option<i64>, accused_user: Option<i64>) -> bool {
        self.blind.hides(case_id, accused_unit, accused_user)
    }
}

/// Whose accusations `user` never sees (GEN-7): their own unit and, for a department, the unit it
/// belongs to (`informant::UnitTree::blind_to`), themselves, and the cases they stand aside from
/// (回避). When an administrator's one-time link
/// set their password, also what that administrator is blind to: the administrator held the link
/// and could have used it to read, as this account, an accusation against their own unit or
/// themselves; and so on through the links that set the issuer's own password. A link of the
/// operator (the server's command line) carries no blindness. The one reading of blindness for
/// every reader and every notice.
pub async fn blindness_of(
    store: &dyn huiyin_store::Store,
    tree: &huiyin_core::informant::UnitTree,
    user: &User,
) -> Result<huiyin_store::Blindness, huiyin_store::StoreError> {
    let mut blind =
        huiyin_store::Blindness { units: tree.blind_to(user.unit_id), users: vec![user.id], cases: Vec::new() };
    // The issuer's own blindness too, link after link: an administrator who set up another
    // administrator by a link would otherwise pass on none of theirs through the next link.
    let mut next = user.link_issuer_id;
    while let Some(id) = next.filter(|id| !blind.users.contains(id)) {
        let Some(issuer) = store.user_by_id(id).await?.filter(|i| i.username != OPERATOR_USERNAME) else { break };
        for unit in tree.blind_to(issuer.unit_id) {
            if !blind.units.contains(&unit) {
                blind.units.push(unit);
            }
        }
        blind.users.push(issuer.id);
        next = issuer.link_issuer_id;
    }
    // 回避: the cases they stand aside from, and those the issuers of their links do, for the same
    // reason as the accusations above.
    blind.cases = store.recused_cases(&blind.users).await?;
    Ok(blind)
}

/// The command line as an actor: an administrator of the whole tree (the account `_operator`, made
/// on first use), so that every change made there goes through the same services, checks and
/// records as one made in the API. Before the first unit there is no tree to hold its account: the
/// operator is then an administrator of no unit (an account never stored, id 0), enough for what
/// the whole installation shares, such as the holiday calendar.
pub async fn operator(state: &AppState) -> AppResult<Actor> {
    match system_actor(state, OPERATOR_USERNAME, OPERATOR_DISPLAY_NAME, Role::Admin).await {
        Err(AppError::NotOpen) => Ok(Actor {
            user: User {
                id: 0,
                username: OPERATOR_USERNAME.into(),
                display_name: OPERATOR_DISPLAY_NAME.into(),
                unit_id: 0,
                unit_code: String::new(),
                role: Role::Admin,
                password_hash: None,
                active: true,
                may_backdate: false,
                title: None,
                credential: None,
                rank: None,
                phone: None,
                email: None,
                link_issuer_id: None,
                session_generation: 0,
            },
            scope: Vec::new(),
            blind: huiyin_store::Blindness::default(),
            at_top: false,
        }),
        other => other,
    }
}

/// A system account of the whole tree (its name begins with `_`, which no login may; it has no
/// password), made on first use at the top of the unit tree. It sees every unit and is blind to
/// nothing: the online intake files petitions and reads none, the operator administers units.
pub(crate) async fn system_actor(state: &AppState, username: &str, display_name: &str, role: Role) -> AppResult<Actor> {
    let units = state.store.units().await?;
    let user = match state.store.user_by_username(username).await? {
        Some(user) => user,
        None => {
            let top = units.iter().find(|u| u.parent_id.is_none()).ok_or(AppError::NotOpen)?;
            let account = NewUser {
                username: username.into(),
                display_name: display_name.into(),
                unit: UnitCode::parse("unit", &top.code)?,
                role,
                password_hash: None,
                may_backdate: false,
                title: None,
                credential: None,
                rank: None,
                phone: None,
                email: None,
            };
            match state.store.add_user(&account).await {
                Ok(user) => user,
                // Made a moment ago by another request.
                Err(StoreError::Duplicate(_)) => {
                    state.store.user_by_username(username).await?.ok_or(AppError::NotFound)?
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let scope = units.iter().map(|u| u.id).collect();
    Ok(Actor { user, scope, blind: huiyin_store::Blindness::default(), at_top: false })
}

/// Hashes a new password (argon2id, PHC string) off the async threads.
pub async fn hash_password(password: String) -> Result<String, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await
}

/// A hash of a random password, made once, that a login for an unknown account is checked against so
/// that it takes as long as one for a known account (no telling usernames apart by time).
pub async fn stand_in_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async {
        let random = crate::context::new_token("").unwrap_or_else(|_| "huiyin stand-in password".into());
        hash_password(random).await.unwrap_or_default()
    })
    .await
    .clone()
}

/// Checks a password against a stored hash off the async threads.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok()).await.unwrap_or(false)
}
