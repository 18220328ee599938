//! Service report PDFs (巡检记录, 客户服务记录表/维修报告, 补充报告) rendered with krilla.
//!
//! [`render`] is a pure function from a [`ReportDoc`] and the loaded [`ReportFonts`] to PDF
//! bytes: the store-facing code decides what goes on the report, this module only how it looks.
//! Photos arrive as report-size JPEGs made once at import and are embedded unchanged, so a
//! render never decodes a camera original. Signing is a separate step on the finished bytes
//! (`report::sign`).
//!
//! Module map: `model` (input), `text` (font, measuring, line breaking), `layout` (page flow
//! into drawing ops), `sections` + `evidence` (what goes where), `draw` (ops → PDF), `status`
//! (the quarterly device status report, on the same flow, header and footer).

mod bill;
mod draw;
mod evidence;
mod labels;
mod layout;
mod model;
mod register;
mod sections;
mod status;
mod text;

use std::path::Path;

use krilla::image::Image;

pub use labels::{render_labels, LabelDoc, LabelItem, LABEL_COLS, LABEL_ROWS};
pub use model::*;
pub use status::{render_status, AdviceLine, StatusDeviceLine, StatusDoc, StatusSite};
pub use text::{ReportFonts, FONT_FILE};

use crate::{Error, Lang, Result};

/// The branding logo shipped in `resources/` (see `resources/branding/README.md`).
pub const LOGO_FILE: &str = "branding/logo.png";

/// Render `doc` as an A4 PDF.
///
/// Fails with `Error::Report` (kind `report_image`) if a stored photo or signature cannot be
/// embedded, or `report_render` if the PDF cannot be written; both mean stored data is damaged,
/// not that the user typed something wrong.
pub fn render(doc: &ReportDoc, fonts: &ReportFonts) -> Result<Vec<u8>> {
    let shaper = fonts.shaper()?;
    let images = prepare_images(doc)?;
    let pages = sections::compose(doc, &shaper, &images)?;
    let info = draw::DocInfo {
        title: format!("{} {}", sections::title(doc), doc.number),
        number: doc.number.clone(),
        language: match doc.lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        },
        author: doc.engineer_name.clone(),
    };
    draw::write_pdf(&pages, &shaper, &fonts.krilla_font(), &images, info)
}

/// Read `resources_dir/branding/logo.png`. A missing logo is `Ok(None)` (the header then shows
/// the company name only); a file that is there but is not a PNG is an error, so a broken
/// rebranding is noticed at once rather than on the customer's copy.
pub fn load_logo(resources_dir: &Path) -> Result<Option<Vec<u8>>> {
    let path = resources_dir.join(LOGO_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Error::invalid(
            "branding.logo",
            format!("{} 不是 PNG 图片", path.display()),
            format!("{} is not a PNG image", path.display()),
        ));
    }
    Ok(Some(bytes))
}

fn image_error(what_zh: &str, what_en: &str, e: &str) -> Error {
    Error::Report {
        kind: "report_image",
        zh: format!("{what_zh}无法嵌入报告：{e}"),
        en: format!("{what_en} cannot be embedded in the report: {e}"),
    }
}

/// Turn the stored image bytes into krilla images once (a photo used twice is embedded once).
fn prepare_images(doc: &ReportDoc) -> Result<draw::Images> {
    let logo = match &doc.company.logo_png {
        Some(png) => Some(
            Image::from_png(png.clone().into(), true)
                .map_err(|e| image_error("公司标志", "the company logo", &e))?,
        ),
        None => None,
    };
    let photos = doc
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Image::from_jpeg(p.jpeg.clone().into(), true).map_err(|e| {
                image_error(
                    &format!("第 {} 张照片", i + 1),
                    &format!("photo {}", i + 1),
                    &e,
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let signature = match &doc.signature {
        CustomerSignature::Signed { png, .. } => Some(
            Image::from_png(png.clone().into(), true)
                .map_err(|e| image_error("客户签字图片", "the customer's signature", &e))?,
        ),
        _ => None,
    };
    Ok(draw::Images {
        logo,
        photos,
        signature,
    })
}
