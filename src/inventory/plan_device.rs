//! Checking device rows: every cell by the core's rule for its field, then the archive as a
//! whole by [`DeviceInput::validate`] (no install date before manufacture, no past event in the
//! future), compared with the stored archive field by field.

use super::columns::{self, Field};
use super::plan::{settle, Check, DeviceRow, Ref, RowCheck, V};
use crate::domain::device::{Device, MAX_FIRMWARE_CHARS};
use crate::domain::values::{parse_date, DeviceCode, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::Result;

/// The column a core error's field is about, for errors of whole-record rules.
pub(super) fn column_of(core_field: &str) -> Option<Field> {
    Some(match core_field {
        "device.code" => Field::DeviceCode,
        "device.type" => Field::DeviceType,
        "device.model" => Field::Model,
        "device.manufacturer" => Field::Manufacturer,
        "device.serial" => Field::Serial,
        "device.manufacture_date" => Field::ManufactureDate,
        "device.install_date" => Field::InstallDate,
        "device.warranty_end" => Field::WarrantyEnd,
        "device.status" => Field::Status,
        "device.confidentiality" => Field::Confidentiality,
        "device.position" => Field::Position,
        "device.notes" => Field::Notes,
        "device.firmware" => Field::Firmware,
        "device.lane_id" => Field::LaneCode,
        "contract.number" => Field::ContractNumber,
        "contract.name" => Field::ContractName,
        "contract.start_date" => Field::StartDate,
        "contract.end_date" => Field::EndDate,
        "contract.fee" => Field::Fee,
        "contract.calendar" => Field::Calendar,
        "contract.inspections_per_year" => Field::InspectionsPerYear,
        _ => return None,
    })
}

/// A date as people and spreadsheets write it, as the core's `YYYY-MM-DD`: `2024/3/1`
/// (Chinese Excel's CSV), `2024.3.1`, `2024年3月1日`, or with a time after it. Anything else is
/// returned as it is, for the core's parser to refuse by name.
pub(super) fn iso_date(text: &str) -> String {
    let t = text.trim();
    let day = t.split([' ', 'T']).next().unwrap_or(t);
    let parts: Vec<&str> = day
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [y, m, d] if digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2) => {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => t.to_string(),
    }
}

impl RowCheck<'_> {
    /// A date cell: `None` absent or bad, `Some(None)` blank, else the ISO date checked by
    /// the core (format and the domain's 1980–2060 range).
    pub(super) fn date(&mut self, field: Field, core_field: &str) -> Option<Option<String>> {
        match self.cell(field) {
            V::Text(t) if t.is_empty() => Some(None),
            V::Text(t) => {
                let iso = iso_date(&t);
                match parse_date(core_field, &iso) {
                    Ok(_) => Some(Some(iso)),
                    Err(e) => {
                        self.fail(field, e);
                        None
                    }
                }
            }
            V::Absent | V::Bad => None,
        }
    }

    /// A cell parsed by `parse` into a stored code; `None` absent, bad or blank.
    fn code<T>(
        &mut self,
        field: Field,
        parse: fn(&str) -> Result<T>,
        code: fn(&T) -> &'static str,
    ) -> Option<String> {
        match self.cell(field) {
            V::Text(t) if t.is_empty() => None,
            V::Text(t) => match parse(&t) {
                Ok(v) => Some(code(&v).to_string()),
                Err(e) => {
                    self.fail(field, e);
                    None
                }
            },
            V::Absent | V::Bad => None,
        }
    }
}

