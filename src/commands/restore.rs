//! `restore FILE --original ORIG | --git [REV]`: undo Kometa's re-dump. The
//! values Kometa wrote (and the keys it added) are carried back into the
//! original as minimal edits, so the file regains the user's quotes,
//! comments, indentation, line endings and BOM. Placeholders stay
//! placeholders: the value Kometa inlined goes to a private file instead.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Context, EditArgs, Exit, Failure, config_file, emit, load, refused, unsaved};
use crate::document::diff::{Change, Unparsed, changes_between};
use crate::document::scalar::Resolved;
use crate::document::{Edit, Editor, NewValue, Parse, Value, apply};
use crate::kometa::mask::mask;
use crate::kometa::placeholder;
use crate::kometa::redump::{REWRITTEN, made_by_kometa};
use crate::kometa::sensitive::is_secret_key;
use crate::kometa::{PROTECT, is_template};
use crate::persist::{Needs, Session, describe, private};
use crate::report::diff::{Reveal, changed_lines, unified};

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
        if one as u8 > exit as u8 {
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
    // The original's trees for the root keys Kometa rewrites are built on
    // the way, to edit it; its secrets are found only for a diff shown.
    let shows_diff = args.edit.dry_run || args.edit.diff;
    let secret_key = shows_diff.then_some(is_secret_key as fn(&str) -> bool);
    let keys: Vec<&str> = REWRITTEN.iter().copied().chain(["<<"]).collect();
    let parse = Parse::masked_by(secret_key)
        .root_keys(&keys)
        .without_duplicates();
    let (between, parsed) =
        changes_between(&original, &current, Some(parse)).map_err(|e| match e {
            Unparsed::Before(e) => Failure::usage(format!(
                "{name}: the original does not parse ({e}); nothing was written"
            )),
            Unparsed::After(e) => refused(file, e.into()),
        })?;
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
    let all = match between {
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
    // What Kometa's save changed, counted while only the two texts are held
    // (a line diff of whole texts, for the report of a write).
    let saved_lines = (!args.edit.preview()).then(|| changed_lines(&original, &current));
    // The restored text is compared with what Kometa left as it is verified.
    let (outcome, left) = match &parsed {
        Some(doc)
            if edits
                .iter()
                .all(|e| e.path.first().is_some_and(|k| doc.covers(k))) =>
        {
            Editor::with(doc, PROTECT).and_then(|mut editor| {
                editor.edit(&edits)?;
                editor.finish_against(&current)
            })
        }
        _ => apply(&original, &edits, &PROTECT, secret_key).map(|outcome| (outcome, None)),
    }
    .map_err(|e| refused(file, e))?;
    drop(parsed);
    verify(&outcome.text, &current, &kept, left).map_err(|why| {
        Failure::usage(format!(
            "{name}: internal check failed ({why}); nothing was written. Please report this with the file's shape"
        ))
    })?;
    let diff = || {
        unified(
            &original,
            &outcome.text,
            Some(&outcome.secrets),
            &name,
            ctx.color,
            Reveal::Masked,
        )
    };
    let restored = &outcome.text;
    if *restored == current {
        emit(
            out,
            &format!("{name}: already in your formatting: nothing to restore\n"),
        )?;
        return Ok(Exit::Ok);
    }
    if args.edit.preview() {
        if shows_diff {
            emit(out, &diff())?;
        }
        if args.edit.check {
            eprintln!("kometa-trakt: {name}: Kometa's formatting would be undone");
            return Ok(Exit::Findings);
        }
        return Ok(Exit::Ok);
    }
    let diff = shows_diff.then(diff);
    let lines = (
        changed_lines(&original, restored),
        saved_lines.unwrap_or_default(),
    );
    drop(original);
    let session = Session::begin(file, Needs::Write).map_err(|e| unsaved(file, e))?;
    if session.text() != current {
        return Err(Failure::usage(format!(
            "{name}: the file changed while it was being restored; nothing was written"
        )));
    }
    drop(current);
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
    session.write(restored).map_err(|e| unsaved(file, e))?;
    if let Some(diff) = diff {
        emit(out, &diff)?;
    }
    emit(
        out,
        &report(&name, &carried, &foreign, &kept, inlined.as_deref(), lines),
    )?;
    Ok(Exit::Ok)
}

/// The original's text: the file given, or `git show REV:FILE`.
fn original_text(file: &Path, args: &Args) -> Result<String, Failure> {
    if let Some(path) = &args.original {
        return load(path).map(|l| l.text);
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
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", &format!("{rev}:./{base}")])
        .output()
        .map_err(|e| Failure::usage(format!("--git: cannot run git: {}", describe(&e))))?;
    if !out.status.success() {
        return Err(Failure::usage(format!(
            "--git: `git show {rev}:{}` failed: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    crate::persist::file::decode(out.stdout)
        .map_err(|e| Failure::usage(format!("--git: {}: {e}", file.display())))
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
/// was kept (`left`: the differences, when already found).
fn verify(
    restored: &str,
    current: &str,
    kept: &[&Change],
    left: Option<Vec<Change>>,
) -> Result<(), String> {
    let kept: HashSet<&Vec<String>> = kept.iter().map(|c| &c.path).collect();
    let left = match left {
        Some(left) => left,
        None => changes_between(restored, current, None)
            .map_err(|e| match e {
                Unparsed::Before(e) | Unparsed::After(e) => e.to_string(),
            })?
            .0
            .map_err(|e| format!("{}: {}", e.path, e.why))?,
    };
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
    (restored, saved): (usize, usize),
) -> String {
    let mut text = format!(
        "{name}: restored into your formatting: {} value(s) carried over; {restored} line(s) differ from the original (Kometa's save changed {saved})\n",
        carried.len(),
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
