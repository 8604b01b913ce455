//! Highlighting: a text cut into pieces that match the query's words and pieces that do not, so
//! that every shell marks the matches its own way (`<mark>` in HTML, a flag in JSON).

use serde::Serialize;

/// A piece of a highlighted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fragment {
    pub text: String,
    /// Whether this piece is one of the query's words.
    #[serde(rename = "match")]
    pub hit: bool,
}

/// Cuts `text` into matching and other pieces, case-insensitively. When the text is longer than
/// `window` characters, only `window` characters around the first match are kept, with `…` marking
/// what was left out.
pub fn highlight(text: &str, terms: &[String], window: usize) -> Vec<Fragment> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let terms: Vec<Vec<char>> = terms.iter().filter(|t| !t.is_empty()).map(|t| t.chars().collect()).collect();
    let mut hit = vec![false; chars.len()];
    for term in &terms {
        if term.len() > lower.len() {
            continue;
        }
        for start in 0..=lower.len() - term.len() {
            if lower[start..start + term.len()] == term[..] {
                hit[start..start + term.len()].iter_mut().for_each(|h| *h = true);
            }
        }
    }
    let (from, to) = if chars.len() <= window {
        (0, chars.len())
    } else {
        let first = hit.iter().position(|h| *h).unwrap_or(0);
        let from = first.saturating_sub(window / 4);
        let to = (from + window).min(chars.len());
        (to.saturating_sub(window), to)
    };
    let mut out: Vec<Fragment> = Vec::new();
    if from > 0 {
        out.push(Fragment { text: "…".into(), hit: false });
    }
    for i in from..to {
        match out.last_mut() {
            Some(last) if last.hit == hit[i] && !(i == from && from > 0) => last.text.push(chars[i]),
            _ => out.push(Fragment { text: chars[i].to_string(), hit: hit[i] }),
        }
    }
    if to < chars.len() {
        match out.last_mut() {
            Some(last) if !last.hit => last.text.push('…'),
            _ => out.push(Fragment { text: "…".into(), hit: false }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(fragments: &[Fragment]) -> String {
        fragments.iter().map(|f| if f.hit { format!("[{}]", f.text) } else { f.text.clone() }).collect()
    }

    #[test]
    fn matches_are_marked_wherever_they_occur() {
        let f = highlight("反映拆迁补偿标准低,拆迁办不答复", &["拆迁".into(), "补偿".into()], 100);
        assert_eq!(marked(&f), "反映[拆迁补偿]标准低,[拆迁]办不答复");
    }

    #[test]
    fn latin_matches_ignore_case() {
        assert_eq!(marked(&highlight("WiFi 信号差", &["wifi".into()], 100)), "[WiFi] 信号差");
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_match() {
        let text = format!("{}拖欠工资{}", "前".repeat(100), "后".repeat(100));
        let f = highlight(&text, &["工资".into()], 40);
        let shown = marked(&f);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("[工资]"), "{shown}");
        assert_eq!(shown.chars().filter(|c| *c != '[' && *c != ']').count(), 42);
    }

    #[test]
    fn no_terms_means_no_marks() {
        assert_eq!(highlight("低保", &[], 10), vec![Fragment { text: "低保".into(), hit: false }]);
    }
}
