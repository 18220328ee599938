//! Office staff (客服中心): accounts with a role, Argon2id passwords, sessions, and the limit on
//! failed logins. Kept in the auth file beside the engineers' tokens, for the same reason:
//! secrets of the office alone never enter the synced replica.
//!
//! A password is set only by the office: `weibao-office staff add NAME --role …` makes a
//! one-time password, printed once; only its Argon2id PHC string (salt and parameters inside)
//! is stored. A session is 32 random bytes in an HttpOnly cookie, stored as its SHA-256 like a
//! sync token, with its own CSRF token that every change must echo in a header.

use crate::auth::{constant_time_eq, hash, new_token, Auth};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use weibao::{Error, Result};

/// How long a session lasts from login: a working day and its overtime; then log in again.
pub const SESSION_HOURS: i64 = 12;
/// Failed logins of one account allowed within [`LOCK_MINUTES`] before it must wait.
pub const MAX_FAILURES: usize = 5;
pub const LOCK_MINUTES: i64 = 15;

/// What a member of staff may do. Each endpoint names the roles it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 客服: takes calls, registers faults, dispatches, calls customers back.
    Dispatcher,
    /// 技术负责人: reviews reports, confirms and classifies fault records.
    TechLead,
    /// 档案管理员: keeps the device archives and their confidentiality.
    Archivist,
    /// 管理员: staff accounts, engineers and laptops.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Dispatcher,
        Role::TechLead,
        Role::Archivist,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Dispatcher => "dispatcher",
            Role::TechLead => "tech_lead",
            Role::Archivist => "archivist",
            Role::Admin => "admin",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Dispatcher => "客服",
            Role::TechLead => "技术负责人",
            Role::Archivist => "档案管理员",
            Role::Admin => "管理员",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Dispatcher => "dispatcher",
            Role::TechLead => "technical lead",
            Role::Archivist => "archive keeper",
            Role::Admin => "administrator",
        }
    }

    /// By code or Chinese label (客服, dispatcher), as the CLI reads it.
    pub fn parse(text: &str) -> Result<Role> {
        let t = text.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == t || r.label_zh() == t)
            .ok_or_else(|| {
                let known: Vec<String> = Role::ALL
                    .iter()
                    .map(|r| format!("{}（{}）", r.code(), r.label_zh()))
                    .collect();
                Error::invalid(
                    "staff.role",
                    format!("未知的岗位「{t}」，可用：{}", known.join("、")),
                    format!("unknown role {t:?}; known: dispatcher, tech_lead, archivist, admin"),
                )
            })
    }
}

/// A member of staff as the office lists them (never with the password's hash).
#[derive(Debug, Clone, Serialize)]
pub struct Staff {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

/// A logged-in member of staff, from a session cookie.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub staff: Staff,
    /// Echoed by the client in `X-CSRF-Token` on every change.
    pub csrf: String,
    pub expires_at: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS office_staff (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_phc  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS office_session (
    token_sha256 TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL REFERENCES office_staff(id),
    csrf         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS office_login_failure (
    name TEXT NOT NULL,
    at   TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS office_login_failure_name ON office_login_failure(name, at);
";

fn schema(auth: &Auth) -> Result<()> {
    auth.conn().execute_batch(SCHEMA)?;
    Ok(())
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Io(std::io::Error::other(format!("argon2: {e}"))))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A one-time password people can read out and type: 16 letters and digits without the ones
/// that look alike (0/O, 1/l/I), about 90 bits.
fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let bytes = hex::decode(new_token()).unwrap_or_default();
    bytes
        .iter()
        .take(16)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// Add a member of staff; returns them and their one-time password (shown once).
pub fn add(auth: &Auth, name: &str, role: Role) -> Result<(Staff, String)> {
    schema(auth)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid(
            "staff.name",
            "姓名不能为空，且不超过 100 个字",
            "the name must be 1 to 100 characters",
        ));
    }
    let taken: bool = auth.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM office_staff WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "staff.name",
            format!("员工「{name}」已存在"),
            format!("staff member '{name}' already exists"),
        ));
    }
    let password = one_time_password();
    let staff = Staff {
        id: uuid::Uuid::now_v7().to_string(),
        name: name.to_string(),
        role,
        created_at: Utc::now().to_rfc3339(),
        disabled_at: None,
    };
    auth.conn().execute(
        "INSERT INTO office_staff(id, name, role, password_phc, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![staff.id, staff.name, role.code(), hash_password(&password)?, staff.created_at],
    )?;
    Ok((staff, password))
}

fn staff_from_row(r: &rusqlite::Row) -> rusqlite::Result<(Staff, String)> {
    let role: String = r.get(2)?;
    // An unknown role in the file (edited by hand, written by a newer office) grants nothing:
    // the row is refused rather than read as some role.
    let role = Role::parse(&role).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok((
        Staff {
            id: r.get(0)?,
            name: r.get(1)?,
            role,
            created_at: r.get(3)?,
            disabled_at: r.get(4)?,
        },
        r.get(5)?,
    ))
}

