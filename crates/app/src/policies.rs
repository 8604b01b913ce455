//! 政策法规库 (FED-9): the laws, regulations and local policies staff answer by. Every staff member
//! reads and searches them (they are public texts); administrators, leaders and supervisors add
//! them, from the text as published; the 《信访工作条例》's articles on receiving and handling
//! petitions are shipped (`data/policies/`) and loaded once at start. An opinion or an on-the-spot
//! answer cites articles by picking them; the citation keeps the article's words as cited.

use chrono::Utc;
use huiyin_core::policy::{self, Article, Citation, PolicyDraft};
use huiyin_core::user::Role;
use huiyin_core::{FieldError, Invalid, ValidationErrors};
use huiyin_store::{PolicyArticle, PolicyRecord};

use crate::actor::Actor;
use crate::audit::{self, Target};
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// The policies shipped with huiyin: a key, and the draft as it reads from `data/policies/`; the
/// application state adds each once when it starts (`AppState::new`).
pub fn shipped() -> Vec<(&'static str, PolicyDraft)> {
    vec![(
        "xinfang-gongzuo-tiaoli-2022",
        PolicyDraft {
            title: Some("信访工作条例".into()),
            issuer: Some("中共中央、国务院".into()),
            issued_on: Some("2022-02-25".into()),
            source: Some("2022年2月25日中共中央、国务院发布,自2022年5月1日起施行;第三章、第四章".into()),
            text: Some(include_str!("../../../data/policies/xinfang-gongzuo-tiaoli.txt").into()),
        },
    )]
}

/// Who adds policies: administrators, leaders and supervisors.
fn may_add(actor: &Actor) -> bool {
    matches!(actor.user.role, Role::Admin | Role::Leader | Role::Supervisor)
}

/// Whether `actor` may add policies (for the page's form).
pub fn may_add_policies(actor: &Actor) -> bool {
    may_add(actor)
}

/// Every policy, the newest issued first (any staff member).
pub async fn list(state: &AppState, _actor: &Actor) -> AppResult<Vec<PolicyRecord>> {
    Ok(state.store.policies().await?)
}

/// A policy with its articles (any staff member).
pub async fn read(state: &AppState, _actor: &Actor, id: i64) -> AppResult<(PolicyRecord, Vec<Article>)> {
    state.store.policy(id).await?.ok_or(AppError::NotFound)
}

/// Adds a policy from its text (administrators, leaders, supervisors); its id. On the audit log.
pub async fn add(state: &AppState, actor: &Actor, draft: &PolicyDraft) -> AppResult<i64> {
    if !may_add(actor) {
        return Err(AppError::Forbidden);
    }
    let policy = draft.parse()?;
    let id = state.store.add_policy(&policy, None, Some(actor.user.unit_id), Some(actor.user.id), Utc::now()).await?;
    let after = serde_json::json!({ "id": id, "title": policy.title, "articles": policy.articles.len() });
    audit::record(state, actor, "policy.add", Target::installation(&policy.title), None, Some(after)).await;
    Ok(id)
}

/// Whether `actor` may withdraw `policy`: one who may add policies, for one added in their scope;
/// a shipped one only an administrator of the whole installation.
pub fn may_withdraw(actor: &Actor, policy: &PolicyRecord) -> bool {
    may_add(actor)
        && match policy.unit_id {
            Some(unit) => actor.sees_unit(unit),
            None => actor.administers_installation(),
        }
}

/// Withdraws a policy (废止, or added by mistake): it is no longer listed, searched or cited;
/// opinions that cited it keep its words. Refused (409) when withdrawn already. On the audit log.
pub async fn withdraw(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let (policy, _) = state.store.policy(id).await?.ok_or(AppError::NotFound)?;
    if !may_withdraw(actor, &policy) {
        return Err(AppError::Forbidden);
    }
    if !state.store.withdraw_policy(id, Utc::now()).await? {
        return Err(huiyin_store::StoreError::Conflict.into());
    }
    let before = serde_json::json!({ "id": id, "title": policy.title });
    audit::record(state, actor, "policy.withdraw", Target::installation(&policy.title), Some(before), None).await;
    Ok(())
}

