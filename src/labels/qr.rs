//! QR encoding, as a plain matrix of modules that the PDF renderer draws as vector squares
//! (sharp at any print size, a few hundred bytes a code) and tests turn into pictures.

use serde::Serialize;

use crate::{Error, Result};

/// How much of a QR may be lost and still read: device labels live on barrier gates outdoors
/// (dirt, scratches, sun), report pages in folders; 25 % (`Q`) costs no extra size for the
/// short upper-case payloads used here.
pub const EC_LEVEL: qrcode::EcLevel = qrcode::EcLevel::Q;

/// The white border (in modules) a reader needs around a code; the renderers keep it clear.
pub const QUIET_ZONE: u32 = 4;

/// A QR code's modules, row by row, `true` for dark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrMatrix {
    /// Modules a side (21 for version 1, +4 a version).
    pub width: u32,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// Whether the module at column `x`, row `y` is dark (outside is light).
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.width {
            return false;
        }
        let i = (y as usize) * (self.width as usize) + x as usize;
        self.dark.get(i).copied().unwrap_or(false)
    }

    /// The dark modules of each row as runs `(row, first column, length)`, so a renderer
    /// draws one rectangle a run rather than one a module.
    pub fn runs(&self) -> Vec<(u32, u32, u32)> {
        let mut out = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    out.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        out
    }

    /// A grey picture of the code: `module_px` pixels a module and the quiet zone around it.
    pub fn to_image(&self, module_px: u32) -> image::GrayImage {
        let m = module_px.max(1);
        let side = (self.width + 2 * QUIET_ZONE) * m;
        image::GrayImage::from_fn(side, side, |px, py| {
            let (x, y) = (px / m, py / m);
            let dark =
                x >= QUIET_ZONE && y >= QUIET_ZONE && self.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
            image::Luma([if dark { 0 } else { 255 }])
        })
    }
}

impl QrMatrix {
    /// The code as an SVG of one path (a dark square per module, the quiet zone around), for
    /// a screen to show at any size: the office shows an enrolment token this way.
    pub fn to_svg(&self) -> String {
        let side = self.width + 2 * QUIET_ZONE;
        let mut path = String::new();
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
                }
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
             shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" \
             fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
        )
    }
}

/// Encode `text` as a QR at [`EC_LEVEL`]. Fails only for a text too long for any QR (some
/// 1,600 characters at this level), which names the field `label.text`.
pub fn encode(text: &str) -> Result<QrMatrix> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), EC_LEVEL).map_err(|e| {
            Error::invalid(
                "label.text",
                format!(
                    "内容过长，无法生成二维码（{} 个字符）：{e}",
                    text.chars().count()
                ),
                format!(
                    "too long for a QR code ({} characters): {e}",
                    text.chars().count()
                ),
            )
        })?;
    let width = u32::try_from(code.width()).unwrap_or(0);
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok(QrMatrix { width, dark })
}
