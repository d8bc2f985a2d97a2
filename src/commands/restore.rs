//! `restore FILE --original ORIG | --git [REV]`: undo Kometa's re-dump. The
//! values Kometa wrote (and the keys it added) are carried back into the
//! original as minimal edits, so the file regains the user's quotes,
//! comments, indentation, line endings and BOM. Placeholders stay
//! placeholders: the value Kometa inlined goes to a private file instead.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Context, EditArgs, Exit, Failure, config_file, emit, load, refused, unsaved};
use crate::document::diff::{Change, changes};
use crate::document::scalar::Resolved;
use crate::document::{Document, Edit, NewValue, Value, apply};
use crate::kometa::mask::mask;
use crate::kometa::placeholder;
use crate::kometa::redump::made_by_kometa;
use crate::kometa::sensitive::is_secret_key;
use crate::kometa::{PROTECT, is_template};
use crate::persist::file::{MAX_CONFIG, decode, read_capped, read_text};
use crate::persist::{Needs, Session, describe, private};
use crate::report::diff::{Reveal, unified};

/// Undo Kometa's re-dump: carry the values Kometa wrote back into your own formatting.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Configs as Kometa left them [default: $KOMETA_CONFIG, else
    /// config/config.yml]; several with --git (as pre-commit passes them).
    pub(crate) files: Vec<PathBuf>,
    /// The config as you wrote it (a copy kept before Kometa ran).
    #[arg(
        long,
        value_name = "ORIG",
        conflicts_with = "git",
        required_unless_present = "git"
    )]
    pub(crate) original: Option<PathBuf>,
    /// Take the original from the git repository the file is in, at this revision.
    #[arg(long, value_name = "REV", num_args = 0..=1, default_missing_value = "HEAD")]
    pub(crate) git: Option<String>,
    /// Also carry over differences Kometa does not make (each is listed).
    #[arg(long)]
    pub(crate) force: bool,
    /// Restore only when every difference is one Kometa makes; otherwise
    /// leave the file alone and exit 0 (a user's own edits are never
    /// reverted: for a pre-commit hook).
    #[arg(long, conflicts_with = "force")]
    pub(crate) only_kometa: bool,
    #[command(flatten)]
    pub(crate) edit: EditArgs,
}

/// Runs `restore` on each file; the worst exit wins.
pub(crate) fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let files = if args.files.is_empty() {
        vec![config_file(None)]
    } else {
        args.files.clone()
    };
    if args.original.is_some() && files.len() > 1 {
        return Err(Failure::usage(
            "--original names the original of one file: give one file, or use --git",
        ));
    }
    let mut exit = Exit::Ok;
    for file in &files {
        let one = restore(file, &args, ctx, out)?;
        if one.code() > exit.code() {
            exit = one;
        }
    }
    Ok(exit)
}

