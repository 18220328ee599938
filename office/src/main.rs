//! The office server (axum) arrives with the sync issue. Until then this binary only states
//! what it will be, so the workspace builds and the layout in design.md holds.

fn main() {
    println!(
        "weibao-office {}: the office server is not built yet (see the sync issue)",
        weibao::VERSION
    );
}
