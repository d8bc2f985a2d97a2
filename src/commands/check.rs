//! `check [FILE...]`: validate the trakt block of each file and report every
//! finding in the chosen format; with `--fix`, first apply every fix that is
//! unambiguous, through the same verified, locked edit path as `set`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Context, EditArgs, Exit, Failure, emit, unchanged};
use crate::check::{
    self, Checked, Diagnostic, Fix, Options, Rule, Schemas, Severity, check, check_doc, check_file,
    check_parsed,
};
use crate::document::remove::remove_entry;
use crate::document::{Document, Edit, EditError, Editor, Protect, Source, SyntaxError, apply};
use crate::linked::{Linked, LinkedSchemas};
use crate::persist::{self, Needs, Session};
use crate::report::diff::{Reveal, unified};
use crate::report::findings::FileReport;
use crate::report::{Format, render};
use crate::schema::builtin::{self, KOMETA_VERSION};
use crate::schema::{Kometa, Schema};
use crate::terminal::printable;
use crate::time::{self, parse_duration};

/// Validate the trakt block of each file (offline): every finding with file:line:col.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Config files [default: $KOMETA_CONFIG, else config/config.yml].
    pub(crate) files: Vec<PathBuf>,
    /// Output format [default: github when GITHUB_ACTIONS=true, else text].
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) strict: bool,
    /// A file without a trakt block is an error.
    #[arg(long)]
    pub(crate) require_trakt: bool,
    /// The access token must stay valid this long (30m, 12h, 2d, 1w): an error otherwise.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) require_valid_for: Option<i64>,
    /// Literal secrets and tokens are errors: the file must hold <<placeholders>>.
    #[arg(long)]
    pub(crate) no_plaintext_secrets: bool,
    /// Also validate the whole document against this JSON Schema (draft-04 to
    /// 2020-12), or against one of Kometa 2.4.4's schemas built into this
    /// binary (offline, nothing downloaded): kometa (config.yml),
    /// kometa-collection, kometa-overlay, kometa-metadata, kometa-playlist,
    /// kometa-template (for a file of one of these names, write ./NAME).
    #[arg(long, value_name = "FILE|NAME")]
    pub(crate) schema: Option<PathBuf>,
    /// Also check every local file the config links to (collection, overlay,
    /// metadata, playlist, image and template files): it exists where Kometa
    /// looks, it parses, and it is valid against its kind's schema (Kometa
    /// 2.4.4's built in, or the one of Kometa's name beside --schema FILE).
    /// On with a built-in --schema; URLs, git, repo and default links are
    /// named, not followed.
    #[arg(long, overrides_with = "no_linked")]
    pub(crate) linked: bool,
    /// Do not check the files the config links to.
    #[arg(long, overrides_with = "linked")]
    pub(crate) no_linked: bool,
    /// Kometa's working directory, which relative links are read from
    /// [default: the parent of the config's folder when that is named
    /// `config` (Docker's /config, or a checkout's config/), else the
    /// current directory].
    #[arg(long, value_name = "DIR")]
    pub(crate) workdir: Option<PathBuf>,
    /// Show every note of a finding: for a failed anyOf/oneOf of --schema,
    /// each branch's errors (the JSON output always holds them).
    #[arg(long)]
    pub(crate) verbose: bool,
    /// Apply every unambiguous fix (quote an integer pin, drop `!!str`,
    /// respell a placeholder, unquote numbers, add the keys Kometa would
    /// add by rewriting the file), then report what remains.
    #[arg(long)]
    pub(crate) fix: bool,
    #[command(flatten)]
    pub(crate) edit: EditArgs,
}

