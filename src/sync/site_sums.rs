//! What a site holds, by the sync rule of [`super::scope`]: each site's row count and content
//! checksum (a laptop and the office compare them to find a drifted site), and every row a
//! scope covers (for tests and tools that compare a laptop with the office's share of it).

use super::scope::{json_list, local_sites, pairs_sql, rule, Reach, Scope};
use crate::store::registry::{self, DELETED};
use crate::Result;
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// One site's checksum: how many rows belong to it and the SHA-256 of their content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSum {
    pub id: String,
    pub rows: i64,
    pub checksum: String,
}

/// The checksum of each site in `sites`, computed the same way on the office and on a laptop.
///
/// A site's content is every row that belongs to it (by [`super::scope`]'s rules; global rows belong to no
/// site), table by table in registry order, each table's rows sorted by id. A row is written as
/// `table`, a tab, the JSON array `[id, hlc, synced columns in registry order…, deleted]` and a
/// newline: its id, its last-change stamp and the columns that travel in changes (the
/// tombstone included for mutable tables), never a local-only column or table (search index,
/// field clocks, held changes, …), so two replicas that hold the same merged rows agree. A
/// site with no rows has the SHA-256 of nothing.
pub fn checksums(conn: &Connection, sites: &[String]) -> Result<Vec<SiteSum>> {
    let mut acc: BTreeMap<&str, (Sha256, i64)> = sites
        .iter()
        .map(|s| (s.as_str(), (Sha256::new(), 0)))
        .collect();
    let wanted = json_list(sites.iter());
    for t in registry::TABLES {
        let Some((r, arms)) = rule(t.name).and_then(|r| match &r.reach {
            Reach::Sites(arms) => Some((r, *arms)),
            Reach::Global => None,
        }) else {
            continue;
        };
        let mut cols: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
        if t.mutable() {
            cols.push(DELETED.name);
        }
        let sql = format!(
            "SELECT p.site, t.id, t.hlc, {} FROM {} t
             JOIN (SELECT DISTINCT id, site FROM ({})) p ON p.id = t.id
             WHERE p.site IN (SELECT value FROM json_each(?1)) ORDER BY t.id, p.site",
            cols.iter()
                .map(|c| format!("t.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            t.name,
            pairs_sql(r, arms)
        );
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query([&wanted])?;
        while let Some(row) = rows.next()? {
            let site: String = row.get(0)?;
            let mut line = Vec::with_capacity(cols.len() + 2);
            for i in 1..cols.len() + 3 {
                line.push(crate::store::merge::value_json(&row.get::<_, Value>(i)?));
            }
            if let Some((h, n)) = acc.get_mut(site.as_str()) {
                h.update(t.name.as_bytes());
                h.update(b"\t");
                h.update(serde_json::Value::Array(line).to_string().as_bytes());
                h.update(b"\n");
                *n += 1;
            }
        }
    }
    Ok(acc
        .into_iter()
        .map(|(id, (h, rows))| SiteSum {
            id: id.to_string(),
            rows,
            checksum: hex::encode(h.finalize()),
        })
        .collect())
}

/// Every (table, id) of this replica that `scope` covers: global rows and the rows of its
/// sites (for tests and tools that compare a laptop with the office's share of it).
pub fn rows_in_scope(conn: &Connection, scope: &Scope) -> Result<BTreeSet<(String, String)>> {
    let sites = json_list(local_sites(conn, scope)?.iter());
    let mut out = BTreeSet::new();
    for t in registry::TABLES {
        let sql = match rule(t.name).map(|r| (r, &r.reach)) {
            Some((_, Reach::Global)) => format!("SELECT id FROM {}", t.name),
            _ if *scope == Scope::All => format!("SELECT id FROM {}", t.name),
            Some((r, Reach::Sites(arms))) => format!(
                "SELECT DISTINCT id FROM ({}) WHERE site = '*' OR site IN \
                 (SELECT value FROM json_each(?1))",
                pairs_sql(r, arms)
            ),
            None => continue,
        };
        let mut st = conn.prepare(&sql)?;
        let ids = if sql.contains("?1") {
            st.query_map([&sites], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            st.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        out.extend(ids.into_iter().map(|id| (t.name.to_string(), id)));
    }
    Ok(out)
}
