//! Sync under injected faults (issue 11): a proxy between the core's client and a real office
//! drops, duplicates, delays, reorders and truncates requests and answers and restarts the
//! office; laptops and the office still end identical, nothing doubled, nothing lost. Also
//! SIGKILL of the `weibao` CLI mid-push and of a `weibao-office serve` process mid-batch.
//! One test binary of its own (`cargo nextest run -p weibao-office --test faults`).

#[allow(dead_code)]
#[path = "../sync/blob_support.rs"]
mod blob_support;
mod checks;
mod converge;
// Shared with the sync tests (each binary uses part of them).
#[allow(dead_code)]
#[path = "../sync/dump.rs"]
mod dump;
#[allow(dead_code)]
#[path = "../sync/harness.rs"]
mod harness;
mod http;
mod kill;
mod lossy;
mod office;
mod proxy;
mod world;
