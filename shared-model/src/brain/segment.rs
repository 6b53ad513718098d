//! Chinese word segmentation for the radar: jieba-rs with a dictionary small enough for
//! the worker. Only with the `segment` feature (the worker's); the browser bundles never
//! carry it.
//!
//! Why not jieba-rs's own dictionary: it is 349 046 words, which with the zstd decoder it
//! is packed with adds about 3.1 MB (2.4 MB gzip) to a wasm32 release build, needs a C
//! compiler for wasm (clang) to build at all, and takes about a quarter of a second to
//! load natively. Instead `data/segment-words.txt` holds 35 261 of its words with their
//! frequencies: the 20 000 most frequent, and every 2–4 character word of at least
//! frequency 3 that holds a food character (果, 莓, 奶, 菜, 肉, 鱼, …), so the radar's
//! vocabulary is there in full. It loads in about 13 ms natively. [`DOMAIN_WORDS`] adds
//! the shop words jieba lacks (无糖, 低脂, 土鸡蛋, 车厘子, …). Every word kept has jieba's
//! own frequency, so the cut is jieba's cut wherever both know the words; jieba's HMM
//! still joins characters of unknown words. `data/make-segment-words.py` makes the file
//! from jieba-rs 0.11.0's `src/data/dict.txt` (MIT licence, © messense and the jieba
//! authors).
//!
//! Measured (wasm32-unknown-unknown, this workspace's release profile: opt-level z, LTO,
//! one codegen unit; a cdylib calling [`radar`](super::radar) on one voice): 200 014
//! bytes (72 055 gzip) with a trivial cutter, 1 279 777 (490 540 gzip) with this
//! segmenter, so it adds about 1.08 MB (418 KB gzip): about 0.41 MB of it this
//! dictionary, the rest jieba's code and the HMM tables it compiles in. For comparison, a
//! cdylib that only segments: 781 374 bytes with jieba and no dictionary, 3 176 176
//! (2 472 002 gzip) with jieba's default dictionary.

use super::radar::WordCutter;
use jieba_rs::Jieba;

/// The trimmed dictionary (`word frequency` per line).
const WORDS: &str = include_str!("../../data/segment-words.txt");

/// Shop words jieba's dictionary lacks or ranks too low to cut out, added at a frequency
/// that wins over the split a shopper's sentence would otherwise get (`有无/糖`).
pub const DOMAIN_WORDS: [&str; 24] = [
    "无糖",
    "低糖",
    "零糖",
    "低脂",
    "脱脂",
    "全脂",
    "土鸡蛋",
    "草鸡蛋",
    "车厘子",
    "口感",
    "到货",
    "大果",
    "崇明",
    "散养",
    "现烤",
    "冷鲜",
    "冰鲜",
    "净菜",
    "预制菜",
    "圣女果",
    "沃柑",
    "丑橘",
    "燕麦奶",
    "鸡胸肉",
];

/// The frequency [`DOMAIN_WORDS`] are added at.
const DOMAIN_WORD_FREQ: usize = 3000;

/// A loaded segmenter. Build it once per job and cut many texts with it.
#[derive(Debug)]
pub struct Segmenter {
    jieba: Jieba,
}

impl Segmenter {
    /// The trimmed dictionary plus [`DOMAIN_WORDS`].
    pub fn new() -> Self {
        Self::with_words([])
    }

    /// As [`Segmenter::new`], plus `words` (e.g. the store's product names' parts, or an
    /// owner's own terms), each cut out whole.
    pub fn with_words<'w>(words: impl IntoIterator<Item = &'w str>) -> Self {
        // The embedded file is checked by a test; were it broken, segmenting by jieba's
        // HMM alone still works, so this never panics.
        let mut jieba = Jieba::with_dict(&mut WORDS.as_bytes()).unwrap_or_else(|_| Jieba::empty());
        for word in DOMAIN_WORDS.into_iter().chain(words) {
            let word = word.trim();
            if !word.is_empty() {
                jieba.add_word(word, Some(DOMAIN_WORD_FREQ), None);
            }
        }
        Segmenter { jieba }
    }

    /// Whether the dictionary knows `word`.
    pub fn knows(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }
}

impl Default for Segmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl WordCutter for Segmenter {
    fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba.cut(text, true).into_iter().map(|t| t.word).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::radar::keywords;

    #[test]
    fn the_embedded_dictionary_loads_whole() {
        let s = Segmenter::new();
        assert_eq!(WORDS.lines().count(), 35_261);
        for word in ["我们", "酸奶", "蓝莓", "牛油果", "白扁豆", "无糖", "土鸡蛋"] {
            assert!(s.knows(word), "{word}");
        }
    }

    #[test]
    fn shoppers_sentences_are_cut_into_words() {
        let s = Segmenter::new();
        let cut = |text: &str| s.cut(text).join("/");
        assert_eq!(cut("希望有无糖酸奶"), "希望/有/无糖/酸奶");
        assert_eq!(cut("想要云南蓝莓，最好是大果的"), "想要/云南/蓝莓/，/最好/是/大果/的");
        assert_eq!(cut("土鸡蛋还有吗"), "土鸡蛋/还有/吗");
        assert_eq!(cut("车厘子太贵了，有没有便宜点的"), "车厘子/太贵/了/，/有没有/便宜/点/的");
        assert_eq!(cut("能不能进点崇明白扁豆"), "能/不能/进点/崇明/白扁豆");
        // Keywords drop the asking words, particles and punctuation.
        assert_eq!(keywords("无糖的希腊酸奶什么时候到货？", &s), ["无糖", "希腊", "酸奶"]);
        assert_eq!(keywords("主播，草莓还有吗？我要两盒！", &s), ["草莓"]);
    }

    #[test]
    fn extra_words_are_cut_out_whole() {
        let s = Segmenter::with_words(["阳光玫瑰"]);
        assert_eq!(s.cut("阳光玫瑰葡萄甜吗"), ["阳光玫瑰", "葡萄", "甜", "吗"]);
    }
}
