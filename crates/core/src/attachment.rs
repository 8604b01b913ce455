//! Attachments of a case (scans of letters, photos, audio of a statement): which kinds are taken,
//! how large, how many, and what a file really is, judged from its bytes rather than its name.

use serde::{Deserialize, Serialize};

/// The largest attachment accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The most attachments one case keeps.
pub const MAX_PER_CASE: usize = 20;

/// The media types huiyin keeps, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Mp3,
    Wav,
    M4a,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
            MediaType::Mp3 => "audio/mpeg",
            MediaType::Wav => "audio/wav",
            MediaType::M4a => "audio/mp4",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MediaType::Pdf => "扫描件",
            MediaType::Jpeg | MediaType::Png | MediaType::Webp => "照片",
            MediaType::Mp3 | MediaType::Wav | MediaType::M4a => "录音",
        }
    }

    pub fn parse_mime(mime: &str) -> Option<MediaType> {
        [
            MediaType::Pdf,
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Webp,
            MediaType::Mp3,
            MediaType::Wav,
            MediaType::M4a,
        ]
        .into_iter()
        .find(|m| m.mime() == mime)
    }
}

/// What the bytes are, whatever the file is called; `None` for anything not kept.
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF-") {
        Some(MediaType::Pdf)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else if starts(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(MediaType::Png)
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(MediaType::Webp)
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        Some(MediaType::Wav)
    } else if starts(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) {
        Some(MediaType::Mp3)
    } else if bytes.get(4..8) == Some(b"ftyp") && matches!(bytes.get(8..11), Some(b"M4A") | Some(b"mp4") | Some(b"iso"))
    {
        Some(MediaType::M4a)
    } else {
        None
    }
}

/// A file name as shown: the last path segment, control characters and direction overrides removed
/// (`保密\u{202E}gnp.exe` would read as `保密exe.png`), at most 100 characters.
pub fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let shown = |c: &char| !c.is_control() && !crate::text::is_refused_char(*c);
    let cleaned: String = last.chars().filter(shown).take(100).collect();
    if cleaned.trim().is_empty() { "附件".into() } else { cleaned.trim().to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_overrides_are_taken_out_of_file_names() {
        assert_eq!(clean_filename("C:\\scan\\保密\u{202E}gnp.exe"), "保密gnp.exe");
        assert_eq!(clean_filename("a\u{0}b.pdf"), "ab.pdf");
    }

    #[test]
    fn types_are_judged_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(MediaType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(MediaType::Jpeg));
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(MediaType::Png));
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WAVEfmt "), Some(MediaType::Wav));
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(sniff(b"ID3\x04\x00"), Some(MediaType::Mp3));
        assert_eq!(sniff(b"\x00\x00\x00\x20ftypM4A \x00"), Some(MediaType::M4a));
        assert_eq!(sniff(b"MZ\x90\x00 an executable"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(clean_filename("C:\\Users\\a\\来信扫描.pdf"), "来信扫描.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\u{0}b\n.jpg"), "ab.jpg");
        assert_eq!(clean_filename(""), "附件");
    }
}
