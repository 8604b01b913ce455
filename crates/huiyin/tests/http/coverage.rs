//! docs/RULES-COVERAGE.md stays true: it names every rule of the seed documents and the regulation
//! once, and every test it names is a function of the file it gives (issue 22).

use std::collections::BTreeMap;
use std::path::Path;

/// How many rules each part of `spec/RULES.md` has.
const RULES: [(&str, usize); 7] =
    [("GEN", 11), ("FED", 21), ("COM", 5), ("DEM", 6), ("CDR", 5), ("TWN", 14), ("SCH", 9)];

#[test]
fn every_rule_is_proven_by_a_named_test_or_says_why_not() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/RULES-COVERAGE.md")).unwrap();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for row in doc.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| rule") && !l.starts_with("| ---")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let (rule, proven, note) = (cells[0].trim_start_matches("| "), cells[2], cells[3].trim_end_matches(" |"));
        *seen.entry(rule.to_owned()).or_default() += 1;
        let tests: Vec<&str> = proven.split("<br>").filter(|t| !t.trim().is_empty()).collect();
        assert!(!tests.is_empty() || !note.trim().is_empty(), "{rule}: neither a test nor the reason for none");
        for test in tests {
            let parts: Vec<&str> = test.split('`').filter(|p| !p.trim().is_empty()).collect();
            let [file, name] = parts[..] else { panic!("{rule}: `file` `test` expected, not {test}") };
            let source = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{rule}: {file}: {e}"));
            assert!(source.contains(&format!("fn {name}(")), "{rule}: no fn {name} in {file}");
        }
    }
    for (part, count) in RULES {
        for n in 1..=count {
            let rule = format!("{part}-{n}");
            assert_eq!(seen.remove(&rule), Some(1), "{rule} is named once");
        }
    }
    assert!(seen.is_empty(), "rules that do not exist: {seen:?}");
}
