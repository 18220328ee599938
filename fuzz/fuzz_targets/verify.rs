//! Checking a report PDF someone hands over: its signature (found in the raw bytes), and with
//! a database the stored hash and the report number its title claims.
#![no_main]
use libfuzzer_sys::fuzz_target;
use weibao::report::verify::verify_file;

fuzz_target!(|data: &[u8]| {
    let without = verify_file(data, None);
    if weibao_fuzz::verbose() {
        eprintln!("verify: {without:?}");
    }
    weibao_fuzz::with_seed_store("verify", |store| {
        let with = verify_file(data, Some(store));
        // The database adds the record check; it never changes the verdict on the signature.
        match (&without, &with) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.signature, b.signature);
                assert!(b.record.is_some());
                if a.signature.valid {
                    assert!(a.signature.problem.is_none());
                }
            }
            (Err(_), Err(_)) => {}
            _ => panic!("verify with and without a database disagree"),
        }
    });
});
