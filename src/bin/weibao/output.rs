//! Tables for people, JSON for scripts.

use crate::Ctx;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;
use weibao::Error;

/// Print `value` as JSON with `--json`, else the table `render` makes.
pub fn emit<T: Serialize>(
    ctx: &Ctx,
    value: &T,
    render: impl FnOnce() -> String,
) -> Result<(), Error> {
    emit_as(ctx.json, value, render)
}

/// [`emit`] for commands that run without a database (and so without a [`Ctx`]).
pub fn emit_as<T: Serialize>(
    json: bool,
    value: &T,
    render: impl FnOnce() -> String,
) -> Result<(), Error> {
    if json {
        let s = serde_json::to_string_pretty(value).map_err(|e| {
            Error::invalid(
                "output",
                format!("无法输出 JSON：{e}"),
                format!("cannot write JSON: {e}"),
            )
        })?;
        out(&format!("{s}\n"))
    } else {
        out(&render())
    }
}

/// Write to standard output. A reader that stopped reading (`weibao … | head`) is not an
/// error of ours: the rest is dropped quietly instead of the panic `print!` would give.
fn out(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::invalid(
            "output",
            format!("无法写出结果：{e}"),
            format!("cannot write the output: {e}"),
        )),
    }
}

/// A plain text table aligned on display width (a Chinese character is two columns wide).
pub fn table(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.into_iter().collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            let pad = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(c.width());
            s.push_str(c);
            s.push_str(&" ".repeat(pad + 2));
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&mut headers.iter().copied());
    out.push_str(&line(
        &mut widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    ));
    for r in &rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
    }
    if rows.is_empty() {
        out.push_str("（无）\n");
    }
    out
}

pub fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// An RFC 3339 timestamp as engineers read it: China Standard Time, to the minute.
pub fn local(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => chrono::FixedOffset::east_opt(8 * 3600)
            .map(|tz| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| ts.to_string()),
        Err(_) => ts.to_string(),
    }
}

/// An optional timestamp, local, or empty.
pub fn local_opt(ts: &Option<String>) -> String {
    ts.as_deref().map(local).unwrap_or_default()
}
