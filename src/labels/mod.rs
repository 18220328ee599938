//! QR and barcode labels (issue 14): find a device by photographing its label, print a sheet of
//! QR labels for a lane's or a site's devices, and name the stored report a printed page's QR
//! points at.
//!
//! What a label says is a small text payload ([`Payload`]):
//!
//! - `WEIBAO:DEVICE:<统一编号>` on the labels this module prints;
//! - `WEIBAO:REPORT:<number>` in the footer of every report page (`report::render`);
//! - anything else is read as a device code (a label the customer printed with the bare
//!   统一编号) or, failing that, as the device's serial number (the maker's own barcode on the
//!   nameplate).
//!
//! The payloads are upper case on purpose: device codes and report numbers are upper-case
//! letters, digits and `-`, so with an upper-case prefix the whole text is in QR's
//! alphanumeric mode (5.5 bits a character instead of 8), and a label or footer QR stays at
//! version 2 (25×25 modules) — big modules, read from a worn label or a 150-dpi scan. They are
//! read case-insensitively.
//!
//! Decoding ([`read_label`]) goes through the same bounded photo decoder as evidence photos
//! (`media::decode_photo`: 80 MB, 50 MP, complete files only) and is done by rxing, the Rust
//! port of ZXing (QR and the common 1-D codes); encoding ([`qr::encode`]) by the `qrcode` crate.
//! Nothing here writes to the store: a photo that cannot be read leaves no trace.

mod decode;
pub mod qr;
pub mod sheet;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::devices;
use crate::domain::device::Device;
use crate::domain::values::DeviceCode;
use crate::store::Store;
use crate::{Error, Result};

pub use decode::{read_label, read_labels, Decoded, DECODE_LONG_SIDE};
pub use qr::QrMatrix;
pub use sheet::{label_sheet, LabelScope, LabelSheetSummary};

/// The prefix of a device label's payload.
pub const DEVICE_PREFIX: &str = "WEIBAO:DEVICE:";
/// The prefix of a report page's payload.
pub const REPORT_PREFIX: &str = "WEIBAO:REPORT:";

/// What a decoded label text means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Payload {
    /// A weibao device label: the device's code (统一编号).
    Device(String),
    /// A weibao report page: the report's number.
    Report(String),
    /// Any other text: a bare device code or a serial number.
    Other(String),
}

/// The payload of a device's label.
pub fn device_payload(code: &DeviceCode) -> String {
    format!("{DEVICE_PREFIX}{}", code.as_str())
}

/// The payload of a report page's QR: the report's number and nothing else.
///
/// Why no digest: the only digest a verifier can check is the signed PDF's SHA-256, which is on
/// record, and a file cannot contain its own hash. A digest of the report's content made before
/// rendering could not be checked later either (nothing stores it, and a report rebuilt from
/// today's records may differ from the one signed), so it would only look like proof. The
/// number names exactly one stored record (numbers carry the engineer's own prefix and are
/// unique), and that record holds the hash; a short payload also keeps the footer QR small
/// enough for the page and big enough to read from a scan.
pub fn report_payload(number: &str) -> String {
    format!("{REPORT_PREFIX}{}", number.trim())
}

/// Classify a decoded text (case-insensitive prefixes, surrounding blanks ignored).
pub fn parse_payload(text: &str) -> Payload {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    if let Some(code) = upper.strip_prefix(DEVICE_PREFIX) {
        return Payload::Device(code.trim().to_string());
    }
    if upper.starts_with(REPORT_PREFIX) {
        // Keep the number as written (numbers are upper case anyway).
        return Payload::Report(t[REPORT_PREFIX.len()..].trim().to_string());
    }
    Payload::Other(t.to_string())
}

/// How a label was matched to a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// A weibao label (`WEIBAO:DEVICE:…`).
    Label,
    /// The text is the device's code (统一编号).
    Code,
    /// The text is the device's serial number.
    Serial,
}

/// A device found by its label.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub device: Device,
    /// The text the label holds, as read.
    pub read: String,
    pub matched_by: MatchedBy,
}

/// The text as it may be shown in a message: printable, at most 64 characters.
pub(crate) fn shown(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(64)
        .collect();
    if text.chars().count() > 64 {
        format!("{clean}…")
    } else {
        clean
    }
}

/// The device a label's text names: a weibao label by its code; other text as a code, then as
/// a serial number. Not found names what was read; a report's QR is refused with what it is.
pub fn lookup(store: &Store, text: &str) -> Result<Found> {
    let read = text.trim().to_string();
    match parse_payload(text) {
        Payload::Device(code) => {
            let device = by_code(store, &code)?.ok_or_else(|| not_found(&read))?;
            Ok(Found {
                device,
                read,
                matched_by: MatchedBy::Label,
            })
        }
        Payload::Report(number) => Err(Error::invalid(
            "label.photo",
            format!(
                "这是报告 {} 的二维码，不是设备标签；请用「weibao verify」核对报告",
                shown(&number)
            ),
            format!(
                "this is the QR of report {}, not a device label; use `weibao verify` for reports",
                shown(&number)
            ),
        )),
        Payload::Other(t) => {
            if t.is_empty() {
                return Err(not_found(&read));
            }
            if let Some(device) = by_code(store, &t)? {
                return Ok(Found {
                    device,
                    read,
                    matched_by: MatchedBy::Code,
                });
            }
            let device = by_serial(store, &t)?.ok_or_else(|| not_found(&read))?;
            Ok(Found {
                device,
                read,
                matched_by: MatchedBy::Serial,
            })
        }
    }
}

/// Decode the photo and look its label up: the one call the CLI and the desktop make.
pub fn find_by_photo(store: &Store, photo: &[u8]) -> Result<Found> {
    let decoded = read_label(photo, "label.photo")?;
    lookup(store, &decoded.text)
}

fn not_found(read: &str) -> Error {
    Error::not_found("device", shown(read))
}

/// A live device by code; `None` when the text is not a code or no device has it.
fn by_code(store: &Store, text: &str) -> Result<Option<Device>> {
    let Ok(code) = DeviceCode::parse(text) else {
        return Ok(None);
    };
    match devices::device(store, code.as_str()) {
        Ok(d) => Ok(Some(d)),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The live device whose serial (as its archive shows it now) is `serial`. Two devices with
/// one serial (a maker's duplicate, a typo at archiving) are refused with both codes rather
/// than guessing.
fn by_serial(store: &Store, serial: &str) -> Result<Option<Device>> {
    let mut st = store.conn().prepare_cached(
        "SELECT code FROM device_now WHERE serial = ?1 AND deleted = 0 ORDER BY code LIMIT 3",
    )?;
    let codes: Vec<String> = st
        .query_map([serial], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match codes.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(devices::device(store, one)?)),
        many => Err(Error::invalid(
            "label.photo",
            format!(
                "序列号 {} 属于多台设备（{}），请拍设备的统一编号标签",
                shown(serial),
                many.join("、")
            ),
            format!(
                "serial {} belongs to several devices ({}); photograph the device's own label",
                shown(serial),
                many.join(", ")
            ),
        )),
    }
}
