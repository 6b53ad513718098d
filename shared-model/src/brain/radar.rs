//! 需求雷达: what residents ask for, in their own words, grouped into topics.
//!
//! Rules, in the order they apply:
//! 1. **Voices.** Wishes, live-room comments, review texts and searches that found
//!    nothing, each with its author and time ([`Voice`]). This week is the 7 days before
//!    `now`, last week the 7 before that; older voices are not read.
//! 2. **Words.** Each text is cut into words by a real segmenter ([`WordCutter`]; the
//!    worker's is [`Segmenter`](super::Segmenter), jieba, behind the `segment` feature).
//!    A word is kept ([`keywords`]) when it holds a letter or a Chinese character, is not
//!    a stop word (particles, pronouns, asking words such as 想要 and 有没有, praise such as
//!    好吃), is not a count (两盒, 3斤), and is not one Chinese character unless that
//!    character names a food (鱼, 蛋, 梨). Full-width letters and digits are read as
//!    half-width and Latin letters in lower case. Synonyms are read as one word
//!    ([`SYNONYMS`]: 西红柿 is 番茄, 零糖 is 无糖). One voice says a word once.
//! 3. **Topics.** Words are taken most residents first (this week, then both weeks, then
//!    shorter, then by text). A word that holds an earlier topic's word, or is held by it
//!    (希腊酸奶 and 酸奶), joins that topic and counts for it. A word nearly always said
//!    with an earlier topic's word (by at least [`ATTACH_PERCENT`]% of the residents who
//!    say it: 云南 with 蓝莓) describes that topic instead of being one. Any other word said
//!    by at least [`MIN_TOPIC_RESIDENTS`] residents starts a topic.
//! 4. **Counts** are distinct residents who said any of the topic's words, this week and
//!    last week; mentions are this week's voices. A topic's related words are the words
//!    most said with it (by at least two residents), at most [`MAX_RELATED`].
//! 5. **Rising**: at least [`MIN_RISING_RESIDENTS`] residents this week, and at least
//!    twice last week's.
//! 6. **Evidence**: the topic's sentences, this week's newest first, then last week's,
//!    each text once, at most [`MAX_EVIDENCE`].
//! 7. **Order**: most residents this week first, then last week, then the keyword; at
//!    most [`MAX_TOPICS`] topics.

