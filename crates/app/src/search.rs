//! Knowing a case before the petitioner finishes speaking (FED-11, GEN-5, GEN-6, FED-6, TWN-14).
//!
//! This module owns the services around finding cases: the search entry of a case (its words and
//! its statement's LSH bands), how a list's `q` is read (a case number, an ID number or a phone is
//! looked up exactly; anything else is searched by words), the intake check that shows the
//! petitioner's history and what earlier cases mean for a new one, the flags recorded after
//! registration, the administrators' dictionary, and rebuilding the index. The judgement itself is
//! in `huiyin_search::intake`; the SQL is in the stores.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use huiyin_core::case::{CaseNumber, Channel, PetitionerDraft, Registration};
use huiyin_core::event::Event;
use huiyin_core::identity::{PhoneNumber, ResidentId};
use huiyin_core::limits;
use huiyin_core::unit::UnitCode;
use huiyin_core::{FieldError, Invalid};
use huiyin_search::intake::{self, Assessment, EarlierCase, Related};
use huiyin_search::{Segmenter, document, minhash};
use huiyin_store::{
    CaseFile, CaseMatch, ExactKey, PersonKeys, SearchDoc, SkipLevelCount, Store, StoreError, TextSearch,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::views::{UnitRef, excerpt, instant};

/// How many of the petitioner's earlier cases the intake check reads.
const HISTORY_LIMIT: i64 = 50;
/// How many cases sharing a band the intake check compares.
const SIMILAR_LIMIT: i64 = 50;

/// A case's search entry: the words of its registration and log, and its statement's bands.
pub fn search_doc(segmenter: &Segmenter, registration: &Registration, events: &[Event]) -> SearchDoc {
    SearchDoc {
        tokens: document::case_tokens(segmenter, registration, events),
        bands: minhash::bands(&registration.content),
    }
}

/// How a list's `q` is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A case number, a resident ID number or a mobile phone: looked up exactly.
    Exact(ExactKey),
    /// Words, searched in the index.
    Words(TextSearch),
    /// Nothing to look for (blank, or only punctuation).
    Nothing,
}

/// Reads a list's `q`.
pub fn read_query(segmenter: &Segmenter, q: &str) -> Lookup {
    let q = q.trim();
    if let Some(number) = CaseNumber::parse(q) {
        return Lookup::Exact(ExactKey::CaseNumber(number.as_str().to_owned()));
    }
    if q.len() == 18
        && let Ok(id) = ResidentId::parse("q", q)
    {
        return Lookup::Exact(ExactKey::IdNumber(id.as_str().to_owned()));
    }
    if q.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ' || c == '+')
        && let Ok(phone) = PhoneNumber::parse("q", q)
    {
        return Lookup::Exact(ExactKey::Phone(phone.as_str().to_owned()));
    }
    let terms = segmenter.query_terms(q);
    if terms.is_empty() { Lookup::Nothing } else { Lookup::Words(TextSearch { terms, phrase: q.to_owned() }) }
}

/// A registration as it is being typed: every field optional, nothing refused.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeDraft {
    /// The registering unit's code; default the caller's unit.
    pub unit: Option<String>,
    pub channel: Option<String>,
    pub petitioner: Option<PetitionerDraft>,
    pub content: Option<String>,
    /// The unit responsible for the problem's place.
    pub place_unit: Option<String>,
}

/// An earlier case as the intake check shows it. The petitioner's name is shown (the receiver is
/// speaking with them); ID numbers and phones are not.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EarlierView {
    pub id: i64,
    pub case_number: String,
    pub status: String,
    pub status_label: String,
    pub received_at: String,
    pub unit: UnitRef,
    pub petitioner_name: Option<String>,
    /// The statement's first 80 characters.
    pub excerpt: String,
    /// How alike the statements are, 0 to 1 (the share of the shorter one's character pairs).
    pub similarity: f64,
    /// Re-reviewed, or replied with the time to ask for review lapsed (GEN-5).
    pub is_final: bool,
}

