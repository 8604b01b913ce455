//! Masking of personal data for readers who do not need it in full (COM-4).

/// Keeps the first `head` and last `tail` characters and stars the rest.
/// Short values are starred whole except their last character, so nothing useful leaks.
pub fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        let stars = chars.len().saturating_sub(1);
        return "*".repeat(stars) + &chars[stars..].iter().collect::<String>();
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn com_4_masking_keeps_only_the_ends() {
        assert_eq!(keep_ends("13812345678", 3, 4), "138****5678");
        assert_eq!(keep_ends("abc", 3, 4), "**c");
        assert_eq!(keep_ends("", 3, 4), "");
    }
}
