//! The interface languages, and what is said differently in each once a number or a date
//! is in it: dates and times, counts with their nouns, an order's contents. The app's fixed
//! words live in its `i18n` table; anything built around a value is formatted here, once,
//! for the server's first paint and the browser alike. Problem messages in both languages
//! are [`crate::problem`]'s ([`crate::Problem::message`]).
//!
//! Policy:
//! - Simplified Chinese is the default; English is the other language. A request's
//!   language is the `lang` cookie, else the first supported `Accept-Language`, else
//!   Chinese ([`Locale::negotiate`]).
//! - Dates and times are shown in store time (Asia/Shanghai, [`crate::time::local_naive`]):
//!   Chinese `12月3日 周四` and `12月3日 21:30`; English `Thu, Dec 3` and `Dec 3, 21:30`.
//! - A count takes its noun the way each language does: Chinese puts a measure word after
//!   the number (`3 件`, `1 单`), English says `1 item` and `2 items` ([`count`]).
//! - An order or pickup line is named by its first product and how many kinds and units
//!   it holds, so three apples never read as three products ([`order_contents`]):
//!   `烟台红富士苹果 等 2 种商品，共 3 件`, `Yantai apples and 1 more · 3 items`.

use crate::time::local_naive;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};

/// A supported interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Simplified Chinese (`zh-CN`), the default.
    #[default]
    ZhCn,
    /// English (`en`).
    En,
}

impl Locale {
    /// The `<html lang>` value.
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The locale of a language tag (`zh-Hans-CN`, `en-GB`), if supported.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if tag.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The `lang` cookie wins, then the first supported `Accept-Language`, else Chinese.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        let from_cookie = cookie.and_then(|c| {
            c.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == "lang").then(|| Self::from_tag(v)).flatten()
            })
        });
        from_cookie
            .or_else(|| accept_language.and_then(|al| al.split(',').find_map(|part| Self::from_tag(part.split(';').next()?))))
            .unwrap_or_default()
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Self {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month_en(date: NaiveDate) -> &'static str {
    MONTHS_EN[date.month0() as usize]
}

/// The short weekday name: `周一` … `周日`, `Mon` … `Sun`.
pub fn weekday(locale: Locale, day: Weekday) -> &'static str {
    match locale {
        Locale::ZhCn => match day {
            Weekday::Mon => "周一",
            Weekday::Tue => "周二",
            Weekday::Wed => "周三",
            Weekday::Thu => "周四",
            Weekday::Fri => "周五",
            Weekday::Sat => "周六",
            Weekday::Sun => "周日",
        },
        Locale::En => match day {
            Weekday::Mon => "Mon",
            Weekday::Tue => "Tue",
            Weekday::Wed => "Wed",
            Weekday::Thu => "Thu",
            Weekday::Fri => "Fri",
            Weekday::Sat => "Sat",
            Weekday::Sun => "Sun",
        },
    }
}

/// A pickup date with its weekday: `11月26日 周四`, `Thu, Nov 26`.
pub fn format_pickup_date(locale: Locale, date: NaiveDate) -> String {
    let day = weekday(locale, date.weekday());
    match locale {
        Locale::ZhCn => format!("{}月{}日 {day}", date.month(), date.day()),
        Locale::En => format!("{day}, {} {}", month_en(date), date.day()),
    }
}

/// A date without its weekday: `12月4日`, `Dec 4`.
pub fn format_month_day(locale: Locale, date: NaiveDate) -> String {
    match locale {
        Locale::ZhCn => format!("{}月{}日", date.month(), date.day()),
        Locale::En => format!("{} {}", month_en(date), date.day()),
    }
}

/// An instant in store time: `11月25日 21:30`, `Nov 25, 21:30`.
pub fn format_local(locale: Locale, at: DateTime<Utc>) -> String {
    let local = local_naive(at);
    let date = local.date();
    match locale {
        Locale::ZhCn => format!("{}月{}日 {:02}:{:02}", date.month(), date.day(), local.hour(), local.minute()),
        Locale::En => format!("{} {}, {:02}:{:02}", month_en(date), date.day(), local.hour(), local.minute()),
    }
}

/// The time of day of an instant in store time: `21:30`. Written out by hand, as
/// [`format_local`] is: chrono's `format` brings its whole pattern engine into the bundles.
pub fn format_clock(at: DateTime<Utc>) -> String {
    let local = local_naive(at);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// What is being counted, for [`count`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    /// Units in a cart or an order (`件`, item).
    Item,
    /// Orders (`单`, order).
    Order,
    /// Units sold of an offer (`件`, unit).
    Unit,
    /// Days (`天`, day).
    Day,
}

/// The word that follows the number `n` of `noun`s: `件`, `单`; `item` for one, `items`
/// for any other number.
pub fn noun(locale: Locale, n: u64, noun: Noun) -> &'static str {
    match locale {
        Locale::ZhCn => match noun {
            Noun::Item | Noun::Unit => "件",
            Noun::Order => "单",
            Noun::Day => "天",
        },
        Locale::En => {
            let (one, many) = match noun {
                Noun::Item => ("item", "items"),
                Noun::Order => ("order", "orders"),
                Noun::Unit => ("unit", "units"),
                Noun::Day => ("day", "days"),
            };
            if n == 1 {
                one
            } else {
                many
            }
        }
    }
}