/// Checks every file; exit 1 on any error (or warning with `--strict`).
pub(crate) fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    if !args.fix && (args.edit.dry_run || args.edit.diff || args.edit.check) {
        return Err(Failure::usage(
            "--dry-run, --diff and --check go with --fix",
        ));
    }
    let files = if args.files.is_empty() {
        vec![super::config_file(None)]
    } else {
        args.files.clone()
    };
    if let Some(dir) = &args.workdir
        && !dir.is_dir()
    {
        return Err(Failure::usage(format!(
            "--workdir {}: not a directory",
            dir.display()
        )));
    }
    let extra = args.schema.as_deref().map(load_schema).transpose()?;
    let built_in = extra.as_ref().and_then(Schema::built_in);
    let following = !args.no_linked && (args.linked || built_in.is_some());
    let linked_schemas = match following {
        true => Some(LinkedSchemas::new(match (&args.schema, built_in) {
            (Some(path), None) => beside(path)?,
            _ => Vec::new(),
        })),
        false => None,
    };
    let schemas = Schemas {
        trakt: Schema::trakt(),
        extra,
    };
    let options = Options {
        require_trakt: args.require_trakt,
        require_valid_for: args.require_valid_for,
        no_plaintext_secrets: args.no_plaintext_secrets,
        kometa: ctx.kometa,
        now: time::now(),
        env: Default::default(),
    };
    let mut linked = linked_schemas
        .as_ref()
        .map(|s| Linked::new(s, args.workdir.clone(), options.clone()));
    let mut fixed = Vec::new();
    let mut reports: Vec<FileReport> = Vec::new();
    for file in &files {
        let options = &Options {
            env: Arc::new(ctx.kometa_environment(file)),
            ..options.clone()
        };
        let known = match args.fix {
            true => fix(file, &args, &schemas, options, ctx, &mut fixed, out)?,
            false => None,
        };
        reports.push(report(file, known, &schemas, options, linked.as_mut()));
        if let Some(linked) = linked.as_mut() {
            reports.extend(linked.files.drain(..).map(|f| FileReport {
                path: f.path,
                text: f.text,
                diagnostics: f.diagnostics,
                secrets: f.secrets,
            }));
        }
    }
    if let (Some(path), Some(why)) = (
        &args.schema,
        schemas.extra.as_ref().and_then(Schema::failure),
    ) {
        return Err(bad_schema(path, format!("{INVALID_SCHEMA}: {why}")));
    }
    if let (Some(path), Some((kind, why))) = (
        &args.schema,
        linked_schemas.as_ref().and_then(LinkedSchemas::failure),
    ) {
        let sibling = path.with_file_name(kind.file_name());
        return Err(bad_schema(&sibling, format!("{INVALID_SCHEMA}: {why}")));
    }
    let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    let format = args
        .format
        .unwrap_or(if github { Format::Github } else { Format::Text });
    let mut about = Vec::new();
    if let Some(kind) = built_in {
        about.push((
            "schema",
            format!(
                "Kometa {KOMETA_VERSION}'s {} schema, built in",
                builtin::what(kind)
            ),
        ));
    }
    if let Some(linked) = &linked {
        about.push(("linked", linked.summary()));
    }
    let mut rendered = render(&reports, format, ctx.color, args.verbose, &about);
    let all = || reports.iter().flat_map(|r| &r.diagnostics);
    if args.fix {
        let remaining = all().filter(|d| d.severity != Severity::Note).count();
        let verb = if args.edit.preview() {
            "would be fixed"
        } else {
            "fixed"
        };
        let mut line: String = fixed
            .iter()
            .map(|f| {
                let f = if args.edit.preview() {
                    f.replacen(": fixed [", ": would fix [", 1)
                } else {
                    f.clone()
                };
                format!("{f}\n")
            })
            .collect();
        line.push_str(&format!("{} {verb}, {remaining} remaining\n", fixed.len()));
        match format {
            Format::Text => rendered.push_str(&line),
            _ => eprint!("{line}"),
        }
    }
    emit(out, &rendered)?;
    // A compiled --schema is freed with the process: freeing its thousands
    // of nodes one by one took an eighth of a `check --schema` run.
    std::mem::forget(schemas);
    let failing = all().any(|d| d.severity == Severity::Error)
        || (args.strict && all().any(|d| d.severity == Severity::Warning))
        || (args.edit.check && !fixed.is_empty());
    Ok(if failing { Exit::Findings } else { Exit::Ok })
}

/// A config's text as `--fix` left it, or would leave it with
/// `--dry-run`; with its findings, when the fix's own parse told them.
struct Known {
    text: String,
    checked: Option<Checked>,
}

/// The findings of one file (a file that cannot be read is one), or of
/// the text `--fix` left or would leave in it (`known`).
fn report(
    file: &Path,
    known: Option<Known>,
    schemas: &Schemas,
    options: &Options,
    linked: Option<&mut Linked<'_>>,
) -> FileReport {
    let path = file.display().to_string();
    let (text, known) = match known {
        Some(Known { text, checked }) => (Ok(text), checked),
        None => (persist::read(file).map(|l| l.text), None),
    };
    match text {
        Ok(text) => {
            // A file checked against the schema of another kind of Kometa
            // file (a collection file) is that kind of file, not a config.
            let kometa_file = schemas
                .extra
                .as_ref()
                .and_then(|s| s.kind().filter(|k| *k != Kometa::Config).map(|k| (k, s)));
            let mut checked = match (kometa_file, linked) {
                (Some((kind, schema)), Some(linked)) => {
                    linked.kometa_file(file, &text, kind, schema)
                }
                (Some((_, schema)), None) => check_file(&text, Some(schema), options, None),
                (None, Some(linked)) => linked.config(file, &text, schemas, options),
                (None, None) => known.unwrap_or_else(|| check(&text, schemas, options)),
            };
            if let Some(note) = super::torn(file) {
                for d in &mut checked.diagnostics {
                    if d.rule == Rule::YamlSyntax {
                        d.hint = Some(note.clone());
                    }
                }
            }
            FileReport {
                path,
                text: Some(text),
                diagnostics: checked.diagnostics,
                secrets: checked.secrets,
            }
        }
        Err(e) => FileReport {
            path,
            text: None,
            diagnostics: vec![Diagnostic::whole_file(
                Rule::Unreadable,
                format!("cannot read: {e}"),
            )],
            secrets: Vec::new(),
        },
    }
}