/// What the receiver sees while typing a registration.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct IntakeReport {
    /// The petitioner's earlier cases (same ID number, or phone, or name and address), newest first.
    pub history: Vec<EarlierView>,
    /// 重复访: the petitioner's open or recent case on the same matter (FED-11).
    pub repeat_of: Vec<EarlierView>,
    /// 不再受理: the petitioner's matter that is already final (GEN-5).
    pub final_matters: Vec<EarlierView>,
    /// Other people's similar recent cases, to link as one collective matter (FED-6).
    pub collective: Vec<EarlierView>,
    /// 越级访: the unit the visit counts against (GEN-6, TWN-14).
    pub skip_level: Option<UnitRef>,
}

/// The keys of a petitioner as typed; a key that does not parse is left out, never refused.
fn person_keys(p: Option<&PetitionerDraft>) -> PersonKeys {
    let Some(p) = p else { return PersonKeys::default() };
    let text = |v: &Option<String>| {
        let kept = |s: &&str| !s.is_empty() && !s.chars().any(huiyin_core::text::is_refused_char);
        v.as_deref().map(str::trim).filter(kept).map(str::to_owned)
    };
    let id_number = text(&p.id_number).map(|n| match ResidentId::parse("id_number", &n) {
        Ok(id) => id.as_str().to_owned(),
        Err(_) => n.to_uppercase(),
    });
    let phone = text(&p.phone).and_then(|ph| PhoneNumber::parse("phone", &ph).ok()).map(|ph| ph.as_str().to_owned());
    let name_address = text(&p.name).zip(text(&p.address));
    PersonKeys { id_number, phone, name_address }
}

fn registration_keys(r: &Registration) -> PersonKeys {
    let p = &r.petitioner;
    PersonKeys {
        id_number: p.id.as_ref().map(|d| d.number.clone()),
        phone: p.phone.as_ref().map(|ph| ph.as_str().to_owned()),
        name_address: p.name.clone().zip(p.address.clone()),
    }
}

/// What is being judged: a draft or a registered case.
struct Subject<'a> {
    unit: &'a str,
    channel: Option<Channel>,
    keys: PersonKeys,
    content: &'a str,
    place_unit: Option<&'a str>,
    received_at: DateTime<Utc>,
    /// The case itself, once registered.
    exclude: Option<i64>,
    /// Judge against the cases received before it only (as at its registration).
    earlier_only: bool,
    /// Look for other people's similar cases (collective offers), by LSH band.
    offers: bool,
    /// The unit and the staff member this case accuses, if any: earlier cases that accuse another
    /// are left out, so that no flag or offer links a case its accused may read to one they may not
    /// (GEN-7).
    accused: Option<i64>,
    accused_user: Option<i64>,
}

/// When a registered case is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judging {
    /// As at its registration: against the cases received before it, for the flags recorded then
    /// (重复访, 不再受理, 越级访); collective matters are offered later, on the case page.
    AtRegistration,
    /// Now, against every other case, with collective offers (the case page).
    Now,
}

/// The intake check (FED-11): the petitioner's history and the judgement on the statement so far.
pub async fn intake_check(state: &AppState, actor: &Actor, draft: &IntakeDraft) -> AppResult<IntakeReport> {
    if !actor.user.role.can_register() {
        return Err(AppError::Forbidden);
    }
    let unit = match draft.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            let code = UnitCode::parse("unit", code)?;
            match state.store.unit_by_code(code.as_str()).await? {
                Some(u) if actor.sees_unit(u.id) => u.code,
                _ => return Err(FieldError::new("unit", Invalid::UnknownUnit).into()),
            }
        }
        None => actor.user.unit_code.clone(),
    };
    let subject = Subject {
        unit: &unit,
        channel: draft.channel.as_deref().and_then(|c| Channel::parse("channel", c).ok()),
        keys: person_keys(draft.petitioner.as_ref()),
        content: draft.content.as_deref().unwrap_or_default(),
        place_unit: draft.place_unit.as_deref().map(str::trim).filter(|p| !p.is_empty()),
        received_at: Utc::now(),
        exclude: None,
        earlier_only: false,
        offers: true,
        accused: None,
        accused_user: None,
    };
    judge(state, actor, &subject).await
}