pub fn list(auth: &Auth) -> Result<Vec<Staff>> {
    schema(auth)?;
    let mut st = auth.conn().prepare(
        "SELECT id, name, role, created_at, disabled_at, '' FROM office_staff ORDER BY name",
    )?;
    let rows = st.query_map([], staff_from_row)?;
    Ok(rows
        .map(|r| r.map(|(s, _)| s))
        .collect::<rusqlite::Result<_>>()?)
}

/// Disable an account and end its sessions (a person leaves); the record stays.
pub fn disable(auth: &Auth, name: &str) -> Result<Staff> {
    schema(auth)?;
    let now = Utc::now().to_rfc3339();
    let n = auth.conn().execute(
        "UPDATE office_staff SET disabled_at = COALESCE(disabled_at, ?2) WHERE name = ?1",
        rusqlite::params![name.trim(), now],
    )?;
    if n == 0 {
        return Err(Error::not_found("staff", name));
    }
    auth.conn().execute(
        "DELETE FROM office_session WHERE staff_id = (SELECT id FROM office_staff WHERE name = ?1)",
        [name.trim()],
    )?;
    list(auth)?
        .into_iter()
        .find(|s| s.name == name.trim())
        .ok_or_else(|| Error::not_found("staff", name))
}

/// Why a login was refused. The same words for a wrong name and a wrong password, so a
/// stranger cannot learn who works here.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefused {
    Wrong,
    /// Too many failures: try again after this many seconds.
    Locked {
        retry_after_secs: i64,
    },
}

/// Check a name and password and open a session. Every failure is counted against the name
/// (known or not); past [`MAX_FAILURES`] within [`LOCK_MINUTES`] the name is locked until the
/// oldest failure ages out, even for the right password.
pub fn login(
    auth: &Auth,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(Session, String), LoginRefused>> {
    schema(auth)?;
    let name = name.trim();
    let since = (now - Duration::minutes(LOCK_MINUTES)).to_rfc3339();
    auth.conn()
        .execute("DELETE FROM office_login_failure WHERE at < ?1", [&since])?;
    let (failures, oldest): (i64, Option<String>) = auth.conn().query_row(
        "SELECT COUNT(*), MIN(at) FROM office_login_failure WHERE name = ?1 AND at >= ?2",
        rusqlite::params![name, since],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if usize::try_from(failures).unwrap_or(usize::MAX) >= MAX_FAILURES {
        let until = oldest
            .and_then(|o| DateTime::parse_from_rfc3339(&o).ok())
            .map(|o| o.with_timezone(&Utc) + Duration::minutes(LOCK_MINUTES))
            .unwrap_or(now + Duration::minutes(LOCK_MINUTES));
        return Ok(Err(LoginRefused::Locked {
            retry_after_secs: (until - now).num_seconds().max(1),
        }));
    }
    let found = auth
        .conn()
        .query_row(
            "SELECT id, name, role, created_at, disabled_at, password_phc FROM office_staff WHERE name = ?1",
            [name],
            staff_from_row,
        )
        .optional()?;
    let ok = match &found {
        Some((s, phc)) => password_matches(password, phc) && s.disabled_at.is_none(),
        // Hash anyway, so a wrong name takes as long as a wrong password.
        None => {
            let _ = hash_password(password);
            false
        }
    };
    let Some((staff, _)) = found.filter(|_| ok) else {
        auth.conn().execute(
            "INSERT INTO office_login_failure(name, at) VALUES (?1, ?2)",
            rusqlite::params![name, now.to_rfc3339()],
        )?;
        return Ok(Err(LoginRefused::Wrong));
    };
    auth.conn()
        .execute("DELETE FROM office_login_failure WHERE name = ?1", [name])?;
    let token = new_token();
    let session = Session {
        staff,
        csrf: new_token(),
        expires_at: (now + Duration::hours(SESSION_HOURS)).to_rfc3339(),
    };
    auth.conn().execute(
        "INSERT INTO office_session(token_sha256, staff_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![hash(&token), session.staff.id, session.csrf, now.to_rfc3339(), session.expires_at],
    )?;
    Ok(Ok((session, token)))
}

/// The session a cookie's token opens, if it exists, has not expired and its account is
/// still enabled.
pub fn session(auth: &Auth, token: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
    schema(auth)?;
    let row = auth
        .conn()
        .query_row(
            "SELECT s.id, s.name, s.role, s.created_at, s.disabled_at, x.csrf, x.expires_at
             FROM office_session x JOIN office_staff s ON s.id = x.staff_id
             WHERE x.token_sha256 = ?1",
            [hash(token)],
            |r| {
                Ok((
                    staff_from_row(r)?.0,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    Ok(row.and_then(|(staff, csrf, expires_at)| {
        let live = DateTime::parse_from_rfc3339(&expires_at).is_ok_and(|e| e > now);
        (live && staff.disabled_at.is_none()).then_some(Session {
            staff,
            csrf,
            expires_at,
        })
    }))
}

/// Whether `sent` is the session's CSRF token (constant time).
pub fn csrf_matches(session: &Session, sent: &str) -> bool {
    constant_time_eq(session.csrf.as_bytes(), sent.as_bytes())
}

/// End a session (logout).
pub fn logout(auth: &Auth, token: &str) -> Result<()> {
    schema(auth)?;
    auth.conn().execute(
        "DELETE FROM office_session WHERE token_sha256 = ?1",
        [hash(token)],
    )?;
    Ok(())
}
