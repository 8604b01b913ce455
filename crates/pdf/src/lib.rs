//! Typesetting of huiyin's documents as PDF, with typst as a library.
//!
//! This crate owns the fonts, the typst templates (`templates/`) and the compilation. It knows
//! nothing of cases: callers hand it a [`Letter`] (one notice or letter) or an [`ArchiveVolume`]
//! (FED-13), already composed, and get PDF bytes back. The data reaches typst as a JSON file, never
//! as markup, so whatever a petitioner typed is printed as text and cannot change the layout.
//!
//! Output is reproducible: the PDF's identifier and creation date come from the caller, so the same
//! document typeset twice gives the same bytes (a reprint is identical to the original). A character
//! that no installed font has (an emoji, a rare character beyond the CJK extensions) is never
//! printed blank and never stops a document: it is set as the visible 〓 (U+3013, 缺字符) and the
//! document says which characters were replaced. An installed font that has them (an emoji font
//! among the font folders, say) is used instead, as typst falls back through every font it has.

mod fonts;
mod world;

use std::path::PathBuf;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;
use typst::foundations::{Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

pub use fonts::{FontError, Fonts};

/// One document as it is printed: letterhead, title, number, addressee, body, facts, signature.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Letter {
    /// The issuing unit's letterhead (红头), e.g. "西山社区居民委员会"; empty for none.
    pub letterhead: String,
    pub title: String,
    /// The case number printed under the title.
    pub number: Option<String>,
    pub addressee: Option<String>,
    pub paragraphs: Vec<String>,
    /// Label and value rows of a table (registers, letters' case summaries).
    pub facts: Vec<(String, String)>,
    /// A table of several columns printed after the facts (a month's reception days, a register of
    /// visitors); `None` for none.
    pub table: Option<LetterTable>,
    /// The signature block's lines, printed above the date.
    pub signature: Vec<String>,
    /// The date of issue as printed, e.g. "2026年11月26日".
    pub issued_on: String,
}

/// A table of a document: its column headings, their relative widths and its rows (each as many
/// cells as there are columns).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LetterTable {
    pub columns: Vec<String>,
    /// Relative widths, one per column (`[2, 5, 3]`).
    pub widths: Vec<u32>,
    pub rows: Vec<Vec<String>>,
}

/// A report as printed (月度统计报表, issue 21): letterhead, title, the period, then sections each
/// with its chart (SVG, drawn by the caller) and its table, and the signature block.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReportPaper {
    pub letterhead: String,
    pub title: String,
    /// The period and what it is compared with, under the title.
    pub subtitle: String,
    pub sections: Vec<ReportSection>,
    pub signature: Vec<String>,
    pub issued_on: String,
}

/// One section of a report: a heading, an optional chart and a table of its figures.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReportSection {
    pub heading: String,
    /// An SVG image (no script, no external reference): typst draws it.
    pub chart: Option<String>,
    pub table: LetterTable,
}

/// One case in an archive volume: its number, a short summary and its documents in order.
#[derive(Debug, Clone, Serialize)]
pub struct ArchivedCase {
    pub number: String,
    pub summary: String,
    pub documents: Vec<Letter>,
}

/// A yearly archive volume (FED-13): a cover with its facts, a table of contents and every case.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveVolume {
    pub title: String,
    pub unit: String,
    pub year: i32,
    pub cover: Vec<(String, String)>,
    pub cases: Vec<ArchivedCase>,
}

/// A desk name plate (桌牌, 亮证服务: FED-4, SCH-9): the receiver's unit, name, title and
/// credential number, on both faces of a folded A4 sheet.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NamePlate {
    pub unit: String,
    pub name: String,
    pub title: String,
    pub credential: String,
    /// A note for characters no font has (set by the typesetter); `None` otherwise.
    pub note: Option<String>,
}

/// Why a document could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum TypesetError {
    #[error("排版失败:{0}")]
    Compile(String),
    #[error("字体缺少以下字符,无法排版:{0}(请安装 fonts-noto-cjk,或用 HUIYIN_FONT_DIR 指定字体目录)")]
    MissingGlyphs(String),
    #[error("导出 PDF 失败:{0}")]
    Export(String),
    #[error("文书数据无法编码:{0}")]
    Data(#[from] serde_json::Error),
}

/// The typesetter: the fonts, loaded once, and the templates. Cheap to share between threads.
pub struct Typesetter {
    fonts: Fonts,
}

/// Which template a compilation uses.
#[derive(Debug, Clone, Copy)]
enum Template {
    Document,
    Archive,
    NamePlate,
    Report,
}

impl Typesetter {
    /// A typesetter over the fonts found in `dirs` (searched recursively).
    pub fn new(dirs: &[PathBuf]) -> Result<Self, FontError> {
        Ok(Typesetter { fonts: Fonts::scan(dirs)? })
    }

    /// The font folders searched when none are configured: `HUIYIN_FONT_DIR` (a list separated
    /// like `PATH`), or else the system's font folders and the project's own `fonts/`.
    pub fn default_font_dirs() -> Vec<PathBuf> {
        match std::env::var_os("HUIYIN_FONT_DIR") {
            Some(list) if !list.is_empty() => std::env::split_paths(&list).collect(),
            _ => {
                vec![PathBuf::from("/usr/share/fonts"), PathBuf::from("/usr/local/share/fonts"), PathBuf::from("fonts")]
            }
        }
    }