async fn judge(state: &AppState, actor: &Actor, s: &Subject<'_>) -> AppResult<IntakeReport> {
    let rules = state.detection_rules();
    let today = limits::china_day(s.received_at);
    let mut history = state.store.petitioner_cases(&s.keys, &actor.scope, today, HISTORY_LIMIT).await?;
    // GEN-7: an accusing case does not exist for its accused; and a registered case, whose findings
    // become flags and links, is linked to an accusing case only if it accuses the same unit.
    let counts = |c: &CaseMatch| {
        Some(c.id) != s.exclude
            && (!s.earlier_only || c.received_at <= s.received_at)
            && !actor.is_blind_to(c.id, c.accused_unit_id, c.accused_user_id)
            && (s.exclude.is_none() || c.accused_unit_id.is_none() || c.accused_unit_id == s.accused)
            && (s.exclude.is_none() || c.accused_user_id.is_none() || c.accused_user_id == s.accused_user)
    };
    history.retain(counts);
    let has_words = s.content.chars().filter(|c| c.is_alphanumeric()).count() >= 4;
    let mut similar = if has_words && s.offers {
        // Similar statements matter only as other people's cases received within the window around
        // this one: the petitioner's own come through the history.
        let window = Duration::days(rules.collective_window_days);
        let bands = minhash::bands(s.content);
        let (since, until) = (s.received_at - window, s.received_at + window);
        state.store.cases_sharing_bands(&bands, &actor.scope, since, until, today, SIMILAR_LIMIT).await?
    } else {
        Vec::new()
    };
    similar.retain(|c| counts(c) && !history.iter().any(|h| h.id == c.id));
    let earlier: Vec<EarlierCase> = history
        .iter()
        .map(|c| earlier(c, true))
        .chain(similar.iter().map(|c| earlier(c, same_person(&s.keys, c))))
        .collect();
    let assessment =
        if has_words { intake::assess(s.content, s.received_at, &earlier, &rules) } else { Assessment::default() };
    let all: Vec<&CaseMatch> = history.iter().chain(&similar).collect();
    let view = |related: &[Related]| -> Vec<EarlierView> {
        related
            .iter()
            .filter_map(|r| all.iter().find(|c| c.case_number == r.case_number).map(|c| earlier_view(c, r.similarity)))
            .collect()
    };
    let mine = minhash::shingles(s.content);
    let history_views = history
        .iter()
        .map(|c| {
            let similarity = if has_words { minhash::overlap(&mine, &minhash::shingles(&c.content)) } else { 0.0 };
            earlier_view(c, (similarity * 100.0).round() / 100.0)
        })
        .collect();
    let skip_level = match (s.channel, s.place_unit) {
        (Some(channel), Some(place)) => skip_level(state, channel, s.unit, place).await?,
        _ => None,
    };
    Ok(IntakeReport {
        history: history_views,
        repeat_of: view(&assessment.repeat_of),
        final_matters: view(&assessment.final_matters),
        collective: view(&assessment.collective),
        skip_level,
    })
}

fn earlier(c: &CaseMatch, same_person: bool) -> EarlierCase<'_> {
    EarlierCase {
        case_number: &c.case_number,
        status: c.status,
        received_at: c.received_at,
        content: &c.content,
        same_person,
        request_lapsed: c.request_lapsed,
    }
}

fn same_person(keys: &PersonKeys, c: &CaseMatch) -> bool {
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    same(&keys.id_number, &c.petitioner_id_number)
        || same(&keys.phone, &c.petitioner_phone)
        || keys.name_address.as_ref().is_some_and(|(n, a)| {
            c.petitioner_name.as_deref() == Some(n.as_str()) && c.petitioner_address.as_deref() == Some(a.as_str())
        })
}

