//! `check [FILE...]`: validate the trakt block of each file and report every
//! finding in the chosen format; with `--fix`, first apply every fix that is
//! unambiguous, through the same verified, locked edit path as `set`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Context, EditArgs, Exit, Failure, emit};
use crate::check::{
    self, Checked, Diagnostic, Options, Rule, Schemas, Severity, check, check_doc, check_parsed,
};
use crate::document::{Edit, EditError, Editor, Outcome, Protect, Secrets, apply};
use crate::kometa::Version;
use crate::kometa::sensitive::is_secret_key;
use crate::persist::{self, Needs, Session};
use crate::report::diff::{Reveal, unified};
use crate::report::findings::FileReport;
use crate::report::{Format, render};
use crate::schema::Schema;
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
    /// The Kometa that reads the config: 2.4, or latest (releases after
    /// August 2026, which read no pin or force_refresh).
    #[arg(long, value_enum, default_value_t = Version::V2_4)]
    pub(crate) kometa_version: Version,
    /// Also validate the whole document against this JSON Schema (draft-04 to 2020-12).
    #[arg(long, value_name = "FILE")]
    pub(crate) schema: Option<PathBuf>,
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
    let schemas = Schemas {
        trakt: Schema::trakt(),
        extra: args.schema.as_deref().map(load_schema).transpose()?,
    };
    let options = Options {
        require_trakt: args.require_trakt,
        require_valid_for: args.require_valid_for,
        no_plaintext_secrets: args.no_plaintext_secrets,
        kometa: args.kometa_version,
        now: time::now(),
    };
    let mut fixed = 0;
    let reports: Vec<FileReport> = files
        .iter()
        .map(|file| {
            let fixed = match args.fix {
                true => fix(file, &args, &schemas, &options, ctx, &mut fixed, out)?,
                false => None,
            };
            Ok(match fixed {
                Some((text, checked)) => FileReport {
                    path: file.display().to_string(),
                    text: Some(text),
                    diagnostics: checked.diagnostics,
                    secrets: checked.secrets,
                },
                None => report(file, &schemas, &options),
            })
        })
        .collect::<Result<_, Failure>>()?;
    if let (Some(path), Some(why)) = (
        &args.schema,
        schemas.extra.as_ref().and_then(Schema::failure),
    ) {
        return Err(bad_schema(path, format!("{INVALID_SCHEMA}: {why}")));
    }
    let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    let format = args
        .format
        .unwrap_or(if github { Format::Github } else { Format::Text });
    let mut rendered = render(&reports, format, ctx.color, args.verbose);
    let all = || reports.iter().flat_map(|r| &r.diagnostics);
    if args.fix {
        let remaining = all().filter(|d| d.severity != Severity::Note).count();
        let verb = if args.edit.preview() {
            "would be fixed"
        } else {
            "fixed"
        };
        let line = format!("{fixed} {verb}, {remaining} remaining\n");
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
        || (args.edit.check && fixed > 0);
    Ok(if failing { Exit::Findings } else { Exit::Ok })
}