impl Check {
    pub(super) fn device(&mut self, r: &mut RowCheck) {
        let code = match r.cell(Field::DeviceCode) {
            V::Text(t) => match DeviceCode::parse(&t) {
                Ok(c) => Some(c),
                Err(e) => {
                    r.fail(Field::DeviceCode, e);
                    None
                }
            },
            V::Absent | V::Bad => None,
        };
        let lane = self.lane_ref(r);
        let stored = code
            .as_ref()
            .and_then(|c| self.stored.devices.get(c.as_str()))
            .cloned();
        let mut input = stored.as_ref().map(Device::to_input).unwrap_or_default();
        let texts = [
            (Field::Model, "device.model", MAX_NAME_CHARS),
            (Field::Manufacturer, "device.manufacturer", MAX_NAME_CHARS),
            (Field::Serial, "device.serial", MAX_NAME_CHARS),
        ];
        for (field, core, max) in texts {
            if let Some(v) = r.required(field, core, max) {
                match field {
                    Field::Model => input.model = v,
                    Field::Manufacturer => input.manufacturer = v,
                    _ => input.serial = v,
                }
            }
        }
        let optional = [
            (Field::Position, "device.position", MAX_NAME_CHARS),
            (Field::Notes, "device.notes", MAX_NOTE_CHARS),
            (Field::Firmware, "device.firmware", MAX_FIRMWARE_CHARS),
        ];
        for (field, core, max) in optional {
            if let Some(v) = r.optional(field, core, max) {
                match field {
                    Field::Position => input.position = v,
                    Field::Firmware => input.firmware = v,
                    _ => input.notes = v,
                }
            }
        }
        let dates = [
            (Field::ManufactureDate, "device.manufacture_date"),
            (Field::InstallDate, "device.install_date"),
            (Field::WarrantyEnd, "device.warranty_end"),
        ];
        for (field, core) in dates {
            if let Some(v) = r.date(field, core) {
                match field {
                    Field::ManufactureDate => input.manufacture_date = v,
                    Field::InstallDate => input.install_date = v,
                    _ => input.warranty_end = v,
                }
            }
        }
        if let Some(t) = r.filled(Field::DeviceType) {
            match columns::device_type(&t) {
                Ok(v) => input.device_type = v.code().to_string(),
                Err(e) => r.fail(Field::DeviceType, e),
            }
        }
        // Blank status or confidentiality: keep the stored one (a new archive gets the
        // core's default).
        if let Some(s) = r.code(Field::Status, columns::device_status, |s| s.code()) {
            input.status = Some(s);
        }
        if let Some(c) = r.code(Field::Confidentiality, columns::confidentiality, |c| {
            c.code()
        }) {
            input.confidentiality = Some(c);
        }
        let Some(code) = code else { return };
        if let Some(first) = self.device_keys.get(code.as_str()) {
            let first = first.clone();
            r.problem(
                Field::DeviceCode,
                format!("设备编号「{code}」重复，已在 {first} 出现"),
                format!("device code '{code}' is given twice, first at {first}"),
            );
            return;
        }
        self.device_keys.insert(code.as_str().to_string(), r.at());
        let Some(lane) = lane else { return };
        if !r.errors.is_empty() || lane == Ref::Broken {
            return;
        }
        input.code = code.as_str().to_string();
        input.lane_id = match &lane {
            Ref::Id(id) => id.clone(),
            _ => "(new lane)".to_string(),
        };
        let id = stored.as_ref().map_or_else(String::new, |d| d.id.clone());
        let device = match input.validate(id, self.today) {
            Ok(d) => d,
            Err(e) => {
                let field = e.field().and_then(column_of).unwrap_or(Field::DeviceCode);
                r.fail(field, e);
                return;
            }
        };
        let changed = stored
            .as_ref()
            .is_some_and(|s| !s.changed_fields(&device).is_empty());
        let data = DeviceRow { lane, input };
        settle(
            &mut self.plan.devices,
            r,
            true,
            stored.map(|d| d.id),
            changed,
            data,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn dates_as_chinese_excel_writes_them_become_iso() {
        assert_eq!(iso_date("2024/3/1"), "2024-03-01");
        assert_eq!(iso_date("2024年3月1日"), "2024-03-01");
        assert_eq!(iso_date(" 2024-03-01 00:00:00 "), "2024-03-01");
        assert_eq!(iso_date("2024-03-01T00:00:00"), "2024-03-01");
        assert_eq!(iso_date("3/1/2024"), "3/1/2024");
        assert_eq!(iso_date("明年"), "明年");
    }
}