    /// Typesets one document. `ident` names it stably (the PDF's identifier is derived from it) and
    /// `issued_at` becomes its creation date, so typesetting it again gives the same bytes.
    pub fn letter(&self, letter: &Letter, ident: &str, issued_at: DateTime<Utc>) -> Result<Vec<u8>, TypesetError> {
        self.typeset(Template::Document, serde_json::to_vec(letter)?, ident, issued_at)
    }

    /// Typesets an archive volume.
    pub fn archive(
        &self,
        volume: &ArchiveVolume,
        ident: &str,
        built_at: DateTime<Utc>,
    ) -> Result<Vec<u8>, TypesetError> {
        self.typeset(Template::Archive, serde_json::to_vec(volume)?, ident, built_at)
    }

    /// Typesets a desk name plate.
    pub fn name_plate(&self, plate: &NamePlate, ident: &str, at: DateTime<Utc>) -> Result<Vec<u8>, TypesetError> {
        self.typeset(Template::NamePlate, serde_json::to_vec(plate)?, ident, at)
    }

    /// Typesets a report with its charts.
    pub fn report(&self, paper: &ReportPaper, ident: &str, at: DateTime<Utc>) -> Result<Vec<u8>, TypesetError> {
        self.typeset(Template::Report, serde_json::to_vec(paper)?, ident, at)
    }

    fn typeset(
        &self,
        template: Template,
        data: Vec<u8>,
        ident: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<u8>, TypesetError> {
        let world = world::DocumentWorld::new(&self.fonts, template, data.clone(), at);
        let compiled = typst::compile::<PagedDocument>(&world).output;
        // typst memoises across compilations; keep a long-running server's memory bounded.
        typst::comemo::evict(10);
        let document = compiled.map_err(|errors| {
            TypesetError::Compile(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(";"))
        })?;
        let missing = missing_glyphs(&document);
        if !missing.is_empty() {
            if missing.contains(GETA) {
                return Err(TypesetError::MissingGlyphs(missing));
            }
            return self.typeset(template, with_geta(template, &data, &missing)?, ident, at);
        }
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some("huiyin".into())),
            timestamp: datetime(at).map(typst_pdf::Timestamp::new_utc),
            ..Default::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|errors| {
            TypesetError::Export(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(";"))
        })
    }
}

fn datetime(at: DateTime<Utc>) -> Option<Datetime> {
    Datetime::from_ymd_hms(
        at.year(),
        u8::try_from(at.month()).ok()?,
        u8::try_from(at.day()).ok()?,
        u8::try_from(at.hour()).ok()?,
        u8::try_from(at.minute()).ok()?,
        u8::try_from(at.second()).ok()?,
    )
}

/// What a character no font has is printed as: 〓 (U+3013 GETA MARK, the typesetter's 缺字符).
const GETA: char = '〓';

/// The document's data with every character of `missing` set as [`GETA`], and a note saying which
/// ones (by code point, since no font can show them): a last paragraph of a letter, a row of an
/// archive volume's cover.
fn with_geta(template: Template, data: &[u8], missing: &str) -> Result<Vec<u8>, TypesetError> {
    fn replace(value: &mut serde_json::Value, missing: &str) {
        match value {
            serde_json::Value::String(text) => {
                *text = text.chars().map(|c| if missing.contains(c) { GETA } else { c }).collect();
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| replace(v, missing)),
            serde_json::Value::Object(fields) => fields.values_mut().for_each(|v| replace(v, missing)),
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(data)?;
    replace(&mut value, missing);
    let points: Vec<String> = missing.chars().map(|c| format!("U+{:04X}", u32::from(c))).collect();
    let note = format!("原文中的字符 {} 本机字体无法显示,以“{GETA}”代替。", points.join("、"));
    match template {
        Template::Document => {
            if let Some(paragraphs) = value.get_mut("paragraphs").and_then(|p| p.as_array_mut()) {
                paragraphs.push(serde_json::Value::String(format!("注:{note}")));
            }
        }
        Template::Archive => {
            if let Some(cover) = value.get_mut("cover").and_then(|p| p.as_array_mut()) {
                cover.push(serde_json::json!(["缺字说明", note]));
            }
        }
        Template::Report => {
            if let Some(serde_json::Value::String(subtitle)) = value.get_mut("subtitle") {
                subtitle.push_str(&format!(" 注:{note}"));
            }
        }
        Template::NamePlate => {
            if let Some(fields) = value.as_object_mut() {
                fields.insert("note".into(), serde_json::Value::String(format!("注:{note}")));
            }
        }
    }
    Ok(serde_json::to_vec(&value)?)
}

/// The characters laid out with a font's "missing glyph" (glyph 0), deduplicated, in order.
fn missing_glyphs(document: &PagedDocument) -> String {
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame, out),
                FrameItem::Text(text) => {
                    for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                        let range = glyph.range.start as usize..glyph.range.end as usize;
                        for ch in text.text.get(range).unwrap_or("").chars() {
                            if !ch.is_whitespace() && !out.contains(ch) {
                                out.push(ch);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

/// The text of a PDF as a reader's copy-and-paste gets it, read with poppler's `pdftotext` (Debian
/// `poppler-utils`). For tests and checks: it proves the text is really there, glyphs and all.
pub fn extract_text(pdf: &[u8]) -> std::io::Result<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or_else(|| std::io::Error::other("pdftotext: no stdin"))?;
    let bytes = pdf.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let out = child.wait_with_output()?;
    writer.join().map_err(|_| std::io::Error::other("pdftotext: writer panicked"))??;
    if !out.status.success() {
        return Err(std::io::Error::other(format!("pdftotext: {}", String::from_utf8_lossy(&out.stderr))));
    }
    String::from_utf8(out.stdout).map_err(std::io::Error::other)
}
