//! Typesetting with the machine's real fonts, read back with poppler's `pdftotext`.

use chrono::{TimeZone, Utc};
use huiyin_pdf::{ArchiveVolume, ArchivedCase, Letter, Typesetter};

fn typesetter() -> Typesetter {
    Typesetter::new(&Typesetter::default_font_dirs())
        .expect("fonts: install fonts-noto-cjk (the README's setup) or set HUIYIN_FONT_DIR")
}

fn pdf_text(pdf: &[u8]) -> String {
    huiyin_pdf::extract_text(pdf).expect("pdftotext (Debian poppler-utils) reads the PDF")
}

fn letter() -> Letter {
    Letter {
        letterhead: "西山社区居民委员会".into(),
        title: "信访事项受理告知书".into(),
        number: Some("XS-2026-000042".into()),
        addressee: Some("王秀英".into()),
        paragraphs: vec![
            "您于 2026年11月2日 以来访形式反映的“残疾人两项补贴停发”一事,本机关已依法受理。".into(),
            "#set text(size: 1pt) *不是标记* $x$ <label> 【括号】".into(),
        ],
        facts: vec![("信访件编号".into(), "XS-2026-000042".into())],
        table: None,
        signature: vec!["西山社区居民委员会".into(), "(盖章)".into()],
        issued_on: "2026年11月3日".into(),
    }
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_letter_prints_its_number_and_chinese_body_and_typed_markup_as_text() {
    let at = Utc.with_ymd_and_hms(2026, 11, 3, 2, 0, 0).unwrap();
    let pdf = typesetter().letter(&letter(), "case-42-acceptance-notice-3", at).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = squeeze(&pdf_text(&pdf));
    for expected in [
        "XS-2026-000042",
        "信访事项受理告知书",
        "西山社区居民委员会",
        "残疾人两项补贴停发",
        "本机关已依法受理",
        "(盖章)",
        "2026年11月3日",
        "#settext(size:1pt)*不是标记*$x$<label>【括号】",
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
}

#[test]
fn a_reprint_is_byte_for_byte_identical() {
    let typesetter = typesetter();
    let at = Utc.with_ymd_and_hms(2026, 11, 3, 2, 0, 0).unwrap();
    let first = typesetter.letter(&letter(), "case-42-acceptance-notice-3", at).unwrap();
    let again = typesetter.letter(&letter(), "case-42-acceptance-notice-3", at).unwrap();
    assert_eq!(first, again);
}

/// Issue 15: a character no font has (a private-use character, an emoji where no emoji font is
/// installed) never stops a document and never prints blank: it is set as 〓, and a note names it.
#[test]
fn a_character_no_font_has_prints_as_geta_with_a_note() {
    let mut letter = letter();
    letter.addressee = Some("王\u{10FFFD}英".into());
    letter.paragraphs.push("私用区字符 \u{10FFFD} 无字形".into());
    let at = Utc.with_ymd_and_hms(2026, 11, 3, 2, 0, 0).unwrap();
    let pdf = typesetter().letter(&letter, "missing", at).expect("the document prints");
    let text = squeeze(&pdf_text(&pdf));
    assert!(text.contains("王〓英") && text.contains("私用区字符〓无字形"), "{text}");
    assert!(text.contains("U+10FFFD") && text.contains("以“〓”代替"), "the note names the character: {text}");
    let again = typesetter().letter(&letter, "missing", at).unwrap();
    assert_eq!(pdf, again, "a reprint is the same bytes");
}

#[test]
fn no_fonts_is_a_clear_error() {
    let empty = std::env::temp_dir().join(format!("huiyin-no-fonts-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let err = Typesetter::new(std::slice::from_ref(&empty)).err().expect("no fonts there");
    assert!(err.to_string().contains("fonts-noto-cjk"));
    std::fs::remove_dir_all(&empty).ok();
}

#[test]
fn fed_13_an_archive_volume_has_a_cover_contents_and_every_document() {
    let mut second = letter();
    second.title = "信访事项处理意见书".into();
    second.paragraphs = vec!["经调查核实,恢复发放两项补贴。".into()];
    let volume = ArchiveVolume {
        title: "西山社区 2026 年度信访档案".into(),
        unit: "西山社区居民委员会".into(),
        year: 2026,
        cover: vec![("件数".into(), "2".into()), ("保管期限".into(), "10年".into())],
        cases: vec![
            ArchivedCase {
                number: "XS-2026-000042".into(),
                summary: "两项补贴停发".into(),
                documents: vec![letter(), second],
            },
            ArchivedCase {
                number: "XS-2026-000043".into(),
                summary: "无障碍坡道".into(),
                documents: vec![Letter { number: Some("XS-2026-000043".into()), ..letter() }],
            },
        ],
    };
    let at = Utc.with_ymd_and_hms(2026, 12, 31, 8, 0, 0).unwrap();
    let pdf = typesetter().archive(&volume, "archive-XS-2026", at).unwrap();
    let text = squeeze(&pdf_text(&pdf));
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} not in {text}"));
    // Cover, then the contents listing both cases, then the cases in order.
    assert!(at("信访档案") < at("卷内目录"));
    let contents = at("卷内目录");
    assert!(text[contents..].contains("XS-2026-000042两项补贴停发"));
    assert!(text[contents..].contains("信访事项处理意见书"));
    assert!(text.matches("XS-2026-000043").count() >= 2, "in the contents and in the file");
    assert!(text.rfind("恢复发放两项补贴").unwrap() < text.rfind("无障碍坡道").unwrap());
}

#[test]
fn fed_4_a_name_plate_shows_the_receiver_on_both_faces() {
    let plate = huiyin_pdf::NamePlate {
        unit: "西山社区居民委员会".into(),
        name: "王秀英".into(),
        title: "专职信访员".into(),
        credential: "XS-001".into(),
        note: None,
    };
    let at = Utc.with_ymd_and_hms(2026, 12, 6, 2, 0, 0).unwrap();
    let pdf = typesetter().name_plate(&plate, "name-plate-wang", at).unwrap();
    let text = squeeze(&pdf_text(&pdf));
    for expected in ["西山社区居民委员会", "王秀英", "专职信访员", "工作证号:XS-001"] {
        assert_eq!(text.matches(expected).count(), 2, "{expected} on both faces: {text}");
    }
    let unprintable = huiyin_pdf::NamePlate { name: "王\u{10FFFD}英".into(), ..plate };
    let text = squeeze(&pdf_text(&typesetter().name_plate(&unprintable, "name-plate-x", at).unwrap()));
    assert!(text.contains("王〓英") && text.contains("U+10FFFD"), "{text}");
}
