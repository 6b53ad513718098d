//! How good a ranked list is against the basket that really came next: Recall@k and
//! NDCG@k with every distinct product of that basket relevant, the measures of the
//! next-basket literature (TIFU-KNN; "A Next Basket Recommendation Reality Check").

use std::collections::HashSet;
use std::hash::Hash;

/// Share of the real basket's distinct products found in the first `k` of `ranked`.
pub fn recall_at<K: Eq + Hash>(ranked: &[K], basket: &HashSet<K>, k: usize) -> f64 {
    if basket.is_empty() {
        return 0.0;
    }
    let hits = ranked.iter().take(k).filter(|p| basket.contains(*p)).count();
    hits as f64 / basket.len() as f64
}

/// Discounted gain of the hits in the first `k` of `ranked`, over the best possible.
pub fn ndcg_at<K: Eq + Hash>(ranked: &[K], basket: &HashSet<K>, k: usize) -> f64 {
    let gain = |position: usize| 1.0 / ((position + 2) as f64).log2();
    let dcg: f64 = ranked.iter().take(k).enumerate().filter(|(_, p)| basket.contains(*p)).map(|(i, _)| gain(i)).sum();
    let ideal: f64 = (0..basket.len().min(k)).map(gain).sum();
    if ideal > 0.0 {
        dcg / ideal
    } else {
        0.0
    }
}

/// Mean Recall@k and NDCG@k over many residents.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub recall: f64,
    pub ndcg: f64,
    pub residents: usize,
}

impl Scores {
    /// Adds one resident's ranked list against her real next basket.
    pub fn add<K: Eq + Hash>(&mut self, ranked: &[K], basket: &HashSet<K>, k: usize) {
        let n = self.residents as f64;
        self.recall = (self.recall * n + recall_at(ranked, basket, k)) / (n + 1.0);
        self.ndcg = (self.ndcg * n + ndcg_at(ranked, basket, k)) / (n + 1.0);
        self.residents += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_and_ndcg_count_hits_and_where_they_are() {
        let basket: HashSet<u32> = [1, 2].into_iter().collect();
        assert_eq!(recall_at(&[1, 3, 4], &basket, 10), 0.5);
        assert_eq!(ndcg_at(&[1, 2, 3], &basket, 10), 1.0);
        let late = ndcg_at(&[3, 4, 1], &basket, 10);
        assert!(late > 0.0 && late < ndcg_at(&[1, 3, 4], &basket, 10));
        assert_eq!(recall_at(&[3, 4, 1], &basket, 2), 0.0);
        let mut scores = Scores::default();
        scores.add(&[1, 2], &basket, 10);
        scores.add(&[3], &basket, 10);
        assert_eq!((scores.recall, scores.ndcg, scores.residents), (0.5, 0.5, 2));
    }
}
