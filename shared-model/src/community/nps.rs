//! The one question after a tasting: "你会向邻居推荐我们店吗？" (would you recommend this
//! store to a neighbour), 0–10 with an optional comment, and the store's net promoter
//! score (NPS) from the answers.
//!
//! Policy, in the order the rules apply:
//! 1. **Who** ([`check_can_answer`]): an attendee, that is a resident whose booking of the
//!    tasting is checked in; anyone else is `not_an_attendee` (403). The question is
//!    about the evening, so only those who came answer.
//! 2. **Once**: one answer per attendee per tasting (the worker keys answers by tasting
//!    and person); a second is `nps_already_answered`. Answers are not edited: the score
//!    measures the first impression. This is checked before the time, so a resident who
//!    answered is told so even after the survey closed.
//! 3. **When**: from the tasting's start until [`NPS_ANSWER_DAYS`] days after it
//!    (exclusive).
//! 4. **The answer** ([`NpsAnswer::validate`]): a score of 0..=10 (signed and wide on the
//!    wire, so `-1` or `11` gets its field error rather than failing as unreadable JSON),
//!    then an optional comment of at most [`MAX_NPS_COMMENT_CHARS`] characters (line
//!    breaks kept, blank is none).
//! 5. **The score** ([`NpsSummary::of`]): promoters answer 9–10, passives 7–8,
//!    detractors 0–6. NPS = % promoters − % detractors, as a whole number of −100..=100:
//!    `100 × (promoters − detractors) / answers`, rounded half away from zero with
//!    integer arithmetic only, so good and bad news round alike (+33.5 → 34,
//!    −33.5 → −34). With no answers there is no score (`None`), never 0, which is a real
//!    score. The counts travel with it, so any finer figure can be recomputed exactly.

use super::{free_text, tasting::BookingStatus};
use crate::problem::impl_error_code;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Longest comment, in characters.
pub const MAX_NPS_COMMENT_CHARS: usize = 200;
/// Days after a tasting's start during which attendees may answer.
pub const NPS_ANSWER_DAYS: i64 = 7;
/// The store's score counts the answers of this many days back: a season, long enough for
/// a few tastings' answers, short enough to show a change the owner made.
pub const STORE_NPS_WINDOW_DAYS: i64 = 90;

/// One answer's score, 0..=10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct NpsScore(u8);

#[cfg(feature = "openapi")]
crate::openapi::integer_schema!(NpsScore, 0, NpsScore::MAX, "One answer's score, 0..=10");

impl NpsScore {
    /// The highest score.
    pub const MAX: u8 = 10;

    /// A score of 0..=10, else `None`.
    pub fn new(score: i64) -> Option<Self> {
        u8::try_from(score).ok().filter(|s| *s <= Self::MAX).map(NpsScore)
    }

    /// The score, 0..=10.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Promoter (9–10), passive (7–8) or detractor (0–6).
    pub fn category(self) -> NpsCategory {
        match self.0 {
            9.. => NpsCategory::Promoter,
            7 | 8 => NpsCategory::Passive,
            _ => NpsCategory::Detractor,
        }
    }
}

impl TryFrom<i64> for NpsScore {
    type Error = NpsError;
    fn try_from(score: i64) -> Result<Self, NpsError> {
        NpsScore::new(score).ok_or(NpsError::InvalidScore)
    }
}

impl From<NpsScore> for i64 {
    fn from(score: NpsScore) -> i64 {
        score.0.into()
    }
}

/// Where an answer falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NpsCategory {
    /// 9–10: would recommend us.
    Promoter,
    /// 7–8: content, not enthusiastic.
    Passive,
    /// 0–6: would not.
    Detractor,
}

impl NpsCategory {
    /// Chinese label for the owner's report.
    pub fn label_zh(self) -> &'static str {
        match self {
            NpsCategory::Promoter => "推荐者",
            NpsCategory::Passive => "中立者",
            NpsCategory::Detractor => "贬损者",
        }
    }
}

/// An attendee's answer (`POST /api/v1/tastings/{tasting}/nps`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsAnswer {
    /// 0..=10, checked by [`NpsAnswer::validate`].
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10))]
    pub score: i64,
    /// Anything she wants to add.
    #[serde(default)]
    pub comment: Option<String>,
}

/// An answer that passed [`NpsAnswer::validate`], cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNpsAnswer {
    /// The score.
    pub score: NpsScore,
    /// Trimmed comment, line breaks as `\n`; blank is `None`.
    pub comment: Option<String>,
}

