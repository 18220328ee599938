//! `weibao torture`: a hidden burst of real writes for the crash-safety test, which kills this
//! process with SIGKILL at random moments. Each write is acknowledged on stdout only after it
//! committed, exactly as the UI acknowledges a saved answer.

use std::io::Write;
use weibao::devices;
use weibao::stock::{self, MovementInput};
use weibao::{Error, Store};

pub fn run(store: &mut Store, writes: usize) -> Result<(), Error> {
    let device = weibao::store::search::search_devices(store, &Default::default())?
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("device", "any"))?;
    let mut out = std::io::stdout().lock();
    for i in 0..writes {
        let qty = (i % 5 + 1) as i64;
        let id = store.write(|tx| {
            let m = stock::record_movement(
                tx,
                &MovementInput {
                    kind: "receive".into(),
                    part: "PAD-BG".into(),
                    qty,
                    to: Some("总仓".into()),
                    note: Some(format!("torture {i}")),
                    ..Default::default()
                },
            )?;
            devices::add_event(tx, &device.id, "note", &format!("torture {i}"), None)?;
            Ok(m.id)
        })?;
        writeln!(out, "ack {id} {qty}")?;
        out.flush()?;
    }
    Ok(())
}
