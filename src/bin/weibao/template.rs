//! `weibao template …`: list the checklist templates in use, check a template file.

use crate::output::{emit_as, table};
use clap::Subcommand;
use serde::Serialize;
use std::path::{Path, PathBuf};
use weibao::checklist::{validate, Library};
use weibao::Error;

#[derive(Subcommand)]
pub enum TemplateCmd {
    /// List the templates in use (the shipped ones, or those in --templates DIR).
    List {
        /// Folder of *.toml templates (default: the ones shipped with weibao).
        #[arg(long, env = "WEIBAO_TEMPLATES")]
        templates: Option<PathBuf>,
    },
    /// Check template files; every problem is listed as file:line:item.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// The templates in use: a folder office staff maintain, or the shipped ones.
pub fn library(dir: Option<&Path>) -> Result<Library, Error> {
    match dir {
        Some(d) => Library::load_dir(d),
        None => Library::shipped(),
    }
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    version: u32,
    kind: &'a str,
    name_zh: &'a str,
    name_en: Option<&'a str>,
    sections: usize,
    items: usize,
    source: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct Problem {
    location: String,
    message: String,
    message_en: String,
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    ok: bool,
    template: Option<String>,
    problems: Vec<Problem>,
}

/// Templates are files, not records: no database is opened (nor created) for these.
pub fn run(json: bool, cmd: TemplateCmd) -> Result<(), Error> {
    match cmd {
        TemplateCmd::List { templates } => {
            let lib = library(templates.as_deref())?;
            let rows: Vec<Row> = lib
                .templates()
                .iter()
                .map(|t| Row {
                    id: &t.id,
                    version: t.version,
                    kind: t.kind.as_str(),
                    name_zh: &t.name_zh,
                    name_en: t.name_en.as_deref(),
                    sections: t.sections.len(),
                    items: t.items().count(),
                    source: &t.source,
                    sha256: &t.sha256,
                })
                .collect();
            emit_as(json, &rows, || {
                table(
                    &["模板", "版本", "类型", "名称", "分组", "项目", "文件"],
                    rows.iter().map(|r| {
                        vec![
                            r.id.to_string(),
                            r.version.to_string(),
                            r.kind.to_string(),
                            r.name_zh.to_string(),
                            r.sections.to_string(),
                            r.items.to_string(),
                            r.source.to_string(),
                        ]
                    }),
                )
            })
        }
        TemplateCmd::Validate { files } => {
            let mut reports = Vec::new();
            for f in &files {
                let name = f.display().to_string();
                let text = weibao::checklist::read_template("files", f)?;
                let (t, errors) = validate::diagnose(&text, &name);
                reports.push(FileReport {
                    ok: errors.is_empty(),
                    template: t
                        .filter(|_| errors.is_empty())
                        .map(|t| format!("{} v{}", t.id, t.version)),
                    problems: errors
                        .iter()
                        .map(|e| Problem {
                            location: match e {
                                Error::Template { location, .. } => location.clone(),
                                _ => name.clone(),
                            },
                            message: match e {
                                Error::Template { zh, .. } => zh.clone(),
                                other => other.message_zh(),
                            },
                            message_en: match e {
                                Error::Template { en, .. } => en.clone(),
                                other => other.to_string(),
                            },
                        })
                        .collect(),
                    file: name,
                });
            }
            let bad: usize = reports.iter().map(|r| r.problems.len()).sum();
            emit_as(json, &reports, || {
                let mut out = String::new();
                for r in &reports {
                    match &r.template {
                        Some(t) if r.ok => out += &format!("{}：通过（{t}）\n", r.file),
                        _ => out += &format!("{}：{} 处错误\n", r.file, r.problems.len()),
                    }
                    for p in &r.problems {
                        out +=
                            &format!("  {}  {}\n      {}\n", p.location, p.message, p.message_en);
                    }
                }
                out
            })?;
            if bad > 0 {
                return Err(Error::refused(
                    "template_invalid",
                    format!("模板共有 {bad} 处错误"),
                    format!("{bad} problem(s) in the template files"),
                ));
            }
            Ok(())
        }
    }
}