impl NpsAnswer {
    /// Checks the score, then the comment (rule 4).
    pub fn validate(&self) -> Result<ValidNpsAnswer, NpsError> {
        let score = NpsScore::new(self.score).ok_or(NpsError::InvalidScore)?;
        let comment = free_text(self.comment.as_deref(), MAX_NPS_COMMENT_CHARS).map_err(|()| NpsError::CommentTooLong)?;
        Ok(ValidNpsAnswer { score, comment })
    }
}

/// `Ok` if a resident whose booking of the tasting is `booking` (`None`: she has none)
/// may answer at `now`, for a tasting that started at `starts_at`, `already_answered`
/// or not (rules 1–3, in order).
pub fn check_can_answer(
    booking: Option<BookingStatus>,
    already_answered: bool,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), NpsError> {
    if booking != Some(BookingStatus::CheckedIn) {
        return Err(NpsError::NotAnAttendee);
    }
    if already_answered {
        return Err(NpsError::AlreadyAnswered);
    }
    let since_start = now.signed_duration_since(starts_at);
    if since_start < Duration::zero() {
        return Err(NpsError::NotOpen);
    }
    if since_start >= Duration::days(NPS_ANSWER_DAYS) {
        return Err(NpsError::Closed);
    }
    Ok(())
}

/// A net promoter score, a whole number of −100..=100 (rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct Nps(i32);

#[cfg(feature = "openapi")]
crate::openapi::integer_schema!(Nps, -100, 100, "A net promoter score, -100..=100");

impl Nps {
    /// A score of −100..=100, else `None`.
    pub fn new(score: i32) -> Option<Self> {
        (-100..=100).contains(&score).then_some(Nps(score))
    }

    /// The score from counts: `100 × (promoters − detractors) / answers`, rounded half
    /// away from zero; `None` with no answers, or when the counts are impossible (more
    /// promoters and detractors than answers).
    pub fn from_counts(promoters: u32, detractors: u32, answers: u32) -> Option<Self> {
        if answers == 0 || u64::from(promoters) + u64::from(detractors) > u64::from(answers) {
            return None;
        }
        let numerator = 100 * (i64::from(promoters) - i64::from(detractors));
        let denominator = i64::from(answers);
        let magnitude = (2 * numerator.abs() + denominator) / (2 * denominator);
        let score = i32::try_from(numerator.signum() * magnitude).ok()?;
        Nps::new(score)
    }

    /// The score, −100..=100.
    pub fn get(self) -> i32 {
        self.0
    }
}

impl TryFrom<i32> for Nps {
    type Error = String;
    fn try_from(score: i32) -> Result<Self, String> {
        Nps::new(score).ok_or_else(|| format!("an NPS is -100..=100, got {score}"))
    }
}

impl From<Nps> for i32 {
    fn from(nps: Nps) -> i32 {
        nps.0
    }
}

/// `34`, `0`, `-12`.
impl fmt::Display for Nps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The answers to the question, counted: for one tasting, or any set of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsSummary {
    /// Answers counted.
    pub answers: u32,
    /// Scores of 9–10.
    pub promoters: u32,
    /// Scores of 7–8.
    pub passives: u32,
    /// Scores of 0–6.
    pub detractors: u32,
    /// The score; `None` with no answers.
    pub nps: Option<Nps>,
}

impl NpsSummary {
    /// Counts `scores` and computes the score (rule 5). Counts saturate.
    pub fn of(scores: impl IntoIterator<Item = NpsScore>) -> Self {
        let mut summary = NpsSummary::default();
        for score in scores {
            summary.answers = summary.answers.saturating_add(1);
            let count = match score.category() {
                NpsCategory::Promoter => &mut summary.promoters,
                NpsCategory::Passive => &mut summary.passives,
                NpsCategory::Detractor => &mut summary.detractors,
            };
            *count = count.saturating_add(1);
        }
        summary.nps = Nps::from_counts(summary.promoters, summary.detractors, summary.answers);
        summary
    }
}

/// Why an answer is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NpsError {
    /// A score outside 0..=10.
    #[error("the score must be 0 to 10")]
    InvalidScore,
    /// A comment over 200 characters, or with control characters other than line breaks.
    #[error("the comment must be at most {MAX_NPS_COMMENT_CHARS} characters")]
    CommentTooLong,
    /// Not checked in at the tasting.
    #[error("only people who came to the tasting can answer")]
    NotAnAttendee,
    /// A second answer to the same tasting.
    #[error("already answered")]
    AlreadyAnswered,
    /// Before the tasting's start.
    #[error("the survey opens when the tasting starts")]
    NotOpen,
    /// From 7 days after the start.
    #[error("the survey closed {NPS_ANSWER_DAYS} days after the tasting")]
    Closed,
}

