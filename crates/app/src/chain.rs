//! 防篡改记录的核验 (issue 23; FED-13, COM-4): `huiyin audit verify` walks every chain — each day's
//! chain of every case event, personal-data view and administration event, and each case's chain
//! of events — and names what was edited, removed or reordered, the records no chain covers, and,
//! given a list of days' final hashes printed earlier (`huiyin audit days`), every day whose
//! records changed since. What is hashed is `huiyin_core::chain`'s; the links are written by the
//! store with each record.

use chrono::NaiveDate;
use huiyin_core::chain::{self, RecordKind};
use huiyin_store::{DayHead, Store};

use crate::error::{AppError, AppResult};

/// How many findings are kept: the first tell where to look.
const FINDINGS_KEPT: usize = 50;
const PAGE: i64 = 5000;

/// What the walk found.
#[derive(Debug, Default)]
pub struct Verification {
    /// Each day's chain: its entries and its final hash, as stored.
    pub days: Vec<DayHead>,
    /// The records of the days' chains walked.
    pub records: u64,
    /// The case events walked along their cases' chains.
    pub events: u64,
    /// What does not hold, in the order found (the first [`FINDINGS_KEPT`]).
    pub findings: Vec<String>,
    /// Findings beyond those kept.
    pub more: u64,
}

impl Verification {
    fn found(&mut self, what: String) {
        if self.findings.len() < FINDINGS_KEPT {
            self.findings.push(what);
        } else {
            self.more += 1;
        }
    }

    /// Whether every chain holds.
    pub fn holds(&self) -> bool {
        self.findings.is_empty()
    }
}

fn record(kind: RecordKind, case_id: Option<i64>, item: i64) -> String {
    match kind {
        RecordKind::Event => format!("信访件 #{} 的第 {item} 条事件", case_id.unwrap_or_default()),
        RecordKind::View => format!("个人信息查看记录 #{item}(信访件 #{})", case_id.unwrap_or_default()),
        RecordKind::Admin => format!("管理日志 #{item}"),
    }
}

/// A day's final hash as printed: the day, how many records its chain had then (when the list
/// says), and the link of the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedDay {
    pub day: NaiveDate,
    pub entries: Option<i64>,
    pub hash: String,
}

/// A list of days' final hashes, as `huiyin audit days` prints it: a line a day, the day first and
/// the hash last (other words between are allowed); blank lines and lines starting with `#` are
/// skipped.
pub fn parse_day_list(text: &str) -> AppResult<Vec<PrintedDay>> {
    let mut days = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let day = words.first().and_then(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok());
        let hash = words.last().filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let entries = if words.len() == 3 { words[1].parse::<i64>().ok().filter(|n| *n > 0) } else { None };
        match (day, hash, words.len() >= 2) {
            (Some(day), Some(hash), true) => days.push(PrintedDay { day, entries, hash: hash.to_ascii_lowercase() }),
            _ => {
                return Err(AppError::Transfer(format!(
                    "清单第 {} 行应为“日期 … 末哈希”(如 2026-12-07 125 9f3a…,64 位十六进制):{line}",
                    n + 1
                )));
            }
        }
    }
    Ok(days)
}

