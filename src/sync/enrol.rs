//! Enrolment: binding a laptop to the office (`weibao enrol --server URL --token T`).
//!
//! The office issues the engineer's identity (the `engineer` record, with the report-number
//! prefix that keeps every report number this laptop makes distinct from every other
//! laptop's) and the laptop registers its own signing certificate. One engineer has one
//! enrolled laptop at a time (two laptops under one prefix could number two reports alike);
//! the office refuses a second until the first is retired.
//!
//! The steps, each safe to repeat after any interruption:
//! 1. `POST /sync/v1/enrol {installation}` → who this token belongs to and their prefix;
//! 2. a sync pulls the engineer's record (and everything else in scope);
//! 3. the laptop writes as that engineer and makes its signing key (kept here, never sent);
//! 4. `POST /sync/v1/enrol {installation, certificate}` registers the certificate, and a
//!    second sync pushes its `engineer_key` record.
//!
//! The server and token are kept in local-only `meta` so that `weibao sync` needs no options
//! afterwards.

use super::client::{self, Event, Remote, Summary};
use crate::store::{meta_get, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

const SERVER: &str = "sync_server";
const TOKEN: &str = "sync_token";
const CA: &str = "sync_ca_pem";

/// `POST /sync/v1/enrol`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub installation: String,
    /// The laptop's signing certificate (PEM), once it has one.
    #[serde(default)]
    pub certificate: Option<String>,
    /// The computer's name, for the office's list of laptops.
    #[serde(default)]
    pub hostname: Option<String>,
    /// The engineer this laptop already writes as (it has a profile), if any: the office
    /// refuses a token of another engineer before binding anything, so a laptop that cannot
    /// enrol never takes the slot of that engineer's real laptop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer_id: Option<String>,
}

/// The office's answer: who the laptop writes as.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EnrolAnswer {
    pub engineer_id: String,
    pub name: String,
    pub report_prefix: String,
    /// SHA-256 of the registered certificate, once registered.
    #[serde(default)]
    pub certificate_sha256: Option<String>,
}

/// Where this laptop syncs, as saved by [`enrol`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub server: String,
    pub token: String,
    /// The office's own CA certificate (PEM), when it was given at enrolment.
    pub ca_pem: Option<String>,
}

impl Saved {
    /// A client for the saved office.
    pub fn remote(&self, attempts: u32) -> Result<Remote> {
        match &self.ca_pem {
            Some(ca) => Remote::trusting(&self.server, &self.token, attempts, ca.as_bytes()),
            None => Remote::new(&self.server, &self.token, attempts),
        }
    }
}

/// Enrol this laptop with the office, then sync. Refused when the laptop already writes as a
/// different engineer (a laptop is one engineer's; a second engineer is a new database).
pub fn enrol(
    store: &mut Store,
    remote: &Remote,
    on: &mut dyn FnMut(&Event),
) -> Result<(EnrolAnswer, Summary)> {
    let hostname = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty());
    let current = store.current_engineer().to_string();
    let has_profile = crate::profile::current(store)?.is_some();
    let mut req = EnrolRequest {
        installation: store.installation().to_string(),
        certificate: None,
        hostname,
        engineer_id: has_profile.then(|| current.clone()),
    };
    let mut sum = Summary::default();
    let answer: EnrolAnswer = client::parse(
        remote
            .post_json("/sync/v1/enrol", &req, &mut sum, on)
            .map_err(|f| remote.error(f))?,
    )?;
    // An office that does not check `engineer_id` yet still gets refused here.
    if has_profile && current != answer.engineer_id {
        return Err(Error::refused(
            "enrolled_elsewhere",
            format!(
                "本机已以另一位工程师的身份工作，不能绑定为「{}」：请为该工程师使用新的数据库",
                answer.name
            ),
            format!(
                "this laptop already works as another engineer and cannot be bound to '{}': use a new database for them",
                answer.name
            ),
        )
        .at("enrol"));
    }
    save(store, remote.server(), remote.token(), remote.ca_pem())?;
    // The engineer's record (and the rest of the scope) arrives with the first sync.
    client::run_into(store, remote, &mut sum, on)?;
    if crate::org::engineer(store, &answer.engineer_id).is_err() {
        return Err(Error::refused(
            "enrol_incomplete",
            "办公室没有发来该工程师的档案，请联系办公室",
            "the office did not send this engineer's record: ask the office",
        ));
    }
    if !has_profile {
        store.write(|tx| tx.make_current_engineer(&answer.engineer_id))?;
    }
    let (_, cert) = crate::report::keys::ensure(store, &answer.engineer_id)?;
    req.certificate = Some(cert.cert_pem.clone());
    let registered: EnrolAnswer = client::parse(
        remote
            .post_json("/sync/v1/enrol", &req, &mut sum, on)
            .map_err(|f| remote.error(f))?,
    )?;
    client::run_into(store, remote, &mut sum, on)?;
    Ok((registered, sum))
}

/// The server and token saved at enrolment, if any.
pub fn saved(store: &Store) -> Result<Option<Saved>> {
    let server = meta_get(store.conn(), SERVER)?;
    let token = meta_get(store.conn(), TOKEN)?;
    Ok(match (server, token) {
        (Some(server), Some(token)) => Some(Saved {
            server,
            token,
            ca_pem: meta_get(store.conn(), CA)?,
        }),
        _ => None,
    })
}

/// Keep the server, token and office CA (local-only `meta`; never synced).
pub fn save(store: &mut Store, server: &str, token: &str, ca_pem: Option<&str>) -> Result<()> {
    store.write(|tx| {
        for (k, v) in [(SERVER, server), (TOKEN, token)] {
            tx.conn().execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [k, v],
            )?;
        }
        match ca_pem {
            Some(ca) => tx.conn().execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [CA, ca],
            )?,
            None => tx.conn().execute("DELETE FROM meta WHERE key = ?1", [CA])?,
        };
        Ok(())
    })
}