/// A number with its noun: `3 件`, `1 item`, `2 items`, `1 单`, `1 order`.
pub fn count(locale: Locale, n: u64, what: Noun) -> String {
    format!("{n} {}", noun(locale, n, what))
}

/// What an order holds, named by its first product: with one product `烟台红富士苹果 共 3 件`
/// / `Yantai apples · 3 items`; with more `烟台红富士苹果 等 2 种商品，共 3 件` /
/// `Yantai apples and 1 more · 3 items`.
pub fn order_contents(locale: Locale, first_name: &str, line_count: u32, item_count: u32) -> String {
    let items = count(locale, item_count.into(), Noun::Item);
    match (locale, line_count) {
        (Locale::ZhCn, 0 | 1) => format!("{first_name} 共 {items}"),
        (Locale::ZhCn, kinds) => format!("{first_name} 等 {kinds} 种商品，共 {items}"),
        (Locale::En, 0 | 1) => format!("{first_name} · {items}"),
        (Locale::En, kinds) => format!("{first_name} and {} more · {items}", kinds - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn negotiates_cookie_then_accept_language_then_chinese() {
        assert_eq!(Locale::negotiate(Some("a=1; lang=en"), Some("zh-CN")), Locale::En);
        assert_eq!(Locale::negotiate(Some("lang=zh-CN"), Some("en-US")), Locale::ZhCn);
        assert_eq!(Locale::negotiate(Some("lang=fr"), Some("fr-FR, en;q=0.8")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("de-DE")), Locale::ZhCn);
        assert_eq!(Locale::negotiate(None, None), Locale::ZhCn);
        assert_eq!(Locale::En.other(), Locale::ZhCn);
        assert_eq!(Locale::ZhCn.html_lang(), "zh-CN");
    }

    #[test]
    fn pickup_dates_per_language() {
        assert_eq!(format_pickup_date(Locale::ZhCn, date(2026, 11, 26)), "11月26日 周四");
        assert_eq!(format_pickup_date(Locale::ZhCn, date(2026, 11, 29)), "11月29日 周日");
        assert_eq!(format_pickup_date(Locale::ZhCn, date(2026, 3, 2)), "3月2日 周一");
        assert_eq!(format_pickup_date(Locale::En, date(2026, 12, 3)), "Thu, Dec 3");
        assert_eq!(format_pickup_date(Locale::En, date(2027, 1, 1)), "Fri, Jan 1");
    }

    #[test]
    fn instants_in_store_time_per_language() {
        assert_eq!(format_local(Locale::ZhCn, utc("2026-11-25T13:30:00Z")), "11月25日 21:30");
        assert_eq!(format_local(Locale::ZhCn, utc("2026-01-04T23:05:00Z")), "1月5日 07:05");
        assert_eq!(format_local(Locale::En, utc("2026-11-25T13:30:00Z")), "Nov 25, 21:30");
        assert_eq!(format_clock(utc("2026-11-25T13:05:00Z")), "21:05");
        assert_eq!(format_clock(utc("2026-11-25T16:00:00Z")), "00:00", "past midnight in store time");
        // Past 16:00 UTC it is already tomorrow in the store.
        assert_eq!(format_local(Locale::En, utc("2026-12-31T16:05:00Z")), "Jan 1, 00:05");
        for locale in [Locale::ZhCn, Locale::En] {
            let _ = format_local(locale, DateTime::<Utc>::MAX_UTC);
            let _ = format_local(locale, DateTime::<Utc>::MIN_UTC);
        }
    }

    #[test]
    fn english_counts_are_singular_for_one() {
        assert_eq!(count(Locale::En, 1, Noun::Order), "1 order");
        assert_eq!(count(Locale::En, 2, Noun::Order), "2 orders");
        assert_eq!(count(Locale::En, 0, Noun::Item), "0 items");
        assert_eq!(count(Locale::En, 1, Noun::Item), "1 item");
        assert_eq!(count(Locale::En, 1, Noun::Day), "1 day");
        assert_eq!(count(Locale::En, 7, Noun::Unit), "7 units");
        assert_eq!(count(Locale::ZhCn, 1, Noun::Order), "1 单");
        assert_eq!(count(Locale::ZhCn, 3, Noun::Item), "3 件");
        assert_eq!(count(Locale::ZhCn, 7, Noun::Day), "7 天");
        assert_eq!((noun(Locale::En, 1, Noun::Unit), noun(Locale::En, 3, Noun::Unit)), ("unit", "units"));
    }

    #[test]
    fn order_contents_tell_kinds_from_units() {
        assert_eq!(order_contents(Locale::ZhCn, "烟台红富士苹果", 2, 3), "烟台红富士苹果 等 2 种商品，共 3 件");
        assert_eq!(order_contents(Locale::ZhCn, "烟台红富士苹果", 1, 3), "烟台红富士苹果 共 3 件");
        assert_eq!(order_contents(Locale::En, "Apples", 3, 5), "Apples and 2 more · 5 items");
        assert_eq!(order_contents(Locale::En, "Apples", 1, 1), "Apples · 1 item");
        // An older answer without the number of lines reads as one product.
        assert_eq!(order_contents(Locale::En, "Apples", 0, 2), "Apples · 2 items");
    }
}