/// Walks every chain; `against`: days' final hashes printed earlier, to compare. `progress(records)`
/// as it goes. The server may go on writing: each day is checked up to the place its head had
/// when the walk began, and a printed day up to the place it had when printed (records filed
/// under a day after it was printed, just after midnight, are no change).
pub async fn verify(
    store: &dyn Store,
    against: &[PrintedDay],
    mut progress: impl FnMut(u64),
) -> AppResult<Verification> {
    let mut report = Verification { days: store.day_heads().await?, ..Verification::default() };
    // The links to find on the way: each head's last place, each printed day's.
    let mut wanted: std::collections::HashMap<(NaiveDate, i64), Option<String>> = report
        .days
        .iter()
        .map(|h| ((h.day, h.entries), None))
        .chain(against.iter().filter_map(|p| p.entries.map(|n| ((p.day, n), None))))
        .collect();
    // Each day's chain, entry by entry: (day, entries walked, last link).
    let mut walked: Vec<(NaiveDate, i64, String)> = Vec::new();
    let mut after: Option<(NaiveDate, i64)> = None;
    loop {
        let page = store.ledger_page(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some((last.day, last.seq));
        for row in page {
            if walked.last().is_none_or(|(day, _, _)| *day != row.day) {
                walked.push((row.day, 0, String::new()));
            }
            let Some((day, seen, previous)) = walked.last_mut() else { continue };
            let place = format!("{day} 的第 {} 条", row.seq);
            let what = record(row.kind, row.case_id, row.item);
            let gap = row.seq != *seen + 1;
            if gap {
                report.found(format!("{day} 的链缺第 {} 至 {} 条:这些记录连同其链条已被删除", *seen + 1, row.seq - 1));
            }
            match &row.current_hash {
                None => report.found(format!("{what}已被删除({place})")),
                Some(now) if *now != row.record_hash => report.found(format!("{what}已被改动({place})")),
                Some(_) => {}
            }
            let before = (!previous.is_empty()).then_some(previous.as_str());
            if !gap && chain::link(before, &row.record_hash) != row.link {
                report.found(format!("{place}与前一条链接不上:此前的记录被删除、插入或调换了次序({what})"));
            }
            if let Some(found) = wanted.get_mut(&(row.day, row.seq)) {
                *found = Some(row.link.clone());
            }
            *seen = row.seq;
            *previous = row.link;
            report.records += 1;
        }
        progress(report.records);
    }
    for head in report.days.clone() {
        let walked_day = walked.iter().find(|(day, _, _)| *day == head.day);
        match (walked_day, wanted.get(&(head.day, head.entries)).cloned().flatten()) {
            (None, _) if head.entries > 0 => {
                report.found(format!("{} 的链整条不见了(应有 {} 条)", head.day, head.entries))
            }
            (Some((_, seen, _)), None) if head.entries > 0 => report
                .found(format!("{} 的链只剩 {seen} 条,应有 {} 条:链尾的记录连同链接被删除", head.day, head.entries)),
            (Some(_), Some(link)) if link != head.last_hash => report.found(format!(
                "{} 的第 {} 条与当天的末哈希 {} 不符:链尾的记录被改动",
                head.day, head.entries, head.last_hash
            )),
            _ => {}
        }
    }

    // Each case's chain of events.
    let mut after = (0, 0);
    let mut previous: Option<String> = None;
    loop {
        let page = store.event_links(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = (last.case_id, last.seq);
        for link in page {
            let what = record(RecordKind::Event, Some(link.case_id), link.seq);
            let before = if link.seq > 1 { previous.as_deref() } else { None };
            match &link.chain_hash {
                None => report.found(format!("{what}没有链接(绕过 huiyin 写入)")),
                Some(stored) if chain::link(before, &link.current_hash) != *stored => {
                    report.found(format!("{what}与本件的前一条事件链接不上:被改动、删除或调换了次序"))
                }
                Some(_) => {}
            }
            previous = link.chain_hash;
            report.events += 1;
        }
    }

    let (unchained, _) = store.unchained(10).await?;
    for record_ in unchained {
        report.found(format!(
            "{}不在任何一天的链上(绕过 huiyin 写入)",
            record(record_.kind, record_.case_id, record_.item)
        ));
    }

    for printed in against {
        let now = match printed.entries {
            Some(n) => wanted.get(&(printed.day, n)).cloned().flatten(),
            None => report.days.iter().find(|h| h.day == printed.day).map(|h| h.last_hash.clone()),
        };
        match now {
            None => report.found(format!(
                "清单中的 {}{} 在数据库中没有:该日的记录在清单打印之后被删除",
                printed.day,
                printed.entries.map(|n| format!(" 第 {n} 条")).unwrap_or_default()
            )),
            Some(link) if link != printed.hash => report.found(format!(
                "{} 的末哈希与清单不同(清单 {},现为 {link}):该日的记录在清单打印之后被改动",
                printed.day, printed.hash
            )),
            Some(_) => {}
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list `huiyin audit days` prints is read back, its heading skipped; a line without a
    /// day or a hash is refused naming it.
    #[test]
    fn fed_13_a_printed_list_of_days_reads_back() {
        let hash = "9f".repeat(32);
        let text = format!("# heading\n\n2026-12-07      125 {hash}\n2026-12-08 {}\n", hash.to_uppercase());
        let days = parse_day_list(&text).unwrap();
        assert_eq!(days.len(), 2);
        let day = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        assert_eq!(days[1], PrintedDay { day, entries: None, hash: hash.clone() });
        assert_eq!(days[0].entries, Some(125));
        let wrong = parse_day_list("2026-12-07 125 abc").unwrap_err().to_string();
        assert!(wrong.contains("第 1 行"), "{wrong}");
    }
}