/// What the fixes of a text made: the fixed text (`None` when no fix
/// changed it), a line for each fix made (its finding's place and words,
/// secrets masked) and one for each fix that did not take, and the
/// findings of the fixed text when the last fix's verification told them.
struct Fixes {
    text: Option<String>,
    made: Vec<String>,
    refused: Vec<String>,
    checked: Option<Checked>,
}

/// The text with every fix of its findings applied: first web spaces
/// after a key's colon (the file may not parse before), then each other
/// finding's edits, one at a time. A fix that does not take is left out
/// (its finding remains) and named. `parsed` is `text` parsed as a check
/// parses it, `found` its findings.
fn fixed_text(
    file: &Path,
    text: &str,
    parsed: &Result<Document<'_>, SyntaxError>,
    found: Vec<Diagnostic>,
    schemas: &Schemas,
    options: &Options,
) -> Fixes {
    let name = file.display();
    let mut made = Vec::new();
    let mut refused = Vec::new();
    let said = |text: &str, d: &Diagnostic| {
        let at = d
            .range
            .as_ref()
            .map(|r| format!(":{}", Source::new(text).pos(r.start)))
            .unwrap_or_default();
        printable(&format!(
            "{name}{at}: fixed [{}]: {}",
            d.rule.id(),
            d.message
        ))
        .into_owned()
    };
    let mut respaced = None;
    for d in &found {
        if let Some(Fix::Respace(ranges)) = &d.fix {
            let spaced = respace(text, ranges);
            match Document::parse(&spaced) {
                Ok(_) => {
                    made.push(said(text, d));
                    respaced = Some(spaced);
                }
                Err(e) => refused.push(format!(
                    "kometa-trakt: {name}: cannot fix [{}]: with plain spaces the file still does not parse ({e})",
                    d.rule.id()
                )),
            }
        }
    }
    // Without web spaces respaced, the findings are those of `text`, and
    // its parse is the check's own.
    let (repaired, found, doc) = match &respaced {
        None => (text, found, parsed.as_ref().ok()),
        Some(repaired) => (
            repaired.as_str(),
            check(repaired, schemas, options).diagnostics,
            None,
        ),
    };
    // The text the fixes made so far (`None`: `repaired`), and its
    // findings when the last fix's verification told them.
    let mut current: Option<String> = None;
    let mut checked = None;
    for d in found {
        let now = current.as_deref().unwrap_or(repaired);
        let parsed = doc.filter(|_| current.is_none());
        // Every fix is built to change no secret and nothing outside the
        // trakt block, and may rename a placeholder: none is protected.
        let fixed = match &d.fix {
            Some(Fix::Edits(edits)) => {
                edited(now, parsed, edits, schemas, options).map_err(|e| e.to_string())
            }
            Some(Fix::Remove(path)) => remove_entry(now, path)
                .map(|text| (text, None))
                .map_err(|e| e.to_string()),
            _ => continue,
        };
        match fixed {
            Ok((text, found)) => {
                made.push(said(repaired, &d));
                current = Some(text);
                checked = found;
            }
            Err(e) => refused.push(format!(
                "kometa-trakt: {name}: cannot fix [{}]: {}",
                d.rule.id(),
                printable(&e)
            )),
        }
    }
    Fixes {
        text: current.or(respaced),
        made,
        refused,
        checked,
    }
}

/// `edits` applied to `text` and verified (see `apply`). Planned on `doc`,
/// the check's own parse of `text`, when given, which also tells the
/// findings of the result, checked on the verification's parse of it.
fn edited(
    text: &str,
    doc: Option<&Document<'_>>,
    edits: &[Edit],
    schemas: &Schemas,
    options: &Options,
) -> Result<(String, Option<Checked>), EditError> {
    let Some(doc) = doc else {
        return apply(text, edits, &Protect::NONE, None).map(|outcome| (outcome.text, None));
    };
    let mut editor = Editor::with(doc, Protect::NONE)?;
    editor.edit(edits)?;
    let (outcome, checked) = editor.finish_with(|doc| check_doc(doc, schemas, options))?;
    Ok((outcome.text, Some(checked)))
}

