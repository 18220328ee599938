//! Importing a change-set file into a real store (SQLite in the scratch directory, a copy of
//! `fuzz/seed/store.sqlite`). The invariant is "no half-written data": an import that fails
//! leaves the change log and every row exactly as they were, and an import that succeeds
//! changes nothing when the same file is imported again. The footer is made right first (see
//! the `changeset` target) so that mutated changes reach the store.
#![no_main]
use libfuzzer_sys::fuzz_target;
use weibao::store::changeset::import_from;
use weibao_fuzz::StoreDigest;

fuzz_target!(|data: &[u8]| {
    let file = weibao_fuzz::with_footer(data);
    weibao_fuzz::with_import_store(|s| {
        let result = import_from(&mut s.store, file.as_slice(), "fuzz.changes");
        if weibao_fuzz::verbose() {
            eprintln!("import: {result:?}");
        }
        match result {
            Err(_) => {
                s.assert_pristine("a failed import left data behind");
                false
            }
            Ok(_) => {
                let after = StoreDigest::of(&s.store);
                let again = import_from(&mut s.store, file.as_slice(), "fuzz.changes")
                    .expect("the same file imported again");
                assert_eq!(again.applied, 0, "a second import applied changes");
                let twice = StoreDigest::of(&s.store);
                assert_eq!(after, twice, "importing the same file again changed data");
                // The store changed: the next input starts from the seed again.
                after != s.pristine
            }
        }
    });
});
