//! The engineer profile of this installation: who writes, under which company and report
//! prefix. The desktop app's first start asks for it (or loads the demo, which makes its own);
//! the CLI can do the same. Owned by the desktop-app issue (6).

use crate::domain::org::Engineer;
use crate::org;
use crate::store::Store;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// What the first-start form asks for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProfileInput {
    pub company: String,
    pub name: String,
    pub phone: Option<String>,
    pub report_prefix: String,
}

/// The engineer this installation writes as, with their company's name.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub engineer: Engineer,
    pub company_name: String,
}

/// Whether the store holds no data at all yet (so the demo may be loaded into it).
pub fn is_empty(store: &Store) -> Result<bool> {
    let n: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM company", [], |r| r.get(0))?;
    Ok(n == 0)
}

/// The current profile, or `None` before the first start is finished.
pub fn current(store: &Store) -> Result<Option<Profile>> {
    let id = store.current_engineer().to_string();
    let engineer = match org::engineer(store, &id) {
        Ok(e) => e,
        Err(Error::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let company_name: String = store.conn().query_row(
        "SELECT name FROM company WHERE id = ?1",
        [&engineer.company_id],
        |r| r.get(0),
    )?;
    Ok(Some(Profile {
        engineer,
        company_name,
    }))
}

/// Create the company and the engineer in one transaction and write as them from now on, then
/// make the engineer's report-signing key (kept in this database, never synced). Refused when a
/// profile already exists: a second engineer on one installation is a new database, not a
/// silent change of author.
pub fn create(store: &mut Store, input: &ProfileInput) -> Result<Profile> {
    if current(store)?.is_some() {
        return Err(Error::refused(
            "profile_exists",
            "本机已有工程师档案",
            "this installation already has an engineer profile",
        ));
    }
    let engineer = store.write(|tx| {
        let company = org::add_company(tx, &input.company, None, None)?;
        let engineer = org::add_engineer(
            tx,
            &company.id,
            &input.name,
            input.phone.as_deref().filter(|p| !p.trim().is_empty()),
            &input.report_prefix,
        )?;
        tx.make_current_engineer(&engineer.id)?;
        Ok(engineer)
    })?;
    crate::report::keys::ensure(store, &engineer.id)?;
    current(store)?.ok_or_else(|| Error::not_found("engineer", engineer.id))
}

/// Correct the profile: company name, the engineer's name, phone and report prefix. The prefix
/// starts every report number this engineer issues, so it can change only while none was
/// issued (a changed prefix would make two series for one engineer, and the office matches
/// paper copies by number). One transaction; nothing changes when a field is refused.
pub fn update(store: &mut Store, input: &ProfileInput) -> Result<Profile> {
    let Some(now) = current(store)? else {
        return Err(Error::refused(
            "no_profile",
            "还没有工程师档案，请先创建",
            "there is no engineer profile yet; create one first",
        ));
    };
    let e = &now.engineer;
    let new = Engineer::new(
        e.id.clone(),
        &e.company_id,
        &input.name,
        input.phone.as_deref().filter(|p| !p.trim().is_empty()),
        &input.report_prefix,
    )?;
    let company = crate::domain::values::required_text(
        "company.name",
        &input.company,
        crate::domain::values::MAX_NAME_CHARS,
    )?;
    if new.report_prefix != e.report_prefix {
        let issued: i64 = store.conn().query_row(
            "SELECT COUNT(*) FROM report WHERE engineer_id = ?1",
            [&e.id],
            |r| r.get(0),
        )?;
        if issued > 0 {
            return Err(Error::invalid(
                "engineer.report_prefix",
                format!(
                    "已用前缀 {} 出具了 {issued} 份报告，报告编号前缀不能再改",
                    e.report_prefix
                ),
                format!(
                    "{issued} reports were issued with prefix {}; the report number prefix can no longer change",
                    e.report_prefix
                ),
            ));
        }
        let taken: bool = store.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM engineer WHERE company_id = ?1 AND report_prefix = ?2
               AND id != ?3 AND deleted = 0)",
            [&e.company_id, &new.report_prefix, &e.id],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::invalid(
                "engineer.report_prefix",
                format!(
                    "报告编号前缀 {} 已被同公司的其他工程师使用",
                    new.report_prefix
                ),
                format!(
                    "report number prefix {} is used by another engineer of the company",
                    new.report_prefix
                ),
            ));
        }
    }
    store.write(|tx| {
        let phone = new.phone.as_ref().map(|p| p.as_str());
        tx.update(
            "engineer",
            &new.id,
            &[
                ("name", &new.name),
                ("phone", &phone),
                ("report_prefix", &new.report_prefix),
            ],
        )?;
        tx.update("company", &new.company_id, &[("name", &company)])
    })?;
    current(store)?.ok_or_else(|| Error::not_found("engineer", &e.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(&dir.path().join("p.db"), Arc::new(crate::SystemClock)).expect("open");
        (dir, s)
    }

    #[test]
    fn first_start_creates_one_profile() {
        let (_d, mut s) = store();
        assert!(is_empty(&s).expect("empty"));
        assert!(current(&s).expect("current").is_none());
        let input = ProfileInput {
            company: "西安维保公司".into(),
            name: "赵六".into(),
            phone: None,
            report_prefix: "zl".into(),
        };
        let p = create(&mut s, &input).expect("create");
        assert_eq!(p.engineer.report_prefix, "ZL");
        assert_eq!(
            current(&s).expect("current").expect("some").engineer.name,
            "赵六"
        );
        assert_eq!(
            create(&mut s, &input).expect_err("second").kind(),
            "profile_exists"
        );
    }

    #[test]
    fn the_profile_can_be_corrected_and_its_prefix_until_a_report_is_issued() {
        let (_d, mut s) = store();
        let input = ProfileInput {
            company: "西安维保公司".into(),
            name: "赵六".into(),
            phone: None,
            report_prefix: "ZL".into(),
        };
        create(&mut s, &input).expect("create");
        let fixed = ProfileInput {
            company: "西安明顿电子".into(),
            name: "赵 六".into(),
            phone: Some("１３８００００００００".into()),
            report_prefix: "zls".into(),
        };
        let p = update(&mut s, &fixed).expect("update");
        assert_eq!(p.company_name, "西安明顿电子");
        assert_eq!(p.engineer.report_prefix, "ZLS");
        assert_eq!(
            p.engineer.phone.as_ref().map(|p| p.as_str()),
            Some("13800000000")
        );
        let bad = ProfileInput {
            phone: Some("029".into()),
            ..fixed
        };
        assert_eq!(
            update(&mut s, &bad).expect_err("bad phone").field(),
            Some("engineer.phone")
        );
    }

    #[test]
    fn bad_prefix_names_the_field_and_stores_nothing() {
        let (_d, mut s) = store();
        let input = ProfileInput {
            company: "公司".into(),
            name: "赵六".into(),
            phone: None,
            report_prefix: "z1".into(),
        };
        let e = create(&mut s, &input).expect_err("bad prefix");
        assert_eq!(e.field(), Some("engineer.report_prefix"));
        assert!(is_empty(&s).expect("empty"));
    }
}