/// One article found by a search, with the pieces of its text around the words matched.
#[derive(Debug, Clone)]
pub struct Hit {
    pub policy_id: i64,
    pub title: String,
    pub article: Article,
    pub fragments: Vec<huiyin_search::Fragment>,
}

/// How many articles a search answers at most.
pub const MAX_HITS: usize = 50;

/// The articles whose text (or policy title) holds every word of `q`, as the case search reads
/// words (the same segmenter), the most often matched first.
pub async fn search(state: &AppState, _actor: &Actor, q: &str) -> AppResult<Vec<Hit>> {
    let terms = state.segmenter().await.query_terms(q.trim());
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let lower: Vec<String> = terms.iter().map(|t| t.to_lowercase()).collect();
    let mut scored: Vec<(usize, PolicyArticle)> = state
        .store
        .policy_articles()
        .await?
        .into_iter()
        .filter_map(|a| {
            let text = format!("{} {} {}", a.title, a.article.label, a.article.text).to_lowercase();
            let counts: Vec<usize> = lower.iter().map(|t| text.matches(t.as_str()).count()).collect();
            counts.iter().all(|n| *n > 0).then(|| (counts.iter().sum(), a))
        })
        .collect();
    scored.sort_by(|(x, a), (y, b)| {
        y.cmp(x).then(a.policy_id.cmp(&b.policy_id)).then(a.article.number.cmp(&b.article.number))
    });
    Ok(scored
        .into_iter()
        .take(MAX_HITS)
        .map(|(_, a)| Hit {
            fragments: huiyin_search::highlight(&a.article.text, &terms, 120),
            policy_id: a.policy_id,
            title: a.title,
            article: a.article,
        })
        .collect())
}

/// How an article is named when cited: 《信访工作条例》第三十二条, or 《…》 for a policy kept whole.
pub fn cited_label(title: &str, article: &Article) -> String {
    if article.number == 0 { format!("《{title}》") } else { format!("《{title}》{}", article.label) }
}

/// The articles named (`policy:number`), as cited now, each on its field when it is no article of
/// the library; none named, none cited.
pub async fn cite(state: &AppState, refs: &[String]) -> AppResult<Vec<Citation>> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    if refs.len() > policy::MAX_CITED {
        return Err(FieldError::new("articles", Invalid::ItemCount { min: 0, max: policy::MAX_CITED }).into());
    }
    let all = state.store.policy_articles().await?;
    let mut cited: Vec<Citation> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in refs.iter().enumerate() {
        let field = format!("articles[{i}]");
        match policy::article_ref(&field, raw) {
            Ok((policy_id, number)) => {
                match all.iter().find(|a| a.policy_id == policy_id && a.article.number == number) {
                    Some(a) if !cited.iter().any(|c| c.policy == policy_id && c.article == number) => {
                        cited.push(Citation {
                            policy: policy_id,
                            label: cited_label(&a.title, &a.article),
                            article: number,
                            text: a.article.text.clone(),
                        })
                    }
                    Some(_) => {}
                    None => errors
                        .push(FieldError::new(field, Invalid::NotAChoice { allowed: "政策法规库中的条文".into() })),
                }
            }
            Err(e) => errors.push(e),
        }
    }
    // In the library's order, whatever order the form sent them in.
    cited.sort_by_key(|c| (c.policy, c.article));
    match ValidationErrors::from_vec(errors) {
        Some(errors) => Err(errors.into()),
        None => Ok(cited),
    }
}

/// Every article as a picker offers it: (`policy:number`, 《title》第…条, its first words).
pub async fn article_choices(state: &AppState) -> AppResult<Vec<(String, String, String)>> {
    Ok(state
        .store
        .policy_articles()
        .await?
        .into_iter()
        .map(|a| {
            let first: String = a.article.text.chars().take(40).collect();
            let more = if a.article.text.chars().count() > 40 { "…" } else { "" };
            (
                format!("{}:{}", a.policy_id, a.article.number),
                cited_label(&a.title, &a.article),
                format!("{first}{more}"),
            )
        })
        .collect())
}
