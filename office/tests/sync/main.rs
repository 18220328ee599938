//! The office server against real HTTP on a loopback port: `weibao sync` (the built CLI) on two
//! laptop databases, and hand-made requests for what a client must be refused. One test
//! binary (link time).

mod admin;
mod archive_room;
mod blob_support;
mod blobs;
mod conflicts;
mod dispatch;
mod dump;
mod enrol;
mod follow_up;
mod harness;
mod intake;
mod inventory;
mod office_resolution;
mod org_edit;
mod protocol;
mod restored;
mod review;
mod set_aside;
mod sites;
mod staff;
mod tls;
mod two_engineers;
mod watch;
mod web_app;