fn earlier_view(c: &CaseMatch, similarity: f64) -> EarlierView {
    let final_case = earlier(c, true).is_final();
    EarlierView {
        id: c.id,
        case_number: c.case_number.clone(),
        status: c.status.code().to_owned(),
        status_label: c.status.label_zh().to_owned(),
        received_at: instant(c.received_at),
        unit: UnitRef { code: c.unit_code.clone(), name: c.unit_name.clone() },
        petitioner_name: c.petitioner_name.clone(),
        excerpt: excerpt(&c.content, 80),
        similarity,
        is_final: final_case,
    }
}

/// 越级访: the unit a visit at `unit` counts against, if it is two or more levels above `place`.
async fn skip_level(state: &AppState, channel: Channel, unit: &str, place: &str) -> AppResult<Option<UnitRef>> {
    let tree = crate::tree::unit_tree(state).await?;
    let Some(place) = tree.id_of(place).and_then(|id| tree.get(id)) else { return Ok(None) };
    let chain: Vec<String> =
        tree.chain(place.id).into_iter().filter_map(|id| tree.get(id)).map(|u| u.code.clone()).collect();
    let found = intake::skipped_levels(channel, unit, &chain);
    Ok(found.map(|_| UnitRef { code: place.code.clone(), name: place.name.clone() }))
}

/// The intake judgement on a registered case, against the other cases in the actor's sight.
pub async fn judge_case(state: &AppState, actor: &Actor, file: &CaseFile, when: Judging) -> AppResult<IntakeReport> {
    judge_registration(state, actor, file.id, &file.registration, when).await
}

/// The intake judgement on case `id`, registered as `r`.
pub(crate) async fn judge_registration(
    state: &AppState,
    actor: &Actor,
    id: i64,
    r: &Registration,
    when: Judging,
) -> AppResult<IntakeReport> {
    let subject = Subject {
        unit: r.unit.as_str(),
        channel: Some(r.channel),
        keys: registration_keys(r),
        content: &r.content,
        place_unit: r.place_unit.as_ref().map(UnitCode::as_str),
        received_at: r.received_at,
        exclude: Some(id),
        earlier_only: when == Judging::AtRegistration,
        offers: when == Judging::Now,
        accused: match r.accused.as_ref().and_then(|a| a.unit.as_ref()) {
            Some(code) => state.store.unit_by_code(code.as_str()).await?.map(|u| u.id),
            None => None,
        },
        accused_user: match r.accused.as_ref().and_then(|a| a.user.as_ref()) {
            Some(username) => state.store.user_by_username(username).await?.map(|u| u.id),
            None => None,
        },
    };
    judge(state, actor, &subject).await
}

/// Adds words to the segmentation dictionary (administrators of the whole installation:
/// [`Actor::administers_installation`]) and rebuilds the segmenter.
/// Cases already indexed keep their old words until `huiyin reindex`. Returns how many were new.
pub async fn add_words(state: &AppState, actor: &Actor, words: &[String]) -> AppResult<usize> {
    if !actor.administers_installation() {
        return Err(AppError::Forbidden);
    }
    let words = checked_words(words)?;
    // Words added on the server's command line are nobody's (the operator may not be stored yet).
    let by = (!actor.is_operator()).then_some(actor.user.id);
    let added = state.store.add_search_words(&words, by, Utc::now()).await?;
    // The words changed: this server's segmenter is rebuilt now, the others' at their next use.
    state.segmenter().await;
    tracing::info!(added, actor = %actor.user.username, "dictionary words added");
    let after = Some(serde_json::json!({"words": words, "new": added}));
    crate::audit::record(state, actor, "search.words", crate::audit::Target::installation("dictionary"), None, after)
        .await;
    Ok(added)
}

/// Removes a word administrators added to the segmentation dictionary (administrators of the whole
/// installation) and rebuilds the segmenter; the shipped terms, unit names and classes stay. Cases
/// already indexed keep it until the index is rebuilt. One not in the dictionary is
/// [`AppError::NotFound`].
pub async fn remove_word(state: &AppState, actor: &Actor, word: &str) -> AppResult<()> {
    if !actor.administers_installation() {
        return Err(AppError::Forbidden);
    }
    // What is no dictionary word (a control character, a space) was never added.
    let Ok(words) = checked_words(&[word.to_owned()]) else { return Err(AppError::NotFound) };
    let word = words.concat();
    if !state.store.remove_search_word(&word).await? {
        return Err(AppError::NotFound);
    }
    // The words changed: this server's segmenter is rebuilt now, the others' at their next use.
    state.segmenter().await;
    tracing::info!(actor = %actor.user.username, "dictionary word removed");
    let before = Some(serde_json::json!({"word": word}));
    let target = crate::audit::Target::installation("dictionary");
    crate::audit::record(state, actor, "search.word_remove", target, before, None).await;
    Ok(())
}

