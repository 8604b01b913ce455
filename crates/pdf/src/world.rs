//! The closed world one compilation sees: the template, the shared layout, one JSON data file and
//! the fonts. Nothing else is reachable: no file system, no packages, no network.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Utc};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::Template;
use crate::fonts::Fonts;

const LETTER: &str = include_str!("../templates/letter.typ");
const DOCUMENT: &str = include_str!("../templates/document.typ");
const ARCHIVE: &str = include_str!("../templates/archive.typ");
const NAME_PLATE: &str = include_str!("../templates/nameplate.typ");
const REPORT: &str = include_str!("../templates/report.typ");

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path).ok().map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
}

pub(crate) struct DocumentWorld<'a> {
    fonts: &'a Fonts,
    main: Source,
    letter: Source,
    data: (Option<FileId>, Bytes),
    today: DateTime<Utc>,
}

impl<'a> DocumentWorld<'a> {
    pub(crate) fn new(fonts: &'a Fonts, template: Template, data: Vec<u8>, today: DateTime<Utc>) -> Self {
        let text = match template {
            Template::Document => DOCUMENT,
            Template::Archive => ARCHIVE,
            Template::NamePlate => NAME_PLATE,
            Template::Report => REPORT,
        };
        let main = match file_id("/main.typ") {
            Some(id) => Source::new(id, text.to_string()),
            None => Source::detached(text),
        };
        let letter = match file_id("/letter.typ") {
            Some(id) => Source::new(id, LETTER.to_string()),
            None => Source::detached(LETTER),
        };
        DocumentWorld { fonts, main, letter, data: (file_id("/data.json"), Bytes::new(data)), today }
    }
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.letter.id() {
            Ok(self.letter.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if Some(id) == self.data.0 { Ok(self.data.1.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            u8::try_from(self.today.month()).ok()?,
            u8::try_from(self.today.day()).ok()?,
        )
    }
}