use crate::ids::{stored_forms, PersonId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Residents needed for a word to start a topic.
pub const MIN_TOPIC_RESIDENTS: usize = 2;
/// Residents this week needed for a topic to be rising.
pub const MIN_RISING_RESIDENTS: u32 = 5;
/// Share (percent) of a word's residents who said it with a topic's word for it to
/// describe that topic.
pub const ATTACH_PERCENT: usize = 80;
/// Related words shown per topic.
pub const MAX_RELATED: usize = 4;
/// Sentences kept per topic.
pub const MAX_EVIDENCE: usize = 5;
/// Topics returned.
pub const MAX_TOPICS: usize = 30;
/// Days in a week of the radar.
pub const RADAR_WEEK_DAYS: i64 = 7;

/// Words read as another (rule 2): `(said, read as)`.
pub const SYNONYMS: [(&str, &str); 10] = [
    ("西红柿", "番茄"),
    ("马铃薯", "土豆"),
    ("洋芋", "土豆"),
    ("零糖", "无糖"),
    ("0糖", "无糖"),
    ("酸牛奶", "酸奶"),
    ("牛乳", "牛奶"),
    ("凤梨", "菠萝"),
    ("奇异果", "猕猴桃"),
    ("草鸡蛋", "土鸡蛋"),
];

/// Words that say nothing about what is wanted (rule 2).
const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "哦",
    "嗯",
    "哈",
    "哈哈",
    "啦",
    "嘛",
    "么",
    "是",
    "在",
    "有",
    "和",
    "与",
    "跟",
    "也",
    "都",
    "就",
    "还",
    "又",
    "很",
    "太",
    "更",
    "最",
    "好",
    "不",
    "没",
    "要",
    "会",
    "能",
    "去",
    "来",
    "到",
    "给",
    "让",
    "把",
    "被",
    "对",
    "从",
    "买",
    "卖",
    "请",
    "我",
    "你",
    "他",
    "她",
    "它",
    "我们",
    "你们",
    "他们",
    "大家",
    "自己",
    "这",
    "那",
    "这个",
    "那个",
    "这些",
    "那些",
    "这种",
    "什么",
    "怎么",
    "怎么样",
    "为什么",
    "多少",
    "哪里",
    "哪个",
    "时候",
    "什么时候",
    "想",
    "想要",
    "希望",
    "能不能",
    "可不可以",
    "可以",
    "有没有",
    "没有",
    "还有",
    "还是",
    "一下",
    "一点",
    "一些",
    "一起",
    "一直",
    "已经",
    "真的",
    "非常",
    "特别",
    "比较",
    "就是",
    "但是",
    "不过",
    "或者",
    "然后",
    "因为",
    "所以",
    "如果",
    "可能",
    "应该",
    "需要",
    "觉得",
    "感觉",
    "知道",
    "看看",
    "看到",
    "东西",
    "店长",
    "老板",
    "主播",
    "今天",
    "明天",
    "昨天",
    "现在",
    "上次",
    "下次",
    "每次",
    "最近",
    "以后",
    "之前",
    "多",
    "少",
    "点",
    "个",
    "次",
    "种",
    "进",
    "进点",
    "进货",
    "到货",
    "上架",
    "有货",
    "好吃",
    "不错",
    "喜欢",
    "满意",
    "推荐",
    "谢谢",
    "支持",
    "最好",
    "一定",
    "再",
    "吃",
    "买到",
    "还会",
    "回购",
    "下单",
    "不能",
    "不是",
    "不要",
    "我要",
    "我想",
    "求",
];

/// One-character words that name a food and stay (rule 2).
const FOOD_CHARACTERS: &str = "鱼虾蟹肉蛋菜米面梨桃枣姜蒜葱鸡鸭鹅奶茶糖油盐醋酒笋藕杏橙柚瓜豆粥饼糕";

/// Characters that make a count when they start a word (rule 2).
const NUMERALS: &str = "0123456789一二两三四五六七八九十几半每";
/// Measure words of a count.
const MEASURES: &str = "盒斤个只袋包瓶份箱块杯条根颗克次点些种天周串把罐桶";

/// Where a voice was heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VoiceSource {
    /// A 心愿单 wish.
    Wish,
    /// A live-room comment.
    LiveComment,
    /// A review's text.
    Review,
    /// A search that found nothing.
    EmptySearch,
}

stored_forms!(VoiceSource, "voice source", {
    Wish => "wish",
    LiveComment => "live_comment",
    Review => "review",
    EmptySearch => "empty_search",
});

/// One thing a resident said (or searched for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voice {
    /// Who.
    pub person: PersonId,
    /// Where.
    pub source: VoiceSource,
    /// What, as written.
    pub text: String,
    /// When.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
}

/// Cuts a text into words. The worker's is jieba ([`Segmenter`](super::Segmenter)).
pub trait WordCutter {
    /// The words of `text`, in order, punctuation included.
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str>;
}

/// A sentence behind a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Where it was said.
    pub source: VoiceSource,
    /// What was said.
    pub text: String,
    /// When.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
}

/// A topic of the radar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Topic {
    /// The word the topic is named by.
    pub keyword: String,
    /// Every word counted for it (the keyword first, then the words that hold it or that
    /// it holds).
    pub words: Vec<String>,
    /// Words most said with it.
    pub related: Vec<String>,
    /// Distinct residents who said it this week.
    pub residents_this_week: u32,
    /// Distinct residents who said it last week.
    pub residents_last_week: u32,
    /// This week's voices that said it.
    pub mentions_this_week: u32,
    /// This week's voices by where they were heard.
    pub sources: BTreeMap<VoiceSource, u32>,
    /// Rule 5.
    pub rising: bool,
    /// The sentences behind it (rule 6).
    pub evidence: Vec<Evidence>,
}