/// Restores one file.
fn restore(file: &Path, args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let name = file.display().to_string();
    let current = load(file)?.text;
    let original = match original_text(file, args) {
        Ok(text) => text,
        Err(failure) if args.only_kometa => {
            eprintln!("kometa-trakt: {name}: left as it is: {}", failure.message);
            return Ok(Exit::Ok);
        }
        Err(failure) => return Err(failure),
    };
    let original_doc = Document::parse(&original).map_err(|e| {
        Failure::usage(format!(
            "{name}: the original does not parse ({e}); nothing was written"
        ))
    })?;
    // An empty original (or one that is not a mapping) would make every
    // value of the config look added by Kometa.
    if !args.force
        && original_doc
            .roots
            .first()
            .and_then(|r| r.entries())
            .is_none()
    {
        let why = "the original is empty or not a YAML mapping (--force uses it anyway)";
        if args.only_kometa {
            eprintln!("kometa-trakt: {name}: left as it is: {why}");
            return Ok(Exit::Ok);
        }
        return Err(Failure::usage(format!(
            "{name}: {why}; nothing was written"
        )));
    }
    let current_doc = Document::parse(&current).map_err(|e| refused(file, e.into()))?;
    let leave = |why: String| -> Result<Exit, Failure> {
        if args.only_kometa {
            eprintln!("kometa-trakt: {name}: left as it is: {why}");
            Ok(Exit::Ok)
        } else {
            Err(Failure::usage(format!(
                "{name}: cannot be restored exactly: {why}; nothing was written"
            )))
        }
    };
    let all = match changes(&original_doc, &current_doc) {
        Ok(all) => all,
        Err(e) => return leave(format!("`{}`: {}", e.path, e.why)),
    };
    let (kept, carried): (Vec<&Change>, Vec<&Change>) =
        all.iter().partition(|c| placeholder_kept(c));
    let foreign: Vec<&Change> = carried
        .iter()
        .copied()
        .filter(|c| !made_by_kometa(c))
        .collect();
    if !foreign.is_empty() && !args.force {
        let listed = foreign
            .iter()
            .map(|c| format!("`{}`", c.path.join(".")))
            .collect::<Vec<_>>();
        return leave(format!(
            "it differs from the original in what Kometa does not change: {} (--force carries them over too)",
            listed.join(", ")
        ));
    }
    let edits = carried
        .iter()
        .map(|c| edit(c))
        .collect::<Result<Vec<Edit>, Failure>>()
        .map_err(|f| f.about(&name))?;
    let restored = apply(&original, &edits, &PROTECT)
        .map_err(|e| refused(file, e))?
        .text;
    verify(&restored, &current_doc, &kept).map_err(|why| {
        Failure::usage(format!(
            "{name}: internal check failed ({why}); nothing was written. Please report this with the file's shape"
        ))
    })?;
    let diff = unified(&original, &restored, &name, ctx.color, Reveal::Masked);
    if restored == current {
        emit(
            out,
            &format!("{name}: already in your formatting: nothing to restore\n"),
        )?;
        return Ok(Exit::Ok);
    }
    if args.edit.preview() {
        if args.edit.dry_run || args.edit.diff {
            emit(out, &diff)?;
        }
        if args.edit.check {
            eprintln!("kometa-trakt: {name}: Kometa's formatting would be undone");
            return Ok(Exit::Findings);
        }
        return Ok(Exit::Ok);
    }
    let mut session =
        Session::begin(file, Needs::Write, ctx.wait()).map_err(|e| unsaved(file, e))?;
    if session.text() != current {
        return Err(Failure::usage(format!(
            "{name}: the file changed while it was being restored; nothing was written"
        )));
    }
    let inlined = if kept.is_empty() {
        None
    } else {
        Some(save_inlined(session.target(), &kept).map_err(|e| {
            Failure::usage(format!(
                "{name}: the values Kometa wrote over placeholders could not be kept aside ({}); nothing was written",
                describe(&e)
            ))
        })?)
    };
    session.write(&restored).map_err(|e| unsaved(file, e))?;
    if args.edit.diff {
        emit(out, &diff)?;
    }
    emit(
        out,
        &report(
            &name,
            &carried,
            &foreign,
            &kept,
            inlined.as_deref(),
            &original,
            &restored,
            &current,
        ),
    )?;
    Ok(Exit::Ok)
}

/// The original's text: the file given, or the file at a revision of the
/// git repository it is in. The revision is never read as an option: it
/// must name a commit (`git rev-parse --verify --end-of-options`), and
/// the file is then taken at that commit's id.
fn original_text(file: &Path, args: &Args) -> Result<String, Failure> {
    if let Some(path) = &args.original {
        return read_text(path, MAX_CONFIG).map_err(|e| {
            Failure::usage(format!("--original {}: cannot read: {e}", path.display()))
        });
    }
    let rev = args.git.as_deref().unwrap_or("HEAD");
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let base = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let git = |args: &[&str]| -> Result<Vec<u8>, Failure> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Failure::usage(format!("--git: cannot run git: {}", describe(&e))))?;
        let stdout = child.stdout.take().expect("piped");
        let read = read_capped(stdout, MAX_CONFIG);
        let done = child
            .wait_with_output()
            .map_err(|e| Failure::usage(format!("--git: git failed: {}", describe(&e))))?;
        if !done.status.success() {
            return Err(Failure::usage(format!(
                "--git: `git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&done.stderr).trim()
            )));
        }
        read.map_err(|e| Failure::usage(format!("--git: {}: {e}", file.display())))
    };
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &format!("{rev}^{{commit}}"),
    ])
    .map_err(|_| {
        Failure::usage(format!(
            "--git: `{rev}` names no commit of the repository holding {}",
            file.display()
        ))
    })?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    if commit.is_empty() || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Failure::usage(format!("--git: `{rev}` names no commit")));
    }
    let text = git(&["show", "--end-of-options", &format!("{commit}:./{base}")])?;
    decode(text).map_err(|e| Failure::usage(format!("--git: {}: {e}", file.display())))
}

