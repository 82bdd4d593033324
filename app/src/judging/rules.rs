//! The rules of judging as plain functions: a rubric that adds up, a score within the scale, who
//! judges which entry, and how scores become a ranking.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// One criterion of a rubric, with its weight in percent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: i64,
    pub name_vi: String,
    pub name_en: String,
    pub guidance_vi: String,
    pub guidance_en: String,
    pub weight: i32,
    pub comment_required: bool,
}

/// The scale every criterion is scored on, for example 1 to 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub min: i32,
    pub max: i32,
}

impl Default for Scale {
    fn default() -> Self {
        Scale { min: 1, max: 10 }
    }
}

impl Scale {
    pub fn contains(self, value: i32) -> bool {
        (self.min..=self.max).contains(&value)
    }

    pub fn values(self) -> impl Iterator<Item = i32> {
        self.min..=self.max
    }
}

pub const MAX_CRITERIA: usize = 10;

/// A rubric is one to ten named criteria whose weights, each above zero, add up to 100, on a
/// scale of at least two points between 0 and 100.
pub fn check_rubric(criteria: &[Criterion], scale: Scale) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if criteria.is_empty() || criteria.len() > MAX_CRITERIA {
        errors.push(FieldError::new("criteria", "error.rubric_size").with("max", MAX_CRITERIA));
    }
    for (i, c) in criteria.iter().enumerate() {
        if let Some(e) = FieldError::length(&format!("name_vi_{i}"), &c.name_vi, 2, 120) {
            errors.push(e);
        }
        if let Some(e) = FieldError::length(&format!("name_en_{i}"), &c.name_en, 0, 120) {
            errors.push(e);
        }
        for (field, text) in [
            ("guidance_vi", &c.guidance_vi),
            ("guidance_en", &c.guidance_en),
        ] {
            if let Some(e) = FieldError::length(&format!("{field}_{i}"), text, 0, 1000) {
                errors.push(e);
            }
        }
        if !(1..=100).contains(&c.weight) {
            errors.push(FieldError::new(
                &format!("weight_{i}"),
                "error.weight_range",
            ));
        }
    }
    let total: i32 = criteria.iter().map(|c| c.weight).sum();
    if !criteria.is_empty() && total != 100 {
        errors.push(FieldError::new("weights", "error.weights_total").with("total", total));
    }
    if scale.min < 0 || scale.max > 100 || scale.max - scale.min < 1 {
        errors.push(FieldError::new("scale", "error.scale_invalid"));
    }
    errors
}

/// A judge's marks for one entry: a value per criterion, a comment per criterion, and an overall
/// comment for the team.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    pub values: BTreeMap<i64, i32>,
    pub comments: BTreeMap<i64, String>,
    pub overall: String,
}

/// A draft may be partial, but never outside the scale or for a criterion the rubric lacks.
pub fn check_draft_marks(criteria: &[Criterion], scale: Scale, marks: &Marks) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (id, value) in &marks.values {
        if !criteria.iter().any(|c| c.id == *id) {
            errors.push(FieldError::new(
                &format!("value_{id}"),
                "error.criterion_unknown",
            ));
        } else if !scale.contains(*value) {
            errors.push(
                FieldError::new(&format!("value_{id}"), "error.score_range")
                    .with("min", scale.min)
                    .with("max", scale.max),
            );
        }
    }
    for (id, comment) in &marks.comments {
        if let Some(e) = FieldError::length(&format!("comment_{id}"), comment, 0, 4000) {
            errors.push(e);
        }
    }
    if let Some(e) = FieldError::length("overall", &marks.overall, 0, 4000) {
        errors.push(e);
    }
    errors
}

/// A submitted score has a value for every criterion and the comments the rubric requires.
pub fn check_submitted_marks(
    criteria: &[Criterion],
    scale: Scale,
    marks: &Marks,
) -> Vec<FieldError> {
    let mut errors = check_draft_marks(criteria, scale, marks);
    for c in criteria {
        let field = format!("value_{}", c.id);
        if !marks.values.contains_key(&c.id) && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::new(&field, "error.score_missing"));
        }
        let comment = marks.comments.get(&c.id).map(|s| s.trim()).unwrap_or("");
        if c.comment_required && comment.is_empty() {
            errors.push(FieldError::new(
                &format!("comment_{}", c.id),
                "error.comment_required",
            ));
        }
    }
    errors
}

