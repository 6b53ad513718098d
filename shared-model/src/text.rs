//! What text people type may hold: one home for every field that others will read
//! (nicknames, buildings, wishes, reviews, live titles and comments).
//!
//! Policy:
//! - Text is trimmed and counted in characters, as a resident counts them.
//! - No control characters (a free text keeps its line breaks, as `\n`).
//! - No bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069): they turn the
//!   text after them around on other people's screens (`gnp.exe` shown for `exe.png`).
//! - Not made only of invisible characters (zero-width spaces and joiners, fillers, blank
//!   signs, variation selectors): a comment or a name nobody can see is noise, or a way
//!   to pass for someone else.

/// `raw` trimmed, if it is `min..=max` characters on one line of visible text.
pub(crate) fn one_line(raw: &str, min: usize, max: usize) -> Option<String> {
    let text = raw.trim();
    let len = text.chars().count();
    ((min..=max).contains(&len) && !text.chars().any(char::is_control) && readable(text)).then(|| text.to_owned())
}

/// Optional free text: line breaks normalised to `\n`, trimmed, blank as `None`; `Err`
/// when longer than `max` characters, holding a control character other than a line
/// break, or not [`readable`].
pub(crate) fn free_text(raw: Option<&str>, max: usize) -> Result<Option<String>, ()> {
    let Some(raw) = raw else { return Ok(None) };
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n') || !readable(text) {
        return Err(());
    }
    Ok(Some(text.to_owned()))
}

/// No direction override, and something to see unless empty.
fn readable(text: &str) -> bool {
    !text.chars().any(is_direction_control) && (text.is_empty() || !text.chars().all(|c| c.is_whitespace() || is_invisible(c)))
}

/// The embeddings, overrides and isolates of the Unicode bidirectional algorithm.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that draw nothing (format characters, fillers, blank signs, selectors).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_text_is_trimmed_and_counted_in_characters() {
        assert_eq!(one_line("  想要 本地土鸡蛋 ", 2, 200).as_deref(), Some("想要 本地土鸡蛋"));
        assert_eq!(one_line(&"菜".repeat(200), 2, 200).map(|t| t.chars().count()), Some(200));
        assert_eq!(one_line(&"菜".repeat(201), 2, 200), None);
        assert_eq!(one_line(" 菜 ", 2, 200), None);
        assert_eq!(one_line("第一行\n第二行", 2, 200), None);
        assert_eq!(one_line("a\u{0}b", 2, 200), None);
        assert_eq!(one_line("", 0, 10).as_deref(), Some(""), "an optional field may be empty");
    }

    #[test]
    fn free_text_keeps_line_breaks_only() {
        assert_eq!(free_text(None, 10), Ok(None));
        assert_eq!(free_text(Some("  \n "), 10), Ok(None));
        assert_eq!(free_text(Some(" 好吃\r\n还会买 "), 10), Ok(Some("好吃\n还会买".into())));
        assert_eq!(free_text(Some("a\rb"), 10), Ok(Some("a\nb".into())));
        assert_eq!(free_text(Some("好吃\t"), 10), Ok(Some("好吃".into())), "trailing whitespace is trimmed");
        assert_eq!(free_text(Some("好\t吃"), 10), Err(()));
        assert_eq!(free_text(Some("a\u{7}b"), 10), Err(()));
        assert_eq!(free_text(Some(&"字".repeat(10)), 10), Ok(Some("字".repeat(10))));
        assert_eq!(free_text(Some(&"字".repeat(11)), 10), Err(()));
        // A CRLF counts as one character, as the resident sees it.
        assert_eq!(free_text(Some("12345\r\n1234"), 10), Ok(Some("12345\n1234".into())));
    }

    #[test]
    fn direction_overrides_are_refused_anywhere() {
        for text in ["\u{202E}gnp.exe", "好\u{202D}吃", "王\u{2066}小明\u{2069}", "\u{202A}"] {
            assert_eq!(one_line(text, 1, 20), None, "{text:?}");
            assert_eq!(free_text(Some(text), 20), Err(()), "{text:?}");
        }
    }

    #[test]
    fn text_of_only_invisible_characters_is_refused() {
        for text in ["\u{200B}", "\u{200B}\u{200D}\u{FEFF}", "\u{3164}", "\u{2800} \u{2800}", "\u{00AD}", "\u{E0041}"] {
            assert_eq!(one_line(text, 1, 20), None, "{text:?}");
            assert_eq!(free_text(Some(text), 20), Err(()), "{text:?}");
        }
        // Invisible characters inside visible text do no harm: emoji use joiners.
        assert_eq!(one_line("👨\u{200D}👩\u{200D}👧", 1, 20).as_deref(), Some("👨\u{200D}👩\u{200D}👧"));
        assert_eq!(one_line("好\u{200B}", 1, 20).as_deref(), Some("好\u{200B}"));
        // Ordinary Chinese, English and full-width spaces inside text stay readable.
        assert_eq!(one_line("白菜\u{3000}还有吗", 1, 20).as_deref(), Some("白菜\u{3000}还有吗"));
    }
}
