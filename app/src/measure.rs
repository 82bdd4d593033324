//! Counting what the server does, for its `/metrics` page (Prometheus' text format): a
//! histogram of durations that many tasks add to at once without a lock.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The bounds (seconds) durations are counted under: from a millisecond to ten seconds.
pub const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How many durations fell under each bound, how many in all, and their sum.
pub struct Histogram {
    under: Vec<AtomicU64>,
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            under: SECONDS.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    pub fn observe(&self, took: Duration) {
        let secs = took.as_secs_f64();
        if let Some(at) = SECONDS.iter().position(|bound| secs <= *bound) {
            self.under[at].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Writes the histogram as Prometheus reads it: cumulative buckets, `+Inf`, sum and count;
    /// `labels` (`route="/x",status="200"`) go in every line.
    pub fn write(&self, name: &str, labels: &str, out: &mut String) {
        let comma = if labels.is_empty() { "" } else { "," };
        let mut below = 0;
        for (bound, under) in SECONDS.iter().zip(&self.under) {
            below += under.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{comma}le=\"{bound}\"}} {below}"
            );
        }
        let count = self.count();
        let _ = writeln!(out, "{name}_bucket{{{labels}{comma}le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("{{{s}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(out, "{name}_count{} {count}", braces(labels));
    }
}

/// A label's value as Prometheus reads it: backslashes, quotes and line ends escaped.
pub fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_counted_under_every_bound_they_fit() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(800));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(60));
        let mut out = String::new();
        h.write("vidan_x_seconds", "route=\"/a\"", &mut out);
        assert!(
            out.contains("vidan_x_seconds_bucket{route=\"/a\",le=\"0.001\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("vidan_x_seconds_bucket{route=\"/a\",le=\"0.025\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("vidan_x_seconds_bucket{route=\"/a\",le=\"0.05\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("vidan_x_seconds_bucket{route=\"/a\",le=\"10\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("vidan_x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(
            out.contains("vidan_x_seconds_count{route=\"/a\"} 3\n"),
            "{out}"
        );
        assert!(
            out.contains("vidan_x_seconds_sum{route=\"/a\"} 60.03"),
            "{out}"
        );
        let mut bare = String::new();
        Histogram::default().write("vidan_y_seconds", "", &mut bare);
        assert!(
            bare.contains("vidan_y_seconds_bucket{le=\"+Inf\"} 0\n"),
            "{bare}"
        );
        assert!(bare.contains("vidan_y_seconds_count 0\n"), "{bare}");
    }

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
