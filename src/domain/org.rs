//! The people and places: service company (乙方), engineers, customers (甲方) and their
//! contacts, sites and lanes.

use super::values::*;
use crate::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Company {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<Phone>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Engineer {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub phone: Option<Phone>,
    /// Prefix of this engineer's report numbers (e.g. `ZW`), unique per company so numbers made
    /// offline by different engineers never collide.
    pub report_prefix: String,
}

impl Engineer {
    pub fn new(
        id: String,
        company_id: &str,
        name: &str,
        phone: Option<&str>,
        prefix: &str,
    ) -> Result<Self> {
        let p = prefix.trim().to_ascii_uppercase();
        if !(2..=6).contains(&p.len()) || !p.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(crate::Error::invalid(
                "engineer.report_prefix",
                "报告编号前缀应为 2–6 个英文字母",
                "report prefix must be 2–6 letters",
            ));
        }
        Ok(Engineer {
            id,
            company_id: company_id.to_string(),
            name: required_text("engineer.name", name, MAX_NAME_CHARS)?,
            phone: phone
                .map(|p| Phone::parse("engineer.phone", p))
                .transpose()?,
            report_prefix: p,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Contact {
    pub id: String,
    pub customer_id: String,
    pub name: String,
    pub phone: Phone,
    pub role: Option<String>,
}

impl Contact {
    pub fn new(
        id: String,
        customer_id: &str,
        name: &str,
        phone: &str,
        role: Option<&str>,
    ) -> Result<Self> {
        Ok(Contact {
            id,
            customer_id: customer_id.to_string(),
            name: required_text("contact.name", name, MAX_NAME_CHARS)?,
            phone: Phone::parse("contact.phone", phone)?,
            role: optional_text("contact.role", role, MAX_NAME_CHARS)?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Site {
    pub id: String,
    pub customer_id: String,
    pub name: String,
    pub address: Option<String>,
}

/// 通道/车道: one lane at a site, e.g. "3号进口车道".
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Lane {
    pub id: String,
    pub site_id: String,
    pub name: String,
    /// Short code used in device codes, e.g. `L03`.
    pub code: String,
}
