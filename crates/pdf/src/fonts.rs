//! The fonts the typesetter may use: every font file under the configured folders, described once
//! at start and loaded into memory only when a document first needs it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

/// Why the fonts could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("字体目录 {} 中没有可用的字体(.ttf/.otf/.ttc/.otc);请安装 fonts-noto-cjk,或用 HUIYIN_FONT_DIR 指定字体目录", .0)]
    NoneFound(String),
}

/// A font file and, once read, its bytes.
struct FontFile {
    path: PathBuf,
    bytes: OnceLock<Option<Bytes>>,
}

/// One face: which file, which index in a collection, and the loaded font.
struct FontSlot {
    file: usize,
    index: u32,
    font: OnceLock<Option<Font>>,
}

/// The fonts found, with typst's book of them.
pub struct Fonts {
    files: Vec<FontFile>,
    slots: Vec<FontSlot>,
    book: LazyHash<FontBook>,
}

/// The most faces read from one collection file.
const MAX_FACES_PER_FILE: u32 = 64;

impl Fonts {
    /// Describes every font under `dirs`. Unreadable files and folders are skipped; finding no
    /// font at all is an error.
    pub fn scan(dirs: &[PathBuf]) -> Result<Fonts, FontError> {
        let mut paths = Vec::new();
        for dir in dirs {
            collect_font_files(dir, &mut paths);
        }
        paths.sort();
        paths.dedup();
        let mut files = Vec::new();
        let mut slots = Vec::new();
        let mut book = FontBook::new();
        for path in paths {
            let Ok(data) = std::fs::read(&path) else { continue };
            let file = files.len();
            let mut any = false;
            for index in 0..MAX_FACES_PER_FILE {
                let Some(info) = FontInfo::new(&data, index) else { break };
                book.push(info);
                slots.push(FontSlot { file, index, font: OnceLock::new() });
                any = true;
            }
            if any {
                files.push(FontFile { path, bytes: OnceLock::new() });
            }
        }
        if slots.is_empty() {
            let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            return Err(FontError::NoneFound(shown.join(", ")));
        }
        Ok(Fonts { files, slots, book: LazyHash::new(book) })
    }

    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The face at `index` in the book, read from its file on first use.
    pub(crate) fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font
            .get_or_init(|| {
                let file = self.files.get(slot.file)?;
                let bytes = file.bytes.get_or_init(|| std::fs::read(&file.path).ok().map(Bytes::new)).clone()?;
                Font::new(bytes, slot.index)
            })
            .clone()
    }
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_font_files(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
        {
            out.push(path);
        }
    }
}
