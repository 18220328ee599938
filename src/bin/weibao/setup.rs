//! `weibao add …`, `weibao profile …`, `weibao fault-levels`: starting from an empty database
//! by hand, the own profile, and the contract's fault levels. The same core functions as the
//! desktop app's forms (`weibao::setup`, `weibao::profile`, `weibao::contracts`).

use crate::output::{emit, opt, table};
use crate::Ctx;
use clap::Subcommand;
use weibao::domain::device::DeviceInput;
use weibao::profile::{self, ProfileInput};
use weibao::setup::{self, CustomerForm, LaneForm, SiteForm};
use weibao::Error;

#[derive(Subcommand)]
pub enum AddCmd {
    /// A customer (客户), with its contact person if given.
    Customer {
        name: String,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    /// A site (站点) of a customer (its name or id).
    Site {
        #[arg(long)]
        customer: String,
        name: String,
        #[arg(long)]
        address: Option<String>,
    },
    /// A lane (车道) at a site (its name or id); the code (L01) is new at that site.
    Lane {
        #[arg(long)]
        site: String,
        name: String,
        #[arg(long)]
        code: String,
    },
    /// A device archive (设备档案) on a lane (its id, its code, or SITE/CODE).
    Device {
        #[arg(long)]
        lane: String,
        #[arg(long)]
        code: String,
        /// barrier_gate, camera, card_reader, … or 道闸, 摄像机, …
        #[arg(long = "type")]
        device_type: String,
        #[arg(long)]
        model: String,
        #[arg(long)]
        manufacturer: String,
        #[arg(long)]
        serial: String,
        #[arg(long)]
        install_date: Option<String>,
        #[arg(long)]
        warranty_end: Option<String>,
        #[arg(long)]
        position: Option<String>,
        /// Firmware or software version (固件/软件版本).
        #[arg(long)]
        firmware: Option<String>,
        /// Found at the lane with no archive (现场发现): the history says so.
        #[arg(long)]
        found: bool,
    },
}

#[derive(Subcommand)]
pub enum ProfileCmd {
    /// The engineer this database writes as.
    Show,
    /// Correct the profile; the report prefix only while no report was issued.
    Set {
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        prefix: Option<String>,
    },
}

pub fn add(ctx: &mut Ctx, cmd: AddCmd) -> Result<(), Error> {
    match cmd {
        AddCmd::Customer {
            name,
            address,
            contact,
            phone,
        } => {
            let form = CustomerForm {
                name,
                address,
                contact_name: contact,
                contact_phone: phone,
            };
            let c = setup::create_customer(&mut ctx.store, &form)?;
            emit(ctx, &c, || format!("已添加客户「{}」 {}\n", c.name, c.id))
        }
        AddCmd::Site {
            customer,
            name,
            address,
        } => {
            let form = SiteForm {
                customer_id: customer,
                name,
                address,
            };
            let s = setup::create_site(&mut ctx.store, &form)?;
            emit(ctx, &s, || format!("已添加站点「{}」 {}\n", s.name, s.id))
        }
        AddCmd::Lane { site, name, code } => {
            let form = LaneForm {
                site_id: site,
                name,
                code,
            };
            let l = setup::create_lane(&mut ctx.store, &form)?;
            emit(ctx, &l, || {
                format!("已添加车道 {}「{}」 {}\n", l.code, l.name, l.id)
            })
        }
        AddCmd::Device {
            lane,
            code,
            device_type,
            model,
            manufacturer,
            serial,
            install_date,
            warranty_end,
            position,
            firmware,
            found,
        } => {
            let input = DeviceInput {
                code,
                device_type,
                model,
                manufacturer,
                serial,
                install_date,
                warranty_end,
                lane_id: lane,
                position,
                firmware,
                ..Default::default()
            };
            let d = if found {
                setup::create_device_found_at_lane(&mut ctx.store, &input)?
            } else {
                setup::create_device(&mut ctx.store, &input)?
            };
            emit(ctx, &d, || format!("已添加设备 {} {}\n", d.code, d.id))
        }
    }
}

pub fn profile(ctx: &mut Ctx, cmd: ProfileCmd) -> Result<(), Error> {
    let show = |p: &profile::Profile| {
        format!(
            "{} · {} · 电话 {} · 报告前缀 {}\n",
            p.company_name,
            p.engineer.name,
            opt(&p.engineer.phone.as_ref().map(|p| p.as_str().to_string())),
            p.engineer.report_prefix
        )
    };
    match cmd {
        ProfileCmd::Show => {
            let p = profile::current(&ctx.store)?;
            emit(ctx, &p, || match &p {
                Some(p) => show(p),
                None => "还没有工程师档案\n".into(),
            })
        }
        ProfileCmd::Set {
            company,
            name,
            phone,
            prefix,
        } => {
            let Some(now) = profile::current(&ctx.store)? else {
                return Err(Error::refused(
                    "no_profile",
                    "还没有工程师档案，请先创建",
                    "there is no engineer profile yet; create one first",
                ));
            };
            let input = ProfileInput {
                company: company.unwrap_or(now.company_name),
                name: name.unwrap_or(now.engineer.name),
                phone: phone.or(now.engineer.phone.map(|p| p.as_str().to_string())),
                report_prefix: prefix.unwrap_or(now.engineer.report_prefix),
            };
            let p = profile::update(&mut ctx.store, &input)?;
            emit(ctx, &p, || show(&p))
        }
    }
}

pub fn fault_levels(ctx: &mut Ctx, lane: &str) -> Result<(), Error> {
    let levels = weibao::contracts::fault_levels(&ctx.store, lane)?;
    emit(ctx, &levels, || {
        table(
            &["级别", "定义", "响应（分钟）", "到场（分钟）", "合同"],
            levels.iter().map(|l| {
                vec![
                    l.label_zh.to_string(),
                    l.definition.clone(),
                    l.response_minutes.to_string(),
                    l.on_site_minutes.to_string(),
                    opt(&l.contract_number),
                ]
            }),
        )
    })
}
