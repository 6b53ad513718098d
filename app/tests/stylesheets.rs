//! The stylesheets' split (`public/app.css` for every page, `public/owner.css` for the
//! console's pages only): a rule belongs in owner.css exactly when every selector of it
//! needs a class that only the console draws. A resident's page that drew a class of
//! owner.css would show it unstyled; a console-only rule left in app.css is bytes every
//! resident's page blocks its first paint on.

use std::{collections::BTreeSet, fs, path::Path};

/// Source files only the console's pages draw from (and owner.js, which runs on them alone).
fn is_console_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    (path.contains("/pages/") && (name.starts_with("owner") || name == "hq.rs"))
        || path.ends_with("components/live/pin_form.rs")
        || path.ends_with("public/owner.js")
}

/// What a page may draw from, with its path: the string literals and `class:` directives
/// of every `.rs` file of the app and the worker (a class is always written in one of
/// them; the words of i18n.rs never are), and the page scripts and HTML of public/ whole.
fn sources(root: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs") {
                let code = fs::read_to_string(&path).unwrap();
                out.push((path.to_string_lossy().into_owned(), string_literals(&code) + &class_directives(&code)));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("app/src"), &mut out);
    walk(&root.join("edge-worker/src"), &mut out);
    for entry in fs::read_dir(root.join("public")).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "js" || e == "html") {
            out.push((path.to_string_lossy().into_owned(), fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

/// The contents of the string literals in Rust `code`, one a line, without their escapes
/// (comments skipped; raw strings read as plain ones, which the app's classes never need).
fn string_literals(code: &str) -> String {
    let mut out = String::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                chars.by_ref().find(|&c| c == '\n');
            }
            // A character literal: '"' and '\'' are not strings.
            '\'' => {
                let literal: String = chars.clone().take(3).collect();
                if literal.starts_with("\"'") || literal.starts_with("\\'") {
                    chars.nth(if literal.starts_with('"') { 1 } else { 2 });
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        c => out.push(c),
                    }
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// The classes Leptos' `class:name=` directives in `code` toggle, one a line.
fn class_directives(code: &str) -> String {
    code.split("class:")
        .skip(1)
        .map(|rest| rest.split(|c: char| !is_name_char(c)).next().unwrap_or("").to_string() + "\n")
        .collect()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Whether `text` holds `word` starting a word, and (if `whole`) ending one: not inside
/// a longer class name, nor a path (`"/owner/poster"`).
fn has_word(text: &str, word: &str, whole: bool) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(|c| is_name_char(c) || c == '/') && !(whole && after.is_some_and(is_name_char))
    })
}

fn mentions(text: &str, class: &str) -> bool {
    has_word(text, class, true)
}

/// Whether `text` draws `class`: names it, or makes it with `format!` from a prefix
/// (`format!("booking-{}", status)` draws every `booking-…`).
fn draws(text: &str, class: &str) -> bool {
    mentions(text, class) || class.match_indices('-').any(|(at, _)| has_word(text, &format!("{}{{", &class[..=at]), false))
}

/// The selectors of each style rule in `css` (inside `@media` blocks too), one list per rule.
fn rules(css: &str) -> Vec<Vec<String>> {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..].split_once("*/").map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    let mut out = Vec::new();
    let mut prelude = String::new();
    let mut depth = 0;
    let mut in_at_rule_body = Vec::new();
    for c in text.chars() {
        match c {
            '{' => {
                let head = prelude.trim().to_string();
                prelude.clear();
                let at_rule = head.starts_with('@');
                if !at_rule && in_at_rule_body.iter().all(|&inside| inside) {
                    out.push(head.split(',').map(|s| s.trim().to_string()).collect());
                }
                in_at_rule_body.push(at_rule);
                depth += 1;
            }
            '}' => {
                prelude.clear();
                in_at_rule_body.pop();
                depth -= 1;
            }
            ';' if depth == 0 || in_at_rule_body.last() == Some(&true) => prelude.clear(),
            _ => prelude.push(c),
        }
    }
    out
}

/// The class names a selector needs (`.name`).
fn classes(selector: &str) -> Vec<&str> {
    selector
        .split('.')
        .skip(1)
        .map(|s| s.split(|c: char| !is_name_char(c)).next().unwrap_or(""))
        .filter(|c| !c.is_empty() && !c.starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

#[test]
fn the_console_styles_are_exactly_the_rules_only_its_pages_draw() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let (console, resident): (Vec<_>, Vec<_>) = sources(root).into_iter().partition(|(path, _)| is_console_file(path));
    let console: String = console.into_iter().map(|(_, text)| text).collect();
    let resident: String = resident.into_iter().map(|(_, text)| text).collect();
    // A class is the console's when its files draw it and no other file does.
    let console_only = |selector: &str| classes(selector).iter().any(|class| draws(&console, class) && !draws(&resident, class));

    let owner_css = fs::read_to_string(root.join("public/owner.css")).unwrap();
    let misplaced: BTreeSet<String> =
        rules(&owner_css).into_iter().flatten().filter(|selector| !console_only(selector)).collect();
    assert!(misplaced.is_empty(), "owner.css styles what a resident's page may draw: {misplaced:#?}");

    let app_css = fs::read_to_string(root.join("public/app.css")).unwrap();
    let console_rules: Vec<String> = rules(&app_css)
        .into_iter()
        .filter(|selectors| selectors.iter().all(|s| console_only(s)))
        .map(|selectors| selectors.join(", "))
        .collect();
    assert!(console_rules.is_empty(), "app.css holds rules only the console draws: {console_rules:#?}");
}

#[test]
fn rules_are_read_with_their_selectors() {
    let css = "/* a, b */ .a, .b:hover { x: 1; } @media (max-width: 1px) { .c .d { y: 2; } } @import url(x.css); .e{}";
    assert_eq!(rules(css), vec![vec![".a", ".b:hover"], vec![".c .d"], vec![".e"]]);
    assert_eq!(classes(".c .d > span.e-f:not(.g)"), ["c", "d", "e-f", "g"]);
    assert!(mentions("class=\"btn btn-add\"", "btn") && !mentions("class=\"btn-add\"", "btn"));
    assert!(!mentions("path!(\"/owner/btn\")", "btn"));
    assert!(draws("class=format!(\"tier tier-{}\", tier)", "tier-flash") && !draws("class=\"tier\"", "tier-flash"));
    assert!(!draws("format!(\"d-tier-{id}\")", "tier-flash"));
    let code = "let q = '\"'; // \"commented\"\nview! { <video poster=cover class=\"live-video\"/> }; let e = \"a\\\"b\";";
    assert_eq!(string_literals(code), "live-video\nab\n");
    assert_eq!(class_directives("<li class=\"row\" class:row-koc=move || koc>"), "row-koc\n");
}