/// The radar of a store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Radar {
    /// Topics, in order (rule 7).
    pub topics: Vec<Topic>,
    /// Voices read this week.
    pub voices_this_week: u32,
    /// Distinct residents heard this week.
    pub residents_this_week: u32,
}

impl Radar {
    /// The rising topics, in order.
    pub fn rising(&self) -> impl Iterator<Item = &Topic> {
        self.topics.iter().filter(|t| t.rising)
    }
}

/// `word` as the radar reads it: half-width, lower case, synonyms resolved (rule 2).
fn normalize(word: &str) -> String {
    let word: String = word
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SYNONYMS.iter().find(|(said, _)| *said == word).map_or(word, |(_, read)| (*read).to_owned())
}

/// Whether a normalized word is kept (rule 2).
fn is_keyword(word: &str) -> bool {
    let mut chars = word.chars();
    let (Some(first), rest) = (chars.next(), chars.as_str()) else { return false };
    if !word.chars().any(char::is_alphabetic) || STOP_WORDS.contains(&word) {
        return false;
    }
    if NUMERALS.contains(first) && !rest.is_empty() && rest.chars().all(|c| MEASURES.contains(c) || NUMERALS.contains(c)) {
        return false;
    }
    match word.chars().count() {
        1 => FOOD_CHARACTERS.contains(first),
        _ => true,
    }
}

/// The keywords of `text`, in order of first use, each once (rule 2).
pub fn keywords(text: &str, cutter: &impl WordCutter) -> Vec<String> {
    let mut seen = BTreeSet::new();
    cutter.cut(text).into_iter().map(normalize).filter(|w| is_keyword(w) && seen.insert(w.clone())).collect()
}

/// Which week a voice falls in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Week {
    This,
    Last,
}

/// What one word gathered: who said it each week, and in which voices.
#[derive(Default)]
struct WordStats {
    this_week: BTreeSet<usize>,
    last_week: BTreeSet<usize>,
    voices: Vec<usize>,
}

impl WordStats {
    fn residents(&self) -> usize {
        self.this_week.union(&self.last_week).count()
    }
}