/// `text` with each of `ranges` (web spaces) replaced by as many plain
/// spaces as it holds characters.
fn respace(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(&text[at..r.start]);
        out.push_str(&" ".repeat(text[r.clone()].chars().count()));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Applies the fixes of `file`, counting them in `fixed`. Returns the text
/// the file holds after them (or, with `--dry-run`/`--check`, would hold:
/// nothing is written) with its findings when known; `None` when the file
/// is to be read again.
fn fix(
    file: &Path,
    args: &Args,
    schemas: &Schemas,
    options: &Options,
    ctx: &Context,
    fixed: &mut Vec<String>,
    out: &mut dyn Write,
) -> Result<Option<Known>, Failure> {
    let Ok(loaded) = persist::read(file) else {
        return Ok(None);
    };
    let shown = file.display().to_string();
    let diff = |old: &str, new: &str| unified(old, new, None, &shown, ctx.color, Reveal::Masked);
    let say = |refused: Vec<String>| refused.iter().for_each(|r| eprintln!("{r}"));
    let parsed = check::parse(&loaded.text, schemas);
    let checked = check_parsed(&loaded.text, &parsed, schemas, options);
    if !checked.diagnostics.iter().any(|d| d.fix.is_some()) {
        drop(parsed);
        return Ok(Some(Known {
            text: loaded.text,
            checked: Some(checked),
        }));
    }
    // Fixed under the lock when written: the file may have changed since
    // it was read (and is then checked again).
    let session = match args.edit.preview() {
        true => None,
        false => Some(
            Session::begin_from(file, &loaded.text, Needs::Write, ctx.wait())
                .map_err(|e| super::unsaved(file, e))?,
        ),
    };
    let changed = session
        .as_ref()
        .map(|s| s.text())
        .filter(|t| *t != loaded.text);
    let fixes = match changed {
        None => fixed_text(
            file,
            &loaded.text,
            &parsed,
            checked.diagnostics,
            schemas,
            options,
        ),
        Some(text) => {
            drop(parsed);
            let parsed = check::parse(text, schemas);
            let found = check_parsed(text, &parsed, schemas, options).diagnostics;
            fixed_text(file, text, &parsed, found, schemas, options)
        }
    };
    say(fixes.refused);
    let Some(text) = fixes.text.filter(|_| !fixes.made.is_empty()) else {
        return Ok(None);
    };
    fixed.extend(fixes.made);
    match session {
        None if args.edit.dry_run || args.edit.diff => emit(out, &diff(&loaded.text, &text))?,
        None => {}
        Some(mut session) => {
            session.write(&text).map_err(|e| unchanged(&shown, e))?;
            if args.edit.diff {
                emit(out, &diff(session.text(), &text))?;
            }
        }
    }
    Ok(Some(Known {
        text,
        checked: fixes.checked,
    }))
}

/// Why a `--schema` is refused when its JSON is no schema: when it is read
/// (it fails its meta-schema) or when a file first needs a part of it that
/// does not compile.
const INVALID_SCHEMA: &str = "not a valid JSON Schema";

/// A `--schema` that cannot be used, and why.
fn bad_schema(path: &Path, why: String) -> Failure {
    Failure::usage(format!("--schema {}: {why}", path.display()))
}

/// The schema `--schema` names: a built-in one by its name, else the file
/// (which checks files of a kind of Kometa's when it has Kometa's name for
/// that kind's schema).
fn load_schema(path: &Path) -> Result<Schema, Failure> {
    if let Some(kind) = path.to_str().and_then(builtin::named) {
        return Ok(Schema::kometa(kind));
    }
    let bad = |why: String| bad_schema(path, why);
    let text = persist::file::read_text(path, persist::file::MAX_CONFIG)
        .map_err(|e| bad(format!("cannot read: {e}")))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let schema = Schema::compile(value).map_err(|e| bad(format!("{INVALID_SCHEMA}: {e}")))?;
    Ok(schema.checking(builtin::by_file_name(path)))
}

/// The schemas of linked files beside `--schema FILE`, by Kometa's names
/// (`collection-schema.json`…), as Kometa's validator reads them from its
/// `--schema-path` folder; the kinds without one get the built-in schema.
fn beside(path: &Path) -> Result<Vec<(Kometa, Schema)>, Failure> {
    let mut found = Vec::new();
    for kind in Kometa::ALL.into_iter().filter(|k| *k != Kometa::Config) {
        let sibling = path.with_file_name(kind.file_name());
        if sibling.is_file() && sibling != path {
            found.push((kind, load_schema(&sibling)?));
        }
    }
    Ok(found)
}