/// The findings of one file (a file that cannot be read is one).
fn report(file: &Path, schemas: &Schemas, options: &Options) -> FileReport {
    let path = file.display().to_string();
    match persist::read(file).map(|l| l.text) {
        Ok(text) => {
            let checked = check(&text, schemas, options);
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

/// A text with fixes applied.
struct Fixed {
    text: String,
    /// How many fixes were applied.
    count: usize,
    /// Where secrets are before and after, when known.
    secrets: Option<Secrets>,
    /// The findings in the text, when known.
    checked: Option<Checked>,
}

/// The text with every fix of its findings applied, one at a time: a fix
/// the edit layer refuses is left out (its finding remains) and named.
/// `None` when no fix applies. The fixes are planned on the check's own
/// parse and verified together, and the verified result's parse is
/// checked again; should that verification fail, each fix is applied and
/// verified alone instead, so that one fix's failure leaves the others in.
fn fixed_text(file: &Path, text: &str, schemas: &Schemas, options: &Options) -> Option<Fixed> {
    let parsed = check::parse(text, schemas);
    let fixes: Vec<(Rule, Vec<Edit>)> = check_parsed(text, &parsed, schemas, options)
        .diagnostics
        .into_iter()
        .filter_map(|d| Some((d.rule, d.fix?.edits)))
        .collect();
    let doc = parsed.as_ref().ok().filter(|_| !fixes.is_empty())?;
    let cannot = |rule: &Rule, e: &EditError| {
        format!(
            "kometa-trakt: {}: cannot fix [{}]: {e}",
            file.display(),
            rule.id()
        )
    };
    type Together = (Outcome, Checked, usize, Vec<String>);
    let together = || -> Result<Together, EditError> {
        // Every fix is built to change no secret and nothing outside the
        // trakt block, and may rename a placeholder: none is protected.
        let mut editor = Editor::with(doc, Protect::NONE)?;
        let (mut count, mut notes) = (0, Vec::new());
        for (rule, edits) in &fixes {
            match editor.edit(edits) {
                Ok(()) => count += 1,
                Err(e) => notes.push(cannot(rule, &e)),
            }
        }
        let (outcome, checked) = editor.finish_with(|doc| check_doc(doc, schemas, options))?;
        Ok((outcome, checked, count, notes))
    };
    if let Ok((outcome, checked, count, notes)) = together() {
        notes.iter().for_each(|note| eprintln!("{note}"));
        return (count > 0).then_some(Fixed {
            text: outcome.text,
            count,
            secrets: Some(outcome.secrets),
            checked: Some(checked),
        });
    }
    let mut current = text.to_string();
    let mut count = 0;
    for (rule, edits) in &fixes {
        match apply(&current, edits, &Protect::NONE, Some(is_secret_key)) {
            Ok(outcome) => {
                current = outcome.text;
                count += 1;
            }
            Err(e) => eprintln!("{}", cannot(rule, &e)),
        }
    }
    (count > 0).then_some(Fixed {
        text: current,
        count,
        secrets: None,
        checked: None,
    })
}

/// Applies the fixes of `file`, counting them in `fixed`; with
/// `--dry-run`/`--check` writes nothing. Returns the text the file holds
/// (or would hold) with its findings, when there were fixes.
fn fix(
    file: &Path,
    args: &Args,
    schemas: &Schemas,
    options: &Options,
    ctx: &Context,
    fixed: &mut usize,
    out: &mut dyn Write,
) -> Result<Option<(String, Checked)>, Failure> {
    let Ok(loaded) = persist::read(file) else {
        return Ok(None);
    };
    let shown = file.display().to_string();
    let diff = |old: &str, new: &Fixed| {
        unified(
            old,
            &new.text,
            new.secrets.as_ref(),
            &shown,
            ctx.color,
            Reveal::Masked,
        )
    };
    let findings = |fixed: Fixed| {
        let checked = fixed
            .checked
            .unwrap_or_else(|| check(&fixed.text, schemas, options));
        (fixed.text, checked)
    };
    let Some(planned) = fixed_text(file, &loaded.text, schemas, options) else {
        return Ok(None);
    };
    if args.edit.preview() {
        *fixed += planned.count;
        if args.edit.dry_run || args.edit.diff {
            emit(out, &diff(&loaded.text, &planned))?;
        }
        return Ok(Some(findings(planned)));
    }
    let session = Session::begin(file, Needs::Write).map_err(|e| super::unsaved(file, e))?;
    // The file read again under the lock: when it is what the fixes were
    // planned on, they hold.
    let planned = if session.text() == loaded.text {
        planned
    } else {
        drop(planned);
        match fixed_text(file, session.text(), schemas, options) {
            Some(planned) => planned,
            None => return Ok(None),
        }
    };
    drop(loaded);
    session
        .write(&planned.text)
        .map_err(|e| Failure::usage(format!("{shown}: {e}; the file is unchanged")))?;
    *fixed += planned.count;
    if args.edit.diff {
        emit(out, &diff(session.text(), &planned))?;
    }
    Ok(Some(findings(planned)))
}

/// Why a `--schema` is refused when its JSON is no schema: when it is read
/// (it fails its meta-schema) or when a file first needs a part of it that
/// does not compile.
const INVALID_SCHEMA: &str = "not a valid JSON Schema";

/// A `--schema` that cannot be used, and why.
fn bad_schema(path: &Path, why: String) -> Failure {
    Failure::usage(format!("--schema {}: {why}", path.display()))
}

fn load_schema(path: &Path) -> Result<Schema, Failure> {
    let bad = |why: String| bad_schema(path, why);
    let text = std::fs::read_to_string(path).map_err(|e| bad(persist::describe(&e)))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    Schema::compile(value).map_err(|e| bad(format!("{INVALID_SCHEMA}: {e}")))
}