/// The radar of `voices` at `now` (see the module doc).
pub fn radar(voices: &[Voice], now: DateTime<Utc>, cutter: &impl WordCutter) -> Radar {
    let week = Duration::days(RADAR_WEEK_DAYS);
    // Residents as small numbers, voices with their week and words.
    let mut people: BTreeMap<&PersonId, usize> = BTreeMap::new();
    let mut heard: Vec<(&Voice, usize, Week, Vec<String>)> = Vec::new();
    for voice in voices {
        let age = now - voice.at;
        let when = match age {
            a if a < Duration::zero() => continue,
            a if a < week => Week::This,
            a if a < week + week => Week::Last,
            _ => continue,
        };
        let next = people.len();
        let who = *people.entry(&voice.person).or_insert(next);
        heard.push((voice, who, when, keywords(&voice.text, cutter)));
    }
    let mut stats: BTreeMap<&str, WordStats> = BTreeMap::new();
    for (i, (_, who, when, words)) in heard.iter().enumerate() {
        for word in words {
            let s = stats.entry(word.as_str()).or_default();
            match when {
                Week::This => s.this_week.insert(*who),
                Week::Last => s.last_week.insert(*who),
            };
            s.voices.push(i);
        }
    }
    let mut order: Vec<&str> = stats.keys().copied().collect();
    order.sort_by(|a, b| {
        let (sa, sb) = (&stats[a], &stats[b]);
        sb.this_week
            .len()
            .cmp(&sa.this_week.len())
            .then_with(|| sb.residents().cmp(&sa.residents()))
            .then_with(|| a.chars().count().cmp(&b.chars().count()))
            .then_with(|| a.cmp(b))
    });

    // Rule 3: each topic is its words; a word describing a topic is left out of all.
    let mut topics: Vec<Vec<&str>> = Vec::new();
    for word in order {
        let near = |w: &str| w.chars().count() >= 2 && word.chars().count() >= 2 && (word.contains(w) || w.contains(word));
        if let Some(topic) = topics.iter_mut().find(|t| near(t[0])) {
            topic.push(word);
            continue;
        }
        let said_by = |w: &str, voice: usize| heard[voice].3.iter().any(|x| x == w);
        let own = &stats[word];
        let residents = own.residents();
        let describes = topics.iter().any(|t| {
            let with: BTreeSet<usize> =
                own.voices.iter().filter(|&&v| t.iter().any(|w| said_by(w, v))).map(|&v| heard[v].1).collect();
            with.len() * 100 >= residents * ATTACH_PERCENT
        });
        if !describes && residents >= MIN_TOPIC_RESIDENTS {
            topics.push(vec![word]);
        }
    }

    let mut out: Vec<Topic> = topics.iter().map(|words| topic_of(words, &heard, &stats)).collect();
    out.sort_by(|a, b| {
        b.residents_this_week
            .cmp(&a.residents_this_week)
            .then_with(|| b.residents_last_week.cmp(&a.residents_last_week))
            .then_with(|| a.keyword.cmp(&b.keyword))
    });
    out.truncate(MAX_TOPICS);
    let this_week: Vec<_> = heard.iter().filter(|h| h.2 == Week::This).collect();
    Radar {
        topics: out,
        voices_this_week: count(this_week.len()),
        residents_this_week: count(this_week.iter().map(|h| h.1).collect::<BTreeSet<_>>().len()),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts, related words and evidence of the topic of `words` (rules 4–6).
fn topic_of(words: &[&str], heard: &[(&Voice, usize, Week, Vec<String>)], stats: &BTreeMap<&str, WordStats>) -> Topic {
    let voices: BTreeSet<usize> = words.iter().flat_map(|w| stats[w].voices.iter().copied()).collect();
    let residents =
        |week: Week| count(voices.iter().filter(|&&v| heard[v].2 == week).map(|&v| heard[v].1).collect::<BTreeSet<_>>().len());
    let (this_week, last_week) = (residents(Week::This), residents(Week::Last));
    let mut sources = BTreeMap::new();
    let mut mentions = 0;
    for &v in voices.iter().filter(|&&v| heard[v].2 == Week::This) {
        *sources.entry(heard[v].0.source).or_insert(0) += 1;
        mentions += 1;
    }
    let mut with: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for &v in &voices {
        for w in heard[v].3.iter().filter(|w| !words.contains(&w.as_str())) {
            with.entry(w.as_str()).or_default().insert(heard[v].1);
        }
    }
    let mut related: Vec<(&str, usize)> = with.into_iter().map(|(w, r)| (w, r.len())).filter(|(_, n)| *n >= 2).collect();
    related.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut newest: Vec<usize> = voices.iter().copied().collect();
    newest.sort_by(|&a, &b| {
        let (va, vb) = (&heard[a], &heard[b]);
        (va.2 == Week::Last).cmp(&(vb.2 == Week::Last)).then_with(|| vb.0.at.cmp(&va.0.at)).then_with(|| a.cmp(&b))
    });
    let mut texts = BTreeSet::new();
    let evidence = newest
        .into_iter()
        .map(|v| heard[v].0)
        .filter(|voice| texts.insert(voice.text.trim()))
        .take(MAX_EVIDENCE)
        .map(|voice| Evidence { source: voice.source, text: voice.text.trim().to_owned(), at: voice.at })
        .collect();
    Topic {
        keyword: words[0].to_owned(),
        words: words.iter().map(|w| (*w).to_owned()).collect(),
        related: related.into_iter().take(MAX_RELATED).map(|(w, _)| w.to_owned()).collect(),
        residents_this_week: this_week,
        residents_last_week: last_week,
        mentions_this_week: mentions,
        sources,
        rising: this_week >= MIN_RISING_RESIDENTS && this_week >= 2 * last_week,
        evidence,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Cuts at spaces and keeps punctuation apart: the tests write sentences pre-cut, so
    /// the grouping rules are checked without the `segment` feature.
    pub(crate) struct Spaces;

    impl WordCutter for Spaces {
        fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
            text.split(|c: char| c.is_whitespace() || "，。！？,.!?".contains(c)).filter(|w| !w.is_empty()).collect()
        }
    }

    pub(crate) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 10, 8, 0, 0).unwrap()
    }

    pub(crate) fn voice(person: &str, source: VoiceSource, days_ago: i64, text: &str) -> Voice {
        Voice { person: PersonId::parse(person).unwrap(), source, text: text.into(), at: now() - Duration::days(days_ago) }
    }

    #[test]
    fn keywords_drop_stop_words_counts_and_lone_characters() {
        assert_eq!(keywords("想要 云南 蓝莓 ， 最好 是 大果 的", &Spaces), ["云南", "蓝莓", "大果"]);
        assert_eq!(keywords("有没有 两盒 装 的 鱼 ？ 3斤 也 行", &Spaces), ["鱼"]);
        assert_eq!(keywords("三文鱼 一点 半斤", &Spaces), ["三文鱼"]);
        assert_eq!(keywords("ＡＢＣ 牛奶 abc 西红柿 番茄", &Spaces), ["abc", "牛奶", "番茄"]);
        assert_eq!(keywords("！！ 123 ～", &Spaces), Vec::<String>::new());
    }

    /// A week of 无糖 (5 residents; 2 last week), 酸奶 and its near words, 蓝莓 with 云南.
    fn corpus() -> Vec<Voice> {
        use VoiceSource::*;
        vec![
            voice("a", Wish, 1, "想要 无糖 酸奶"),
            voice("b", LiveComment, 2, "有没有 无糖 的 希腊酸奶"),
            voice("c", Review, 3, "酸奶 太甜 了 ， 希望 出 无糖 的"),
            voice("d", EmptySearch, 1, "零糖"),
            voice("e", Wish, 6, "无糖 豆浆"),
            voice("e", LiveComment, 5, "无糖 豆浆 什么时候 有"),
            voice("a", Wish, 9, "无糖 酸奶"),
            voice("f", Wish, 10, "无糖 饼干"),
            voice("g", Wish, 1, "云南 蓝莓"),
            voice("h", LiveComment, 2, "云南 蓝莓 大果"),
            voice("i", EmptySearch, 0, "蓝莓"),
            voice("m", Review, 2, "酸奶 很 浓"),
            voice("n", Wish, 4, "老酸奶"),
            voice("j", Wish, 20, "榴莲 榴莲 榴莲"),
            voice("k", Wish, 20, "榴莲"),
        ]
    }

    #[test]
    fn topics_count_distinct_residents_per_week_with_near_words_and_synonyms() {
        let r = radar(&corpus(), now(), &Spaces);
        assert_eq!((r.voices_this_week, r.residents_this_week), (11, 10));
        let names: Vec<&str> = r.topics.iter().map(|t| t.keyword.as_str()).collect();
        // 无糖: a–e this week (d searched 零糖, e said it twice), a and f last week.
        // 酸奶 with its near words 老酸奶 and 希腊酸奶: a, b, c, m, n; a last week.
        // 蓝莓: g, h, i. 榴莲 is three weeks old.
        assert_eq!(names, ["无糖", "酸奶", "蓝莓"]);
        let sugar = &r.topics[0];
        assert_eq!((sugar.residents_this_week, sugar.residents_last_week, sugar.mentions_this_week), (5, 2, 6));
        assert!(sugar.rising, "5 this week, at least twice 2");
        assert_eq!(sugar.related, ["酸奶"], "said with it by a and c; 豆浆 by e alone");
        assert_eq!(
            sugar.sources,
            [(VoiceSource::Wish, 2), (VoiceSource::LiveComment, 2), (VoiceSource::Review, 1), (VoiceSource::EmptySearch, 1)]
                .into()
        );
        let yoghurt = &r.topics[1];
        assert_eq!(yoghurt.words, ["酸奶", "老酸奶", "希腊酸奶"]);
        assert_eq!((yoghurt.residents_this_week, yoghurt.residents_last_week, yoghurt.mentions_this_week), (5, 1, 5));
        // 云南 is always said with 蓝莓: it describes the topic, it is not one.
        let berry = &r.topics[2];
        assert_eq!((berry.words.as_slice(), berry.related.as_slice()), (&["蓝莓".to_owned()][..], &["云南".to_owned()][..]));
        assert_eq!((berry.residents_this_week, berry.rising), (3, false));
        // 豆浆 and 饼干 are always said with 无糖, and one resident's each.
        assert!(!names.contains(&"云南") && !names.contains(&"豆浆"));
    }

    /// Without the 酸奶 said alone (m, n), every 酸奶 comes with 无糖: it describes 无糖.
    #[test]
    fn a_word_nearly_always_said_with_a_topic_describes_it() {
        let voices: Vec<Voice> = corpus().into_iter().filter(|v| !["m", "n"].contains(&v.person.as_str())).collect();
        let r = radar(&voices, now(), &Spaces);
        let names: Vec<&str> = r.topics.iter().map(|t| t.keyword.as_str()).collect();
        assert_eq!(names, ["无糖", "蓝莓"]);
    }

    #[test]
    fn evidence_is_this_weeks_newest_first_each_text_once() {
        let mut voices = corpus();
        voices.push(voice("z", VoiceSource::Wish, 0, " 想要 无糖 酸奶 "));
        voices.push(voice("y", VoiceSource::Wish, 0, "想要 无糖 酸奶"));
        let r = radar(&voices, now(), &Spaces);
        let texts: Vec<&str> = r.topics[0].evidence.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            ["想要 无糖 酸奶", "零糖", "有没有 无糖 的 希腊酸奶", "酸奶 太甜 了 ， 希望 出 无糖 的", "无糖 豆浆 什么时候 有"]
        );
        assert_eq!(r.topics[0].residents_this_week, 7);
    }

    #[test]
    fn rising_needs_five_residents_and_twice_last_week() {
        let mut voices: Vec<Voice> = (0..5).map(|i| voice(&format!("n{i}"), VoiceSource::Wish, 1, "车厘子")).collect();
        assert!(radar(&voices, now(), &Spaces).topics[0].rising, "5 against none");
        voices.extend((0..3).map(|i| voice(&format!("o{i}"), VoiceSource::Wish, 8, "车厘子")));
        let t = &radar(&voices, now(), &Spaces).topics[0];
        assert_eq!((t.residents_this_week, t.residents_last_week, t.rising), (5, 3, false));
        voices.truncate(4);
        assert!(!radar(&voices, now(), &Spaces).topics[0].rising, "4 is too few");
    }

    #[test]
    fn voices_outside_the_two_weeks_or_from_the_future_are_not_read() {
        let voices = [voice("a", VoiceSource::Wish, 14, "榴莲"), voice("b", VoiceSource::Wish, -1, "榴莲")];
        assert_eq!(radar(&voices, now(), &Spaces), Radar::default());
    }

    #[test]
    fn sources_have_stored_forms() {
        assert_eq!(VoiceSource::EmptySearch.as_str(), "empty_search");
        assert_eq!(VoiceSource::parse("live_comment"), Ok(VoiceSource::LiveComment));
    }
}
