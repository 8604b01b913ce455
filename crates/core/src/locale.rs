//! The languages huiyin speaks: Chinese first, English second.

/// A user-facing language. Chinese (zh-CN) is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The locale tag used by the message catalogue.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the language from an HTTP `Accept-Language` value: English only when the first
    /// language range the client names is English; Chinese otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header
            .split(',')
            .map(|part| part.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .find(|tag| !tag.is_empty() && tag != "*");
        match first {
            Some(tag) if tag == "en" || tag.starts_with("en-") => Lang::En,
            _ => Lang::Zh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_first_range() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Lang::from_accept_language("*, en"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr"), Lang::Zh);
    }
}