/// Dictionary words: 2 to 20 letters or digits each, at most 1,000 at once.
pub fn checked_words(words: &[String]) -> Result<Vec<String>, FieldError> {
    if words.is_empty() {
        return Err(FieldError::new("words", Invalid::Required));
    }
    if words.len() > 1000 {
        return Err(FieldError::new("words", Invalid::TooLong { max: 1000 }));
    }
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let word = word.trim();
        let chars = word.chars().count();
        if !(2..=20).contains(&chars) || !word.chars().all(char::is_alphanumeric) {
            return Err(FieldError::new("words", Invalid::WordFormat));
        }
        out.push(word.to_owned());
    }
    Ok(out)
}

/// 越级访 counted against the units responsible (TWN-14), in the actor's scope.
pub async fn skip_level_counts(state: &AppState, actor: &Actor) -> AppResult<Vec<SkipLevelCount>> {
    Ok(state.store.skip_level_counts(&actor.scope, &actor.blind).await?)
}

/// Rebuilds every case's search entry with the segmenter as it is now, in batches; `progress` is told
/// how many cases are done. Returns the number of cases indexed. While one batch is written, the
/// next is segmented on a blocking thread, so the two halves take one core each.
pub async fn reindex(
    store: &dyn Store,
    segmenter: Arc<Segmenter>,
    mut progress: impl FnMut(usize),
) -> AppResult<usize> {
    const BATCH: i64 = 500;
    let mut after = 0;
    let mut done = 0;
    let mut segmented: Option<Vec<(i64, SearchDoc)>> = None;
    loop {
        let cases = store.cases_for_index(after, BATCH).await?;
        let next = match cases.last() {
            Some(last) => {
                after = last.0;
                let segmenter = segmenter.clone();
                Some(tokio::task::spawn_blocking(move || {
                    cases
                        .iter()
                        .map(|(id, registration, events)| (*id, search_doc(&segmenter, registration, events)))
                        .collect::<Vec<_>>()
                }))
            }
            None => None,
        };
        if let Some(docs) = segmented.take() {
            store.put_search_docs(&docs).await?;
            done += docs.len();
            progress(done);
        }
        match next {
            Some(job) => {
                segmented = Some(job.await.map_err(|e| StoreError::Corrupt(format!("segmenting: {e}")))?);
            }
            None => break,
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fed_11_a_list_query_is_read_as_an_exact_key_or_as_words() {
        let s = Segmenter::new([]);
        assert_eq!(read_query(&s, " xs-2026-000012 "), Lookup::Exact(ExactKey::CaseNumber("XS-2026-000012".into())));
        assert_eq!(
            read_query(&s, "11010519491231002x"),
            Lookup::Exact(ExactKey::IdNumber("11010519491231002X".into()))
        );
        assert_eq!(read_query(&s, "138 1234 5678"), Lookup::Exact(ExactKey::Phone("13812345678".into())));
        match read_query(&s, "拆迁补偿") {
            Lookup::Words(w) => {
                assert_eq!(w.terms, ["拆迁", "补偿"]);
                assert_eq!(w.phrase, "拆迁补偿");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(read_query(&s, " ,。"), Lookup::Nothing);
    }

    #[test]
    fn dictionary_words_are_checked() {
        assert_eq!(checked_words(&["东坡村".into(), " 欠薪 ".into()]).unwrap(), ["东坡村", "欠薪"]);
        assert!(checked_words(&["欠".into()]).is_err());
        assert!(checked_words(&["两个 词".into()]).is_err());
        assert!(checked_words(&[]).is_err());
    }
}
