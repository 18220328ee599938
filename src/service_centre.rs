//! The service centre (客户服务中心) as a signer of what the office itself makes: the customer's
//! quarterly device status report can be made at the office, not only on an engineer's laptop.
//! A signed document needs a signer with a key and a certificate; at the office that is the
//! centre, an engineer record of the company named 客户服务中心 with its own report prefix
//! (`KF`), made once with an id derived from the company, so every copy of the office replica
//! names the same record. Its private key stays in the office replica like every engineer's
//! stays on their laptop ([`crate::report::keys`]); who asked for the report is in the office's
//! log, the document is signed by the centre.

use crate::store::{derived_id, Store};
use crate::{Error, Result};
use rusqlite::OptionalExtension;

/// The signer's name on the documents the office makes.
pub const NAME: &str = "客户服务中心";
/// Its report number prefix: numbers it takes never clash with an engineer's.
pub const PREFIX: &str = "KF";

/// The service centre's engineer id, made on first use. Refused when the replica has no
/// company yet (nothing to sign for).
pub fn ensure(store: &mut Store) -> Result<String> {
    let company: Option<String> = store
        .conn()
        .prepare_cached(
            "SELECT id FROM company WHERE deleted = 0 ORDER BY created_hlc, id LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    let Some(company) = company else {
        return Err(Error::refused(
            "no_company",
            "办公室数据中还没有公司档案，无法以客户服务中心的名义签署",
            "the office has no company record yet: nothing to sign in the service centre's name",
        ));
    };
    let id = derived_id("service_centre", &company);
    let exists: bool = store
        .conn()
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM engineer WHERE id = ?1)")?
        .query_row([&id], |r| r.get(0))?;
    if !exists {
        store.write(|tx| {
            let e = crate::domain::org::Engineer::new(id.clone(), &company, NAME, None, PREFIX)?;
            tx.insert(
                "engineer",
                &e.id,
                &[
                    ("company_id", &e.company_id),
                    ("name", &e.name),
                    ("phone", &None::<String>),
                    ("report_prefix", &e.report_prefix),
                ],
            )
        })?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::fixture::world;

    #[test]
    fn the_service_centre_is_made_once_with_its_own_prefix_and_signs_a_status_report() {
        let mut w = world();
        let a = ensure(&mut w.store).expect("made");
        let b = ensure(&mut w.store).expect("found");
        assert_eq!(a, b, "one record, whatever the number of calls");
        let e = crate::org::engineer(&w.store, &a).expect("engineer");
        assert_eq!((e.name.as_str(), e.report_prefix.as_str()), (NAME, PREFIX));

        let assets = crate::report::ReportAssets::locate().expect("assets");
        let scope =
            crate::stats::Scope::quarter("西安海关", None, "2026Q2").expect("the world's quarter");
        let made = w
            .store
            .with_author(&a, |s| {
                crate::status_report::make(s, &assets, &scope, crate::Lang::Zh)
            })
            .expect("signed");
        assert!(
            made.report.number.starts_with("KF-"),
            "{}",
            made.report.number
        );
        assert_eq!(made.report.engineer_id, a);
        let pdf = crate::status_report::pdf_of(&w.store, &made.report).expect("pdf");
        let check = crate::report::verify::verify_file(&pdf, None).expect("verify");
        assert!(check.signature.valid, "{:?}", check.signature);
        assert!(
            check.signature.signer.contains(NAME),
            "{}",
            check.signature.signer
        );
    }

    #[test]
    fn an_office_without_a_company_cannot_sign() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(
            &dir.path().join("empty.db"),
            std::sync::Arc::new(crate::SystemClock),
        )
        .expect("store");
        let err = ensure(&mut store).expect_err("no company");
        assert_eq!(err.kind(), "no_company");
    }
}
