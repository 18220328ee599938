//! Engineers' sync tokens, in their own SQLite file `DIR/office-auth.db` beside the office
//! replica.
//!
//! Why a separate file and not a table in the replica: the replica's schema is the core's
//! synced schema, migrated by the core and identical on every laptop; secrets of the office
//! alone have no place in it (a local-only table there would still need a core migration for
//! an office-only concern, and a backup or copy of a replica would carry the token hashes).
//! Only the SHA-256 of each token is stored: a token is 32 random bytes, so a fast hash is
//! enough (argon2 is for passwords people choose).

use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;
use weibao::{Error, Result};

pub struct Auth {
    conn: Connection,
}

/// An engineer as the office knows them for sync.
#[derive(Debug, Clone, Serialize)]
pub struct Engineer {
    pub id: String,
    pub name: String,
    /// `all`, or site ids separated by commas.
    pub sites: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Who a request comes from, once its token matched.
#[derive(Debug, Clone)]
pub struct Caller {
    pub engineer_id: String,
    pub name: String,
    /// `all`, or site ids separated by commas: what the caller may pull.
    pub sites: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS office_engineer (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    sites      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS office_token (
    token_sha256 TEXT PRIMARY KEY,
    engineer_id  TEXT NOT NULL REFERENCES office_engineer(id),
    created_at   TEXT NOT NULL
) STRICT;
";

impl Auth {
    pub fn open(path: &Path) -> Result<Auth> {
        let conn = Connection::open(path).map_err(|e| Error::File {
            field: "data".into(),
            path: path.display().to_string(),
            zh: format!("无法打开 {}：{e}", path.display()),
            en: format!("cannot open {}: {e}", path.display()),
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Auth { conn })
    }

    /// Add an engineer with a new token; returns the engineer and the token (shown once).
    pub fn add(&mut self, name: &str, sites: &str) -> Result<(Engineer, String)> {
        self.add_as(&uuid::Uuid::now_v7().to_string(), name, sites)
    }

    /// [`Auth::add`] under a given id: the id of the engineer's record in the office replica,
    /// so that the token, the replica and the laptop name one engineer alike.
    pub fn add_as(&mut self, id: &str, name: &str, sites: &str) -> Result<(Engineer, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid(
                "name",
                "姓名不能为空，且不超过 100 个字",
                "the name must be 1 to 100 characters",
            ));
        }
        let sites = parse_sites(sites)?;
        let tx = self.conn.transaction()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM office_engineer WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::invalid(
                "name",
                format!("工程师「{name}」已存在"),
                format!("engineer '{name}' already exists"),
            ));
        }
        let now = chrono::Utc::now().to_rfc3339();
        let id = id.to_string();
        let token = new_token();
        tx.execute(
            "INSERT INTO office_engineer(id, name, sites, created_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, name, sites, now],
        )?;
        tx.execute(
            "INSERT INTO office_token(token_sha256, engineer_id, created_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![hash(&token), id, now],
        )?;
        tx.commit()?;
        let e = Engineer {
            id,
            name: name.to_string(),
            sites,
            created_at: now,
            revoked_at: None,
        };
        Ok((e, token))
    }

    pub fn list(&self) -> Result<Vec<Engineer>> {
        let mut st = self.conn.prepare(
            "SELECT id, name, sites, created_at, revoked_at FROM office_engineer ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Engineer {
                id: r.get(0)?,
                name: r.get(1)?,
                sites: r.get(2)?,
                created_at: r.get(3)?,
                revoked_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revoke an engineer (by name or id): every token of theirs is refused from now on.
    pub fn revoke(&mut self, who: &str) -> Result<Engineer> {
        let found = self
            .list()?
            .into_iter()
            .find(|e| e.id == who || e.name == who)
            .ok_or_else(|| Error::not_found("engineer", who))?;
        self.conn.execute(
            "UPDATE office_engineer SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            rusqlite::params![found.id, chrono::Utc::now().to_rfc3339()],
        )?;
        self.list()?
            .into_iter()
            .find(|e| e.id == found.id)
            .ok_or_else(|| Error::not_found("engineer", who))
    }

    /// Change which sites an engineer (by name or id) may pull: `all` or site ids. Their
    /// laptop notices at its next sync (the pull answer says the scope): the rows of sites
    /// taken away leave it, sites given arrive whole. Returns the engineer as now and the
    /// sites they had.
    pub fn assign(&mut self, who: &str, sites: &str) -> Result<(Engineer, String)> {
        let sites = parse_sites(sites)?;
        let found = self
            .list()?
            .into_iter()
            .find(|e| e.id == who || e.name == who)
            .ok_or_else(|| Error::not_found("engineer", who))?;
        self.conn.execute(
            "UPDATE office_engineer SET sites = ?2 WHERE id = ?1",
            rusqlite::params![found.id, sites],
        )?;
        tracing::info!(
            engineer = %found.name,
            id = %found.id,
            from = %found.sites,
            to = %sites,
            "sites assigned"
        );
        let before = found.sites.clone();
        Ok((Engineer { sites, ..found }, before))
    }

    /// The engineer a bearer token belongs to, if it is valid and not revoked. The token's
    /// hash is compared with every stored hash in constant time (no early exit, no index
    /// lookup whose timing depends on the secret).
    pub fn check(&self, token: &str) -> Result<Option<Caller>> {
        let wanted = Sha256::digest(token.as_bytes());
        let mut st = self.conn.prepare_cached(
            "SELECT t.token_sha256, e.id, e.name, e.sites FROM office_token t
             JOIN office_engineer e ON e.id = t.engineer_id WHERE e.revoked_at IS NULL",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Caller {
                    engineer_id: r.get(1)?,
                    name: r.get(2)?,
                    sites: r.get(3)?,
                },
            ))
        })?;
        let mut found = None;
        for row in rows {
            let (stored, caller) = row?;
            let stored = hex::decode(stored).unwrap_or_default();
            if constant_time_eq(&stored, &wanted) {
                found = Some(caller);
            }
        }
        Ok(found)
    }

    /// The auth file's connection, for the other office-only tables kept in it (laptops).
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Whether an engineer exists (for the admin commands' messages).
    pub fn exists(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM office_engineer WHERE id = ?1", [id], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }
}

/// `all`, or a comma-separated list of site ids, normalised by the core's rule
/// ([`weibao::sync::scope::Scope::parse`]).
fn parse_sites(s: &str) -> Result<String> {
    Ok(weibao::sync::scope::Scope::parse(s)?.code())
}

pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub(crate) fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Equal length and equal bytes, in time that depends only on the length.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
