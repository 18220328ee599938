//! Searching what engineers wrote (故障现象, 到场情况, 处理过程, 原因分析): "缓冲垫开裂" finds every
//! repair that mentions it, each hit with the device, the lane and the work order it belongs to
//! and the words around the match, so the engineer at the lane sees how it was fixed before.
//!
//! The index is the store's (`note_fts`, a trigram index kept in step by every local write and
//! every applied sync change); this only names the hits for people.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::store::search::search_notes;
use crate::store::Store;
use crate::views::time;
use crate::{Error, Result};

/// The longest text searched for: a phrase, not a document.
const MAX_QUERY_CHARS: usize = 200;
/// Characters shown either side of the match.
const CONTEXT_CHARS: usize = 24;

/// One work order whose notes mention the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteHit {
    pub work_order_id: String,
    pub title: String,
    pub kind: String,
    pub state: String,
    pub device_id: Option<String>,
    pub device_code: Option<String>,
    pub site: String,
    pub lane: String,
    pub reported_at_text: String,
    /// Which form the words are on: `fault_report` (报障) or `service_record` (服务记录).
    pub source: String,
    /// The words around the first match, with … where cut.
    pub excerpt: String,
    /// The signed report of the work order, if any.
    pub report_number: Option<String>,
}

/// `body` cut to the words around the first case-insensitive match of `needle`.
fn excerpt(body: &str, needle: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let lower: Vec<char> = body.to_lowercase().chars().collect();
    let want: Vec<char> = needle.to_lowercase().chars().collect();
    // Lower-casing may change the length of some scripts; fall back to the start then.
    let at = if lower.len() == chars.len() && !want.is_empty() {
        lower
            .windows(want.len())
            .position(|w| w == want.as_slice())
            .unwrap_or(0)
    } else {
        0
    };
    let from = at.saturating_sub(CONTEXT_CHARS);
    let to = at
        .saturating_add(want.len())
        .saturating_add(CONTEXT_CHARS)
        .min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.extend(&chars[from..to]);
    if to < chars.len() {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Work orders whose notes contain `text`, newest report first, at most `limit`.
pub fn search(store: &Store, text: &str, limit: i64) -> Result<Vec<NoteHit>> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(
            "search.text",
            "请输入要搜索的文字",
            "type the words to search for",
        ));
    }
    if t.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(
            "search.text",
            format!("搜索文字过长（最多 {MAX_QUERY_CHARS} 字）"),
            format!("the search text is too long (at most {MAX_QUERY_CHARS} characters)"),
        ));
    }
    let conn = store.conn();
    let mut out = Vec::new();
    for id in search_notes(store, t, limit.clamp(1, 500))? {
        let Some(row) = conn
            .query_row(
                "SELECT w.title, w.kind, w.state, w.device_id, d.code, s.name,
                        l.name || ' ' || l.code, w.reported_at
                 FROM work_order_now w JOIN lane l ON l.id = w.lane_id
                 JOIN site s ON s.id = l.site_id LEFT JOIN device d ON d.id = w.device_id
                 WHERE w.id = ?1 AND w.deleted = 0",
                [&id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()?
        else {
            continue;
        };
        let (source, body): (String, String) = conn
            .query_row(
                "SELECT source, body FROM note_fts WHERE work_order_id = ?1
                 ORDER BY instr(lower(body), lower(?2)) = 0, source LIMIT 1",
                rusqlite::params![id, t],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or_default();
        let report_number: Option<String> = conn
            .query_row(
                "SELECT number FROM report WHERE work_order_id = ?1 AND kind <> 'addendum'
                   AND deleted = 0",
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        let (title, kind, state, device_id, device_code, site, lane, reported) = row;
        out.push(NoteHit {
            excerpt: excerpt(&body, t),
            work_order_id: id,
            title,
            kind,
            state,
            device_id,
            device_code,
            site,
            lane,
            reported_at_text: time::china_text(&reported),
            source,
            report_number,
        });
    }
    out.sort_by(|a, b| b.reported_at_text.cmp(&a.reported_at_text));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::work_order::{ServiceRecordInput, WorkOrderState};
    use crate::views::fixture::world;
    use crate::work_orders;

    #[test]
    fn buffer_pad_cracked_finds_the_repair_that_mentions_it_with_its_device_and_lane() {
        let mut w = world();
        let wo = w.work_order.clone();
        w.store
            .write(|tx| {
                for to in [
                    WorkOrderState::Assigned,
                    WorkOrderState::Responded,
                    WorkOrderState::OnSite,
                ] {
                    work_orders::advance(tx, &wo, to, None, None)?;
                }
                work_orders::record_service(
                    tx,
                    &wo,
                    &ServiceRecordInput {
                        found_state: "落杆时有撞击声，检查发现缓冲垫开裂两处，限位开关松动".into(),
                        process: "更换缓冲垫，紧固限位开关".into(),
                        ..Default::default()
                    },
                )
            })
            .expect("record");
        let hits = search(&w.store, "缓冲垫开裂", 50).expect("search");
        assert_eq!(hits.len(), 1);
        let h = &hits[0];
        assert_eq!(h.work_order_id, wo);
        assert_eq!(h.device_code.as_deref(), Some("XA01-L01-BG01"));
        assert_eq!(h.site, "西安综合保税区卡口");
        assert_eq!(h.source, "service_record");
        assert!(h.excerpt.contains("缓冲垫开裂"), "{}", h.excerpt);
        // The fault report's words are searched too; nothing found is an empty list.
        assert_eq!(search(&w.store, "IC 卡", 50).expect("search").len(), 1);
        assert!(search(&w.store, "雷击", 50).expect("search").is_empty());
    }

    #[test]
    fn an_empty_or_overlong_search_is_named() {
        let w = world();
        for bad in ["  ".to_string(), "字".repeat(201)] {
            let e = search(&w.store, &bad, 10).expect_err("refused");
            assert_eq!(e.field(), Some("search.text"));
        }
    }

    #[test]
    fn the_excerpt_keeps_the_words_around_the_match() {
        let body = format!("{}缓冲垫开裂{}", "前".repeat(40), "后".repeat(40));
        let e = excerpt(&body, "缓冲垫开裂");
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        assert_eq!(e.chars().count(), 24 + 5 + 24 + 2);
    }
}
