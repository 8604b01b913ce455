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

/// The shortest run of digits taken for a number to mask in free text: a landline without its area
/// code has seven.
const NUMBER_DIGITS: usize = 7;

/// The digits of a phone or ID number as people type them: ASCII or full-width.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// What people type between the groups of a number: hyphens and dashes, dots, spaces (full-width
/// too).
fn is_separator(c: char) -> bool {
    matches!(c, '-' | '－' | '—' | '–' | '.' | '．' | ' ' | '\u{3000}')
}

/// Free text as the public reads it (DEM-6: minutes and decisions on the portal): every run of seven
/// or more digits — a phone number (138 1234 5678, 138-1234-5678, full-width digits), an ID card
/// number with its final X, a bank account — is starred but for its last two digits, and a mobile
/// or ID number (eleven digits or more) keeps its first three too. Separators between the digits
/// are part of the run. A day written as 2026-12-07 (or 2026.12.07) stays as it is, and so does
/// what follows it; words and short counts stay as written.
pub fn numbers_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        if let Some(len) = date_at(&chars[i..]) {
            out.extend(&chars[i..i + len]);
            i += len;
            continue;
        }
        // The run: digits, with separators between digits, and an ID card's final X.
        let (mut end, mut digits, mut j) = (i, 0, i);
        while j < chars.len() {
            let c = chars[j];
            if is_digit(c) {
                digits += 1;
                j += 1;
                end = j;
            } else if is_separator(c) {
                // Separators (one or several) count only when a digit follows them.
                let mut k = j;
                while k < chars.len() && is_separator(chars[k]) {
                    k += 1;
                }
                if k < chars.len() && is_digit(chars[k]) && k - j <= 3 {
                    j = k;
                } else {
                    break;
                }
            } else if matches!(c, 'X' | 'x' | 'Ｘ') && digits >= 14 {
                end = j + 1;
                break;
            } else {
                break;
            }
        }
        let run: String = chars[i..end].iter().collect();
        if digits >= 11 {
            out.push_str(&keep_ends(&run, 3, 2));
        } else if digits >= NUMBER_DIGITS {
            out.push_str(&keep_ends(&run, 0, 2));
        } else {
            out.push_str(&run);
        }
        i = end;
    }
    out
}

/// The length of a day written at the start of `chars` (2026-12-07, 2026.12.7, 2026－12－07), not
/// followed by another digit; `None` when there is none.
fn date_at(chars: &[char]) -> Option<usize> {
    let digits = |from: usize, min: usize, max: usize| -> Option<usize> {
        let n = chars[from..].iter().take_while(|c| is_digit(**c)).count();
        (min..=max).contains(&n).then_some(n)
    };
    let year = digits(0, 4, 4)?;
    let sep = *chars.get(year)?;
    if !matches!(sep, '-' | '－' | '.' | '．' | '/') {
        return None;
    }
    let month = digits(year + 1, 1, 2)?;
    if chars.get(year + 1 + month) != Some(&sep) {
        return None;
    }
    let day = digits(year + 2 + month, 1, 2)?;
    Some(year + 2 + month + day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dem_6_numbers_in_published_text_are_masked() {
        let text = "王某(电话13812345678,身份证110101199003074512、11010119900307451X)2026-12-07 19:00反映3号楼电梯,费用12万元";
        let masked = numbers_in_text(text);
        assert!(!masked.contains("13812345678") && !masked.contains("1101011990"), "{masked}");
        assert!(masked.contains("138******78") && masked.contains("1X"), "{masked}");
        assert!(
            masked.contains("2026-12-07 19:00") && masked.contains("3号楼") && masked.contains("12万元"),
            "{masked}"
        );
        for typed in [
            "138-1234-5678",
            "138 1234 5678",
            "+86 138 1234 5678",
            "１３８１２３４５６７８",
            "138.1234.5678",
            "138 - 1234 - 5678",
            "138\u{3000}1234\u{3000}5678",
            "138－1234－5678",
        ] {
            let masked = numbers_in_text(&format!("电话{typed}。"));
            let digits: String = masked.chars().filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).collect();
            let tail = masked.ends_with("78。") || masked.ends_with("７８。");
            assert!(digits.chars().count() <= 7 && tail, "{typed} → {masked}");
        }
        assert_eq!(numbers_in_text("座机 8888 6666。"), "座机 *******66。", "a landline keeps two digits");
        assert_eq!(numbers_in_text("共 1234567 元"), "共 *****67 元", "seven digits are a number");
        assert_eq!(numbers_in_text("第 123456 号 😀"), "第 123456 号 😀");
        assert_eq!(numbers_in_text("2026.12.7 与 2026-12-07"), "2026.12.7 与 2026-12-07", "days stay");
    }
}