/// The weighted total of complete marks, on the rubric's scale.
pub fn weighted_total(criteria: &[Criterion], marks: &Marks) -> Option<f64> {
    let mut total = 0.0;
    for c in criteria {
        total += f64::from(*marks.values.get(&c.id)?) * f64::from(c.weight);
    }
    Some(total / 100.0)
}

/// Who judges which entry. `conflicts` and `recused` pairs (judge, entry) are never assigned;
/// `existing` pairs are kept. Each entry gets judges until it has `k`, taking the least loaded
/// judges first, so that without conflicts the judges' loads differ by at most one.
pub struct Assignment {
    pub pairs: BTreeSet<(i64, i64)>,
    /// Entries that could not reach `k` judges, with how many they have.
    pub short: Vec<(i64, usize)>,
}

pub fn assign(
    entries: &[i64],
    judges: &[i64],
    k: usize,
    existing: &BTreeSet<(i64, i64)>,
    conflicts: &BTreeSet<(i64, i64)>,
) -> Assignment {
    let mut pairs: BTreeSet<(i64, i64)> = existing
        .iter()
        .filter(|(j, e)| judges.contains(j) && entries.contains(e))
        .copied()
        .collect();
    let mut load: BTreeMap<i64, usize> = judges.iter().map(|j| (*j, 0)).collect();
    for (j, _) in &pairs {
        *load.entry(*j).or_default() += 1;
    }
    let eligible = |e: i64| -> Vec<i64> {
        judges
            .iter()
            .copied()
            .filter(|j| !conflicts.contains(&(*j, e)))
            .collect()
    };
    // The most constrained entries choose first.
    let mut order: Vec<i64> = entries.to_vec();
    order.sort_by_key(|e| (eligible(*e).len(), *e));
    let mut short = Vec::new();
    for e in order {
        let mut have = pairs.iter().filter(|(_, pe)| *pe == e).count();
        let mut candidates: Vec<i64> = eligible(e)
            .into_iter()
            .filter(|j| !pairs.contains(&(*j, e)))
            .collect();
        while have < k {
            candidates.sort_by_key(|j| (load[j], *j));
            let Some(j) = candidates.first().copied() else {
                break;
            };
            candidates.remove(0);
            pairs.insert((j, e));
            *load.entry(j).or_default() += 1;
            have += 1;
        }
        if have < k {
            short.push((e, have));
        }
    }
    short.sort();
    Assignment { pairs, short }
}

/// Judges who could tell which entries their conflicts are: they have entries to score, and
/// every entry missing from their queue is one they declared a conflict with (or stepped back
/// from, having seen it). Anyone who lists the entries (the public vote does) then knows that the
/// missing ones are the declared team's. A judge with conflicts on every entry scores nothing and
/// learns nothing.
pub fn exposed_judges(
    entries: &[i64],
    pairs: &BTreeSet<(i64, i64)>,
    conflicts: &BTreeSet<(i64, i64)>,
    recused: &BTreeSet<(i64, i64)>,
) -> Vec<i64> {
    let judges: BTreeSet<i64> = conflicts.iter().map(|(j, _)| *j).collect();
    judges
        .into_iter()
        .filter(|j| {
            let hidden = |e: &i64| conflicts.contains(&(*j, *e));
            let open: Vec<i64> = entries
                .iter()
                .copied()
                .filter(|e| !hidden(e) && !recused.contains(&(*j, *e)))
                .collect();
            entries.iter().any(hidden)
                && !open.is_empty()
                && open.iter().all(|e| pairs.contains(&(*j, *e)))
        })
        .collect()
}