impl NpsError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            NpsError::InvalidScore => "invalid_nps_score",
            NpsError::CommentTooLong => "nps_comment_too_long",
            NpsError::NotAnAttendee => "not_an_attendee",
            NpsError::AlreadyAnswered => "nps_already_answered",
            NpsError::NotOpen => "nps_not_open",
            NpsError::Closed => "nps_closed",
        }
    }

    /// 403 for someone who did not come, 409 for a second answer or the wrong time,
    /// 422 for field validation.
    pub fn http_status(&self) -> u16 {
        match self {
            NpsError::NotAnAttendee => 403,
            NpsError::AlreadyAnswered | NpsError::NotOpen | NpsError::Closed => 409,
            NpsError::InvalidScore | NpsError::CommentTooLong => 422,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            NpsError::InvalidScore => Some("score"),
            NpsError::CommentTooLong => Some("comment"),
            _ => None,
        }
    }
}
impl_error_code!(NpsError, field);

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::problem::Problem;

    pub(in crate::community) fn every_error() -> Vec<NpsError> {
        use NpsError::*;
        vec![InvalidScore, CommentTooLong, NotAnAttendee, AlreadyAnswered, NotOpen, Closed]
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn scores(list: &[i64]) -> Vec<NpsScore> {
        list.iter().map(|s| NpsScore::new(*s).unwrap()).collect()
    }

    #[test]
    fn scores_and_categories() {
        assert_eq!(NpsScore::new(-1), None);
        assert_eq!(NpsScore::new(11), None);
        assert_eq!(NpsScore::new(i64::MAX), None);
        let categories: Vec<NpsCategory> = (0..=10).map(|s| NpsScore::new(s).unwrap().category()).collect();
        use NpsCategory::*;
        assert_eq!(
            categories,
            [Detractor, Detractor, Detractor, Detractor, Detractor, Detractor, Detractor, Passive, Passive, Promoter, Promoter]
        );
        assert_eq!(serde_json::to_string(&NpsScore::new(9).unwrap()).unwrap(), "9");
        assert_eq!(serde_json::from_str::<NpsScore>("10").unwrap().get(), 10);
        assert!(serde_json::from_str::<NpsScore>("11").is_err());
        assert_eq!(Promoter.label_zh(), "推荐者");
    }

    #[test]
    fn answers_are_checked_and_cleaned() {
        let a = NpsAnswer { score: 9, comment: Some("  扁豆很糯\r\n下次还来 ".into()) };
        assert_eq!(
            a.validate(),
            Ok(ValidNpsAnswer { score: NpsScore::new(9).unwrap(), comment: Some("扁豆很糯\n下次还来".into()) })
        );
        assert_eq!(NpsAnswer { score: 0, comment: Some(" ".into()) }.validate().unwrap().comment, None);
        assert!(NpsAnswer { score: 10, comment: Some("好".repeat(200)) }.validate().is_ok());
        assert_eq!(NpsAnswer { score: 10, comment: Some("好".repeat(201)) }.validate(), Err(NpsError::CommentTooLong));
        assert_eq!(NpsAnswer { score: 10, comment: Some("好\u{0}".into()) }.validate(), Err(NpsError::CommentTooLong));
        for bad in [-1, 11, i64::MIN] {
            assert_eq!(NpsAnswer { score: bad, comment: Some("好".repeat(201)) }.validate(), Err(NpsError::InvalidScore));
        }
        let a: NpsAnswer = serde_json::from_str(r#"{"score":-1}"#).unwrap();
        assert_eq!(a.validate(), Err(NpsError::InvalidScore), "out of range reaches validation");
    }

    #[test]
    fn who_and_when() {
        let starts = utc("2026-11-26T19:00:00+08:00");
        let during = starts + Duration::hours(1);
        assert_eq!(check_can_answer(Some(BookingStatus::CheckedIn), false, starts, during), Ok(()));
        assert_eq!(check_can_answer(Some(BookingStatus::CheckedIn), false, starts, starts), Ok(()));
        let closes = starts + Duration::days(NPS_ANSWER_DAYS);
        assert_eq!(check_can_answer(Some(BookingStatus::CheckedIn), false, starts, closes - Duration::seconds(1)), Ok(()));
        assert_eq!(check_can_answer(Some(BookingStatus::CheckedIn), false, starts, closes), Err(NpsError::Closed));
        assert_eq!(
            check_can_answer(Some(BookingStatus::CheckedIn), false, starts, starts - Duration::seconds(1)),
            Err(NpsError::NotOpen)
        );
        for s in BookingStatus::ALL.into_iter().filter(|s| *s != BookingStatus::CheckedIn) {
            assert_eq!(check_can_answer(Some(s), false, starts, during), Err(NpsError::NotAnAttendee), "{s}");
        }
        assert_eq!(check_can_answer(None, false, starts, during), Err(NpsError::NotAnAttendee));
        // Once; said even after the survey closed, and before it for an outsider.
        assert_eq!(check_can_answer(Some(BookingStatus::CheckedIn), true, starts, during), Err(NpsError::AlreadyAnswered));
        assert_eq!(check_can_answer(Some(BookingStatus::CheckedIn), true, starts, closes), Err(NpsError::AlreadyAnswered));
        assert_eq!(check_can_answer(None, true, starts, closes), Err(NpsError::NotAnAttendee));
        // Extreme instants do not panic.
        let attendee = Some(BookingStatus::CheckedIn);
        assert_eq!(check_can_answer(attendee, false, starts, DateTime::<Utc>::MIN_UTC), Err(NpsError::NotOpen));
        assert_eq!(check_can_answer(attendee, false, starts, DateTime::<Utc>::MAX_UTC), Err(NpsError::Closed));
    }

    #[test]
    fn the_score_is_promoters_minus_detractors() {
        // 5 promoters, 3 passives, 2 detractors of 10: 50% − 20% = 30.
        let s = NpsSummary::of(scores(&[10, 9, 9, 10, 9, 8, 7, 7, 6, 0]));
        assert_eq!((s.answers, s.promoters, s.passives, s.detractors), (10, 5, 3, 2));
        assert_eq!(s.nps, Nps::new(30));
        assert_eq!(NpsSummary::of(scores(&[10, 10])).nps, Nps::new(100));
        assert_eq!(NpsSummary::of(scores(&[0, 6])).nps, Nps::new(-100));
        assert_eq!(NpsSummary::of(scores(&[8, 7])).nps, Nps::new(0), "all passives is a real 0");
        let none = NpsSummary::of([]);
        assert_eq!((none.answers, none.nps), (0, None), "no answers, no score");
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json["nps"], 30, "an integer on the wire");
        assert_eq!(serde_json::from_value::<NpsSummary>(json).unwrap(), s);
        assert_eq!(serde_json::to_value(none).unwrap()["nps"], serde_json::Value::Null);
    }

    #[test]
    fn rounding_is_half_away_from_zero_and_exact() {
        let nps = |p, d, n| Nps::from_counts(p, d, n).map(Nps::get);
        assert_eq!(nps(1, 0, 3), Some(33)); // 33.33
        assert_eq!(nps(2, 0, 3), Some(67)); // 66.67
        assert_eq!(nps(0, 1, 3), Some(-33));
        assert_eq!(nps(0, 2, 3), Some(-67));
        assert_eq!(nps(67, 0, 200), Some(34), "33.5 rounds up"); // 33.5
        assert_eq!(nps(0, 67, 200), Some(-34), "-33.5 rounds down, like good news rounds up");
        assert_eq!(nps(1, 0, 200), Some(1)); // 0.5
        assert_eq!(nps(0, 1, 201), Some(0)); // -0.497…
        assert_eq!(nps(1, 1, 7), Some(0));
        assert_eq!(nps(3, 1, 7), Some(29)); // 28.57

        // Impossible counts and no answers have no score.
        assert_eq!(nps(2, 2, 3), None);
        assert_eq!(nps(0, 0, 0), None);
        assert_eq!(nps(u32::MAX, 0, u32::MAX), Some(100));
        assert_eq!(nps(0, u32::MAX, u32::MAX), Some(-100));
        // Across every small case, the integer result matches the exact rational rounding.
        for n in 1..=40u32 {
            for p in 0..=n {
                for d in 0..=(n - p) {
                    let exact = 100 * (i64::from(p) - i64::from(d));
                    let (whole, rest) = (exact / i64::from(n), exact % i64::from(n));
                    let away = if 2 * rest.abs() >= i64::from(n) { whole + exact.signum() } else { whole };
                    assert_eq!(nps(p, d, n), Some(away as i32), "{p} {d} {n}");
                }
            }
        }
    }

    #[test]
    fn nps_type_bounds_and_display() {
        assert_eq!(Nps::new(101), None);
        assert_eq!(Nps::new(-101), None);
        assert_eq!(Nps::new(-12).unwrap().to_string(), "-12");
        assert_eq!(Nps::new(34).unwrap().to_string(), "34");
        assert!(serde_json::from_str::<Nps>("120").is_err());
        assert_eq!(serde_json::from_str::<Nps>("-100").unwrap(), Nps::new(-100).unwrap());
    }

    #[test]
    fn problems() {
        let p = Problem::from_error(&NpsError::NotAnAttendee);
        assert_eq!((p.status, p.title.as_str()), (403, "签到参加品鉴会后才能评分"));
        let p = Problem::from_error(&NpsError::InvalidScore);
        assert_eq!((p.status, p.errors[0].field.as_str()), (422, "score"));
    }
}