/// Whether the original held a placeholder where Kometa wrote a value.
fn placeholder_kept(change: &Change) -> bool {
    matches!(&change.old, Some(Resolved::Str(s)) if (PROTECT.is)(s))
}

/// The edit that carries `change` into the original.
fn edit(change: &Change) -> Result<Edit, Failure> {
    let value = match &change.new {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(*b),
        Resolved::Int(i) => Value::Int(i64::try_from(*i).map_err(|_| {
            Failure::usage(format!(
                "`{}` holds an integer too large to write",
                change.path.join(".")
            ))
        })?),
        Resolved::Str(s) => Value::Str(s.clone()),
        Resolved::Float(_) => {
            return Err(Failure::usage(format!(
                "`{}` changed to a float, which kometa-trakt does not write",
                change.path.join(".")
            )));
        }
    };
    Ok(Edit {
        path: change.path.clone(),
        value: NewValue::Typed(value),
    })
}

/// The restored file must mean what Kometa left, but where a placeholder
/// was kept.
fn verify(restored: &str, current: &Document<'_>, kept: &[&Change]) -> Result<(), String> {
    let doc = Document::parse(restored).map_err(|e| e.to_string())?;
    let kept: HashSet<&Vec<String>> = kept.iter().map(|c| &c.path).collect();
    let left = changes(&doc, current).map_err(|e| format!("{}: {}", e.path, e.why))?;
    match left.iter().find(|c| !kept.contains(&c.path)) {
        Some(c) => Err(format!(
            "`{}` differs from what Kometa left",
            c.path.join(".")
        )),
        None => Ok(()),
    }
}

/// Keeps the values Kometa wrote over placeholders in a private file (a
/// new refresh token must not be lost), as YAML: path, then value.
fn save_inlined(target: &Path, kept: &[&Change]) -> std::io::Result<PathBuf> {
    let mut body = String::from(
        "# kometa-trakt restore: values Kometa wrote where the config holds placeholders.\n# Put each into the secret its placeholder reads, then delete this file.\n",
    );
    for change in kept {
        let value = match &change.new {
            Resolved::Str(s) => crate::document::scalar::double_quoted(s),
            other => format!("{other:?}"),
        };
        body.push_str(&format!(
            "{}: {value}\n",
            crate::document::scalar::double_quoted(&change.path.join("."))
        ));
    }
    private::create_near(target, "kometa-trakt-inlined", ".yml", body.as_bytes())
}

/// What `restore` did, in words.
#[allow(clippy::too_many_arguments)]
fn report(
    name: &str,
    carried: &[&Change],
    foreign: &[&Change],
    kept: &[&Change],
    inlined: Option<&Path>,
    original: &str,
    restored: &str,
    current: &str,
) -> String {
    let lines = |a: &str, b: &str| changed_lines(a, b);
    let mut text = format!(
        "{name}: restored into your formatting: {} value(s) carried over; {} line(s) differ from the original (Kometa's save changed {})\n",
        carried.len(),
        lines(original, restored),
        lines(original, current)
    );
    for change in foreign {
        text.push_str(&format!(
            "  carried over with --force: `{}`\n",
            change.path.join(".")
        ));
    }
    for change in kept {
        let path = change.path.join(".");
        let old = match &change.old {
            Some(Resolved::Str(s)) => s.clone(),
            _ => String::new(),
        };
        let shown = match &change.new {
            Resolved::Str(s) if change.path.last().is_some_and(|k| is_secret_key(k)) => mask(s),
            Resolved::Str(s) => crate::words::clip(s, 40).into_owned(),
            other => format!("{other:?}"),
        };
        let secret = placeholder::placeholders(&old)
            .first()
            .filter(|p| placeholder::resolvable(p.name))
            .map(|p| placeholder::variable(p.name));
        let what = match (secret, is_template(&old)) {
            (Some(var), _) => format!("update {var} to it"),
            (None, true) => "update the variable your template reads".to_string(),
            (None, false) => "update the secret the placeholder reads".to_string(),
        };
        text.push_str(&format!(
            "  kept the placeholder at `{path}`: Kometa wrote {shown} there; {what}\n"
        ));
    }
    if let Some(path) = inlined {
        text.push_str(&format!(
            "  the values Kometa wrote over placeholders are in {} (readable by you only)\n",
            path.display()
        ));
    }
    text
}

/// How many lines differ between two texts (removed plus added).
pub(crate) fn changed_lines(a: &str, b: &str) -> usize {
    similar::TextDiff::from_lines(a, b)
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .count()
}