/// A number from `seed` and `x` that looks random: it orders the cover taken from a judge, so
/// that which entry is left out says nothing.
fn mix(seed: u64, x: i64) -> u64 {
    let mut z = seed ^ (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Keeps declared conflicts from showing in a blind panel's queues. A judge whose queue would
/// hold every entry but the conflicted ones hands one entry, chosen by `seed`, to another judge
/// who can take it without being exposed in turn, least loaded first, so the missing entries
/// are the conflicted team's and one other. Only assignments the plan adds move: an entry a judge
/// has already seen stays theirs. Returns the judges still exposed, whom only one more judge on
/// the panel can cover.
pub fn keep_conflicts_hidden(
    plan: &mut Assignment,
    entries: &[i64],
    judges: &[i64],
    existing: &BTreeSet<(i64, i64)>,
    conflicts: &BTreeSet<(i64, i64)>,
    recused: &BTreeSet<(i64, i64)>,
    seed: u64,
) -> Vec<i64> {
    let blocked = |j: i64, e: i64| conflicts.contains(&(j, e)) || recused.contains(&(j, e));
    let mut stuck = BTreeSet::new();
    loop {
        let exposed = exposed_judges(entries, &plan.pairs, conflicts, recused);
        let Some(j) = exposed.into_iter().find(|j| !stuck.contains(j)) else {
            break;
        };
        let load =
            |x: i64, pairs: &BTreeSet<(i64, i64)>| pairs.iter().filter(|(y, _)| *y == x).count();
        let mut moves: Vec<(usize, u64, i64, i64)> = Vec::new();
        for e in entries.iter().copied() {
            if !plan.pairs.contains(&(j, e)) || existing.contains(&(j, e)) {
                continue;
            }
            for other in judges.iter().copied() {
                if other == j || blocked(other, e) || plan.pairs.contains(&(other, e)) {
                    continue;
                }
                let mut after = plan.pairs.clone();
                after.remove(&(j, e));
                after.insert((other, e));
                if exposed_judges(entries, &after, conflicts, recused).contains(&other) {
                    continue;
                }
                moves.push((load(other, &plan.pairs), mix(seed, e), e, other));
            }
        }
        match moves.into_iter().min() {
            Some((_, _, e, other)) => {
                plan.pairs.remove(&(j, e));
                plan.pairs.insert((other, e));
            }
            None => {
                stuck.insert(j);
            }
        }
    }
    stuck.into_iter().collect()
}

/// One judge's submitted weighted total for one entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sheet {
    pub judge: i64,
    pub entry: i64,
    pub total: f64,
}

/// Where an entry stands once judging is closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub entry: i64,
    /// 1 for the first; entries tied share a rank.
    pub rank: usize,
    /// The mean of its judges' weighted totals, as given.
    pub raw: Option<f64>,
    /// The mean after putting every judge on the same footing.
    pub normalised: Option<f64>,
    pub scores: usize,
    pub tied: bool,
    /// Fewer scores than the `k` judges it should have had.
    pub short: bool,
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn spread(xs: &[f64]) -> f64 {
    let m = mean(xs);
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// Rounds to two decimals: scores are shown, compared and tied at that precision.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The ranking. Each judge's totals are turned into distances from that judge's own average, in
/// units of that judge's own spread (a judge whose scores are all equal, or who scored one entry,
/// sits at zero); these are mapped back onto the scale with the average and spread of every total
/// given, and averaged per entry. A harsh judge and a generous one thus count the same.
pub fn standings(sheets: &[Sheet], entries: &[i64], k: usize, scale: Scale) -> Vec<Standing> {
    let all: Vec<f64> = sheets.iter().map(|s| s.total).collect();
    let (overall_mean, overall_spread) = if all.is_empty() {
        (0.0, 0.0)
    } else {
        (mean(&all), spread(&all))
    };
    let mut per_judge: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for s in sheets {
        per_judge.entry(s.judge).or_default().push(s.total);
    }
    let judge_stats: BTreeMap<i64, (f64, f64)> = per_judge
        .iter()
        .map(|(j, xs)| (*j, (mean(xs), spread(xs))))
        .collect();
    let mut rows: Vec<Standing> = entries
        .iter()
        .map(|e| {
            let mine: Vec<&Sheet> = sheets.iter().filter(|s| s.entry == *e).collect();
            let (raw, normalised) = if mine.is_empty() {
                (None, None)
            } else {
                let raw = mean(&mine.iter().map(|s| s.total).collect::<Vec<_>>());
                let adjusted: Vec<f64> = mine
                    .iter()
                    .map(|s| {
                        let (m, sd) = judge_stats[&s.judge];
                        let z = if sd > 1e-9 { (s.total - m) / sd } else { 0.0 };
                        (overall_mean + z * overall_spread)
                            .clamp(f64::from(scale.min), f64::from(scale.max))
                    })
                    .collect();
                (Some(round2(raw)), Some(round2(mean(&adjusted))))
            };
            Standing {
                entry: *e,
                rank: 0,
                raw,
                normalised,
                scores: mine.len(),
                tied: false,
                short: mine.len() < k,
            }
        })
        .collect();
    let key = |s: &Standing| s.normalised.map(|n| (n * 100.0).round() as i64);
    rows.sort_by(|a, b| {
        key(b)
            .cmp(&key(a))
            .then(
                b.raw
                    .partial_cmp(&a.raw)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
            .then(a.entry.cmp(&b.entry))
    });
    for i in 0..rows.len() {
        let same_as_before = i > 0 && key(&rows[i]).is_some() && key(&rows[i]) == key(&rows[i - 1]);
        rows[i].rank = if same_as_before {
            rows[i - 1].rank
        } else {
            i + 1
        };
    }
    for i in 0..rows.len() {
        let k_i = key(&rows[i]);
        rows[i].tied = k_i.is_some()
            && rows
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && key(other) == k_i);
    }
    rows
}

/// Whether awarding prizes in order to `winners` follows the ranking `ranked` ((entry, rank), best
/// first): the i-th prize goes to an entry ranked where the i-th entry is (tied entries may swap).
pub fn follows_ranking(ranked: &[(i64, usize)], winners: &[i64]) -> bool {
    winners.iter().enumerate().all(|(i, w)| {
        let place = ranked.get(i).map(|(_, r)| *r);
        let rank_of_winner = ranked.iter().find(|(e, _)| e == w).map(|(_, r)| *r);
        place.is_some() && place == rank_of_winner
    })
}

/// Whether results published (or scheduled) at `published_at` are out at `now`.
pub fn results_out(
    published_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    published_at.is_some_and(|at| at <= now)
}

/// The code a judge sees instead of a team, from a digest of the entry's identity.
pub fn code_from_digest(hex_digest: &str) -> String {
    format!(
        "B-{}",
        hex_digest.get(..6).unwrap_or("000000").to_uppercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(id: i64, weight: i32) -> Criterion {
        Criterion {
            id,
            name_vi: format!("Tiêu chí {id}"),
            name_en: String::new(),
            guidance_vi: String::new(),
            guidance_en: String::new(),
            weight,
            comment_required: false,
        }
    }

    #[test]
    fn weights_must_add_up_to_one_hundred() {
        let ok = [criterion(1, 60), criterion(2, 40)];
        assert!(check_rubric(&ok, Scale::default()).is_empty());
        let short = [criterion(1, 60), criterion(2, 30)];
        let errors = check_rubric(&short, Scale::default());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "weights");
        assert!(!check_rubric(&[], Scale::default()).is_empty());
        assert_eq!(
            check_rubric(&ok, Scale { min: 5, max: 5 })[0].field,
            "scale"
        );
    }

    #[test]
    fn a_score_outside_the_scale_is_refused() {
        let rubric = [criterion(1, 50), criterion(2, 50)];
        let mut marks = Marks::default();
        marks.values.insert(1, 11);
        let errors = check_draft_marks(&rubric, Scale::default(), &marks);
        assert_eq!(errors[0].field, "value_1");
        marks.values.insert(1, 7);
        marks.values.insert(9, 7);
        assert_eq!(
            check_draft_marks(&rubric, Scale::default(), &marks)[0].field,
            "value_9"
        );
    }

    #[test]
    fn a_submitted_score_is_complete_with_the_comments_required() {
        let mut rubric = [criterion(1, 50), criterion(2, 50)];
        rubric[1].comment_required = true;
        let mut marks = Marks::default();
        marks.values.insert(1, 7);
        let fields: Vec<String> = check_submitted_marks(&rubric, Scale::default(), &marks)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["value_2", "comment_2"]);
        marks.values.insert(2, 9);
        marks.comments.insert(2, "Rõ ràng".into());
        assert!(check_submitted_marks(&rubric, Scale::default(), &marks).is_empty());
        assert_eq!(weighted_total(&rubric, &marks), Some(8.0));
    }

    fn loads(a: &Assignment, judges: &[i64]) -> Vec<usize> {
        judges
            .iter()
            .map(|j| a.pairs.iter().filter(|(pj, _)| pj == j).count())
            .collect()
    }

    #[test]
    fn every_entry_gets_k_judges_and_loads_differ_by_at_most_one() {
        let entries: Vec<i64> = (1..=7).collect();
        let judges = [10, 11, 12, 13, 14];
        let a = assign(&entries, &judges, 3, &BTreeSet::new(), &BTreeSet::new());
        assert!(a.short.is_empty());
        for e in &entries {
            assert_eq!(a.pairs.iter().filter(|(_, pe)| pe == e).count(), 3);
        }
        let l = loads(&a, &judges);
        assert_eq!(l.iter().sum::<usize>(), 21);
        assert!(
            l.iter().max().unwrap() - l.iter().min().unwrap() <= 1,
            "{l:?}"
        );
    }

    #[test]
    fn a_declared_conflict_is_never_assigned() {
        let entries = [1, 2, 3];
        let judges = [10, 11, 12];
        let conflicts: BTreeSet<(i64, i64)> = [(10, 1)].into();
        let a = assign(&entries, &judges, 3, &BTreeSet::new(), &conflicts);
        assert!(!a.pairs.contains(&(10, 1)));
        assert_eq!(a.short, [(1, 2)], "entry 1 cannot reach three judges");
        let a = assign(&entries, &judges, 2, &BTreeSet::new(), &conflicts);
        assert!(a.short.is_empty());
        assert!(!a.pairs.contains(&(10, 1)));
        let l = loads(&a, &judges);
        assert!(
            l.iter().max().unwrap() - l.iter().min().unwrap() <= 1,
            "{l:?}"
        );
    }

    #[test]
    fn assignments_made_by_hand_are_kept() {
        let existing: BTreeSet<(i64, i64)> = [(12, 1), (12, 2)].into();
        let a = assign(&[1, 2], &[10, 11, 12], 2, &existing, &BTreeSet::new());
        assert!(a.pairs.contains(&(12, 1)) && a.pairs.contains(&(12, 2)));
        assert_eq!(a.pairs.len(), 4);
    }

    /// What a judge does to unblind a panel: the public list of entries, less their queue.
    fn missing(entries: &[i64], pairs: &BTreeSet<(i64, i64)>, judge: i64) -> Vec<i64> {
        entries
            .iter()
            .copied()
            .filter(|e| !pairs.contains(&(judge, *e)))
            .collect()
    }

    #[test]
    fn a_judge_cannot_find_the_declared_team_by_elimination() {
        let entries = [1, 2, 3, 4, 5];
        let judges = [10, 11, 12];
        let conflicts: BTreeSet<(i64, i64)> = [(10, 3)].into();
        let none = BTreeSet::new();
        let mut covers = BTreeSet::new();
        for seed in 0..64 {
            let mut plan = assign(&entries, &judges, 2, &none, &conflicts);
            let per_entry =
                |p: &Assignment, e: i64| p.pairs.iter().filter(|(_, x)| *x == e).count();
            let before: Vec<usize> = entries.iter().map(|e| per_entry(&plan, *e)).collect();
            let stuck =
                keep_conflicts_hidden(&mut plan, &entries, &judges, &none, &conflicts, &none, seed);
            assert!(stuck.is_empty(), "seed {seed}");
            let gone = missing(&entries, &plan.pairs, 10);
            assert!(
                gone.contains(&3) && gone.len() >= 2,
                "seed {seed}: {gone:?}"
            );
            covers.extend(gone.into_iter().filter(|e| *e != 3));
            assert!(plan.pairs.is_disjoint(&conflicts));
            let after: Vec<usize> = entries.iter().map(|e| per_entry(&plan, *e)).collect();
            assert_eq!(before, after, "every entry keeps its judges");
            let l = loads(&plan, &judges);
            assert!(
                l.iter().max().unwrap() - l.iter().min().unwrap() <= 1,
                "{l:?}"
            );
        }
        assert!(
            covers.len() >= 3,
            "the cover is not always the same entry: {covers:?}"
        );
    }

    #[test]
    fn a_panel_with_no_judge_to_spare_says_who_could_tell() {
        let entries = [1, 2, 3];
        let conflicts: BTreeSet<(i64, i64)> = [(10, 2)].into();
        let none = BTreeSet::new();
        // Two judges, two per entry: the other judge must take everything, so nothing can move.
        let mut plan = assign(&entries, &[10, 11], 2, &none, &conflicts);
        let stuck =
            keep_conflicts_hidden(&mut plan, &entries, &[10, 11], &none, &conflicts, &none, 7);
        assert_eq!(stuck, [10]);
        assert_eq!(missing(&entries, &plan.pairs, 10), [2]);
        // Entries the judge has already seen are theirs: a third judge covers nothing now.
        let seen = plan.pairs.clone();
        let mut plan = assign(&entries, &[10, 11, 12], 2, &seen, &conflicts);
        let stuck = keep_conflicts_hidden(
            &mut plan,
            &entries,
            &[10, 11, 12],
            &seen,
            &conflicts,
            &none,
            7,
        );
        assert_eq!(stuck, [10]);
        // Before anyone has seen a queue, the third judge is what covers the conflict.
        let mut plan = assign(&entries, &[10, 11, 12], 2, &none, &conflicts);
        let stuck = keep_conflicts_hidden(
            &mut plan,
            &entries,
            &[10, 11, 12],
            &none,
            &conflicts,
            &none,
            7,
        );
        assert!(stuck.is_empty());
        assert_eq!(missing(&entries, &plan.pairs, 10).len(), 2);
        // A judge in conflict with every entry scores nothing and learns nothing.
        let all: BTreeSet<(i64, i64)> = entries.iter().map(|e| (10, *e)).collect();
        assert!(exposed_judges(&entries, &BTreeSet::new(), &all, &none).is_empty());
        // Stepping back from an entry one has seen does not cover a conflict.
        let recused: BTreeSet<(i64, i64)> = [(10, 1)].into();
        let pairs: BTreeSet<(i64, i64)> = [(10, 3), (11, 1), (11, 2), (11, 3)].into();
        assert_eq!(exposed_judges(&entries, &pairs, &conflicts, &recused), [10]);
    }

    #[test]
    fn hiding_conflicts_never_breaks_a_conflict_or_an_entrys_judges() {
        // Small panels of every shape, with conflicts scattered by a fixed rule.
        for n_entries in 1..7_i64 {
            for n_judges in 1..6_i64 {
                for k in 1..=n_judges as usize {
                    let entries: Vec<i64> = (1..=n_entries).collect();
                    let judges: Vec<i64> = (100..100 + n_judges).collect();
                    let conflicts: BTreeSet<(i64, i64)> = judges
                        .iter()
                        .flat_map(|j| entries.iter().map(move |e| (*j, *e)))
                        .filter(|(j, e)| mix(3, j * 31 + e).is_multiple_of(5))
                        .collect();
                    let none = BTreeSet::new();
                    let mut plan = assign(&entries, &judges, k, &none, &conflicts);
                    let short = plan.short.clone();
                    let stuck = keep_conflicts_hidden(
                        &mut plan, &entries, &judges, &none, &conflicts, &none, 11,
                    );
                    assert!(plan.pairs.is_disjoint(&conflicts));
                    for e in &entries {
                        let n = plan.pairs.iter().filter(|(_, x)| x == e).count();
                        let was = short.iter().find(|(x, _)| x == e).map_or(k, |(_, n)| *n);
                        assert_eq!(n, was, "entry {e}");
                    }
                    assert_eq!(
                        exposed_judges(&entries, &plan.pairs, &conflicts, &none),
                        stuck,
                        "{n_entries} entries, {n_judges} judges, k {k}"
                    );
                }
            }
        }
    }

    fn sheet(judge: i64, entry: i64, total: f64) -> Sheet {
        Sheet {
            judge,
            entry,
            total,
        }
    }

    #[test]
    fn scores_are_normalised_per_judge() {
        // Judge 1 is harsh, judge 2 generous; they agree on the order: A before B before C.
        let sheets = [
            sheet(1, 1, 5.0),
            sheet(1, 2, 4.0),
            sheet(1, 3, 3.0),
            sheet(2, 1, 10.0),
            sheet(2, 2, 9.0),
            sheet(2, 3, 8.0),
        ];
        let s = standings(&sheets, &[1, 2, 3], 2, Scale::default());
        assert_eq!(s.iter().map(|r| r.entry).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(s[0].raw, Some(7.5));
        // Each judge's best counts the same: entry 1 gets the same normalised score from both.
        let overall_mean = 6.5;
        assert_eq!(s[1].normalised, Some(overall_mean));
        assert!(s.iter().all(|r| !r.short && !r.tied));

        // A generous judge who scored only the weaker entry does not lift it above the other.
        let sheets = [
            sheet(1, 1, 8.0),
            sheet(1, 2, 6.0),
            sheet(2, 1, 9.0),
            sheet(2, 2, 7.0),
            sheet(3, 2, 10.0),
            sheet(3, 3, 9.5),
        ];
        let s = standings(&sheets, &[1, 2, 3], 2, Scale::default());
        assert_eq!(s[0].entry, 1);
        assert!(s.iter().find(|r| r.entry == 3).unwrap().short);
    }

    #[test]
    fn a_judge_who_gives_every_entry_the_same_score_moves_nothing() {
        let sheets = [
            sheet(1, 1, 9.0),
            sheet(1, 2, 5.0),
            sheet(2, 1, 7.0),
            sheet(2, 2, 7.0),
        ];
        let s = standings(&sheets, &[1, 2], 2, Scale::default());
        assert_eq!(s[0].entry, 1);
        let mean_all = 7.0;
        // Judge 2's sevens both map to the overall mean; entry 1's lead comes from judge 1.
        let gap = s[0].normalised.unwrap() - s[1].normalised.unwrap();
        assert!(gap > 0.0 && s[0].normalised.unwrap() > mean_all);
    }

    #[test]
    fn a_judge_with_one_entry_sits_at_the_overall_mean() {
        let sheets = [sheet(1, 1, 9.0), sheet(1, 2, 5.0), sheet(2, 2, 10.0)];
        let s = standings(&sheets, &[1, 2], 1, Scale::default());
        let e2 = s.iter().find(|r| r.entry == 2).unwrap();
        assert_eq!(e2.raw, Some(7.5));
        // Judge 2's single 10 counts as the overall mean (8.0), not as a top mark.
        assert!(
            e2.normalised.unwrap() < s.iter().find(|r| r.entry == 1).unwrap().normalised.unwrap()
        );
    }

    #[test]
    fn ties_share_a_rank_and_unscored_entries_come_last() {
        let sheets = [
            sheet(1, 1, 8.0),
            sheet(1, 2, 8.0),
            sheet(2, 1, 6.0),
            sheet(2, 2, 6.0),
        ];
        let s = standings(&sheets, &[1, 2, 3], 2, Scale::default());
        assert_eq!((s[0].rank, s[1].rank), (1, 1));
        assert!(s[0].tied && s[1].tied);
        assert_eq!(s[2].entry, 3);
        assert_eq!((s[2].rank, s[2].normalised, s[2].short), (3, None, true));
    }

    #[test]
    fn awards_in_ranking_order_need_no_reason_and_tied_entries_may_swap() {
        let ranked = [(7, 1), (8, 1), (9, 3)];
        assert!(follows_ranking(&ranked, &[7, 8]));
        assert!(follows_ranking(&ranked, &[8, 7]), "tied for first");
        assert!(!follows_ranking(&ranked, &[9]), "third is not first");
        assert!(!follows_ranking(&ranked, &[7, 9]));
        assert!(follows_ranking(&ranked, &[]));
    }

    #[test]
    fn results_scheduled_for_later_are_not_out_yet() {
        let now = chrono::Utc::now();
        assert!(!results_out(None, now));
        assert!(!results_out(Some(now + chrono::Duration::minutes(1)), now));
        assert!(results_out(Some(now), now));
    }
}
