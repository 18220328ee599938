//! Percentiles for the benchmarks: each prints p50/p99 of its samples the same way.

use std::time::Duration;

pub fn pct(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// One line: name, sample count, p50 and p99 in milliseconds.
pub fn report(name: &str, v: Vec<Duration>) {
    let n = v.len();
    println!(
        "{name:<44} n={n:<6} p50={:>9.3} ms  p99={:>9.3} ms",
        pct(v.clone(), 0.50).as_secs_f64() * 1e3,
        pct(v, 0.99).as_secs_f64() * 1e3
    );
}
