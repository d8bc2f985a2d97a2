//! `restore FILE --original ORIG | --git [REV]`: undo Kometa's re-dump. The
//! values Kometa wrote (and the keys it added) are carried back into the
//! original as minimal edits, so the file regains the user's quotes,
//! comments, indentation, line endings and BOM. Placeholders stay
//! placeholders: the value Kometa inlined goes to a private file instead.
//! An alias whose value Kometa replaced is written out where it was, as
//! Kometa's dump does; a `%YAML 1.1` file's `on` is the `true` Kometa wrote.
//!
//! `--only-kometa` (the pre-commit hook) restores only a file proven to be
//! Kometa's save of the original: byte for byte what Kometa's own dumper
//! writes when it saves the original with the working file's tokens and
//! added keys (`kometa::redump::reproduce`, Python with ruamel.yaml at
//! Kometa's pin). A Kometa save mixed with other edits is refused (exit 1,
//! the lines of each named); anything else is a person's edit, left alone.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{
    Context, EditArgs, Exit, Failure, config_file, emit, load, refused, refused_in, unsaved,
};
use crate::document::apply::apply_beside;
use crate::document::comments;
use crate::document::diff::Change;
use crate::document::remove::remove_entry;
use crate::document::scalar::Resolved;
use crate::document::scalar::render;
use crate::document::{Document, Edit, NewValue, Value};
use crate::document::{Kind, Style};
use crate::kometa::mask::mask;
use crate::kometa::placeholder;
use crate::kometa::redump::{
    AddedSequence, Differences, RUAMEL, Replaced, Reproduced, differences, made_by_kometa,
    reproduce, sequence_by_kometa, streamed_differences, yaml11,
};
use crate::kometa::sensitive::is_secret_key;
use crate::kometa::{PROTECT, is_template};
use crate::persist::file::{MAX_CONFIG, decode, read_capped, read_text};
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
    /// Restore only a file that is Kometa's save of the original, byte for
    /// byte (proven with Kometa's own dumper: needs --python); refuse a save
    /// mixed with other edits (exit 1); leave anything else alone (exit 0).
    /// Your own edits are never reverted: for a pre-commit hook.
    #[arg(long, conflicts_with = "force")]
    pub(crate) only_kometa: bool,
    /// The Python that reproduces Kometa's save for --only-kometa; it needs
    /// ruamel.yaml 0.19.1, Kometa 2.4.4's pin.
    #[arg(
        long,
        value_name = "PYTHON",
        env = "KOMETA_TRAKT_PYTHON",
        hide_env_values = true,
        default_value = "python3"
    )]
    pub(crate) python: OsString,
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
    // With --only-kometa nothing is refused: what cannot be shown to be
    // Kometa's save is left as it is.
    let left = |why: &str| -> Result<Exit, Failure> {
        eprintln!("kometa-trakt: {name}: left as it is: {why}");
        Ok(Exit::Ok)
    };
    // Read from the texts' events where they allow it (in the memory of
    // the texts); else from their trees, which tell what the events cannot.
    let streamed = streamed_differences(&original, &current);
    let docs = match streamed {
        Some(_) => None,
        None => match trees(&name, file, &original, &current, args) {
            Ok(docs) => Some(docs),
            Err(Early::Left(why)) => return left(&why),
            Err(Early::Failed(failure)) => return Err(failure),
        },
    };
    // Only a proven Kometa save goes on with --only-kometa.
    let proven = args.only_kometa && current != original;
    if proven {
        match judge(&original, &current, &args.python) {
            Verdict::Save => {}
            Verdict::Yours(why) => return left(&why),
            Verdict::Mixed { kometa, yours } => {
                eprintln!(
                    "kometa-trakt: {name}: not restored: Kometa's save is mixed with other edits (Kometa: {kometa}; yours: {yours}); nothing was written. Commit Kometa's save apart from your edits, or carry every value into the original's formatting with --force (your comments and formatting there are then lost)"
                );
                return Ok(Exit::Findings);
            }
        }
    }
    let leave = |why: String| -> Result<Exit, Failure> {
        if proven {
            eprintln!(
                "kometa-trakt: {name}: not restored: it is Kometa's save, but it cannot be restored exactly: {why}; nothing was written"
            );
            Ok(Exit::Findings)
        } else if args.only_kometa {
            left(&why)
        } else {
            Err(Failure::usage(format!(
                "{name}: cannot be restored exactly: {why}; nothing was written"
            )))
        }
    };
    let from_events = docs.is_none();
    let found = match (streamed, &docs) {
        (Some(found), _) => found,
        (None, Some((original_doc, current_doc))) => match differences(original_doc, current_doc) {
            Ok(found) => found,
            Err(e) => return leave(format!("`{}`: {}", e.path, e.why)),
        },
        (None, None) => unreachable!("the trees are parsed when the events tell nothing"),
    };
    let (kept, carried): (Vec<&Change>, Vec<&Change>) =
        found.changes.iter().partition(|c| placeholder_kept(c));
    let foreign: Vec<String> = carried
        .iter()
        .filter(|c| !made_by_kometa(c))
        .map(|c| c.path.join("."))
        .chain(
            found
                .sequences
                .iter()
                .filter(|s| !sequence_by_kometa(&s.path))
                .map(|s| s.path.join(".")),
        )
        .collect();
    if !foreign.is_empty() && !args.force {
        let listed = foreign
            .iter()
            .map(|path| format!("`{path}`"))
            .collect::<Vec<_>>();
        return leave(format!(
            "it differs from the original in what Kometa does not change: {} (--force carries them over too)",
            listed.join(", ")
        ));
    }
    let edits = match edits(&found) {
        Ok(edits) => edits,
        Err(f) => return leave(f.message),
    };
    let base = blank(&original, &found.replaced);
    // Where the secrets are is asked of the editor only for a diff shown.
    let shown = args.edit.dry_run || args.edit.diff;
    // Beside the editor's parse (one thread): the comments Kometa's file
    // holds that the original does not, and how many lines Kometa's save
    // changed, for the report of a write (counted before the restored text
    // is in memory beside the two: the count's tables are the largest of a
    // restore's).
    let preview = args.edit.preview();
    let (applied, (dropped, by_kometa)) = apply_beside(
        &base,
        &edits,
        &PROTECT,
        shown.then_some(is_secret_key),
        || {
            (
                comments::added(&original, &current),
                (!preview).then(|| changed_lines(&original, &current)),
            )
        },
    );
    // Kometa's save writes no comment: one the original does not hold is a
    // person's, which the restored text (the original's) would not hold.
    if !dropped.is_empty() && !args.force {
        return leave(format!(
            "it holds comments the original does not (lines {}), which the restore would drop: add them to the original (--force drops them)",
            numbers(&dropped)
        ));
    }
    let (restored, secrets, written) = match applied {
        Ok(outcome) => (outcome.text, outcome.secrets, outcome.changes),
        Err(e) if args.only_kometa => return leave(e.to_string()),
        // The editor's positions are in the original's text.
        Err(e) => return Err(refused_in(&original_name(file, args), &e)),
    };
    // The editor's result is the original with values only (no node
    // blanked, no sequence written after it): it knows the secrets of both
    // texts for the diff, and what it wrote is all that differs.
    let values_only =
        found.replaced.is_empty() && found.sequences.is_empty() && found.removed.is_empty();
    let secrets = (shown && values_only).then_some(secrets);
    let mut restored = match write_sequences(restored, &original, &found.sequences) {
        Ok(text) => text,
        Err(why) => return leave(why),
    };
    // The keys Kometa's save dropped from a mapping it writes whole go, as
    // a person deletes their lines (verified by removal itself).
    for path in &found.removed {
        restored = match remove_entry(&restored, path) {
            Ok(text) => text,
            Err(kept) => return leave(format!("`{}` cannot be removed: {kept}", path.join("."))),
        };
    }
    drop(docs);
    // Kometa's file is the original with `found`'s changes (read from the
    // events of both, to their ends), and the editor's result the original
    // with exactly what it wrote (its own verification, by two parsers):
    // the restored file means what Kometa left when those are the changes
    // but the kept ones. Else (trees, YAML 1.1, whole nodes) the restored
    // file is read again and compared with Kometa's.
    let composed = from_events && values_only && !yaml11(&original) && !yaml11(&current);
    let checked = match composed {
        true => written_as_found(&written, &found, &kept),
        false => verify(&restored, &current, &kept),
    };
    checked.map_err(|why| {
        Failure::usage(format!(
            "{name}: internal check failed ({why}); nothing was written. Please report this with the file's shape"
        ))
    })?;
    let diff = match shown {
        true => unified(
            &original,
            &restored,
            secrets.as_ref(),
            &name,
            ctx.color,
            Reveal::Masked,
        ),
        false => String::new(),
    };
    if restored == current {
        emit(
            out,
            &format!("{name}: already in your formatting: nothing to restore\n"),
        )?;
        return Ok(Exit::Ok);
    }
    if !dropped.is_empty() {
        eprintln!(
            "kometa-trakt: {name}: its comments at lines {} are not in the original: the restored file does not hold them",
            numbers(&dropped)
        );
    }
    if args.edit.preview() {
        if shown {
            emit(out, &diff)?;
        }
        if args.edit.check {
            eprintln!("kometa-trakt: {name}: Kometa's formatting would be undone");
            return Ok(Exit::Findings);
        }
        return Ok(Exit::Ok);
    }
    // The report's line counts, and then the original's text is let go:
    // the file is read again under the lock.
    let lines = Lines {
        differ: changed_lines(&original, &restored),
        by_kometa: by_kometa.expect("counted for a write"),
    };
    drop(base);
    drop(original);
    // Under the lock the file is compared with `current` as it is read,
    // not read into memory a second time.
    let mut session = Session::begin_from(file, &current, Needs::Write, ctx.wait())
        .map_err(|e| unsaved(file, e))?;
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
            carried.len() + found.sequences.len() + found.removed.len(),
            &foreign,
            &kept,
            inlined.as_deref(),
            &lines,
        ),
    )?;
    Ok(Exit::Ok)
}

/// Why a restore ends before it compares the files.
enum Early {
    /// Left as it is (with --only-kometa), and why.
    Left(String),
    Failed(Failure),
}

/// The trees of the original and the working file, once each is shown to
/// parse and the original to be a mapping.
fn trees<'t>(
    name: &str,
    file: &Path,
    original: &'t str,
    current: &'t str,
    args: &Args,
) -> Result<(Document<'t>, Document<'t>), Early> {
    let original_doc = match Document::parse(original) {
        Ok(doc) => doc,
        Err(e) if args.only_kometa => {
            return Err(Early::Left(format!("the original does not parse ({e})")));
        }
        Err(e) => {
            return Err(Early::Failed(Failure::usage(format!(
                "{name}: the original does not parse ({e}); nothing was written"
            ))));
        }
    };
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
            return Err(Early::Left(why.to_string()));
        }
        return Err(Early::Failed(Failure::usage(format!(
            "{name}: {why}; nothing was written"
        ))));
    }
    let current_doc = match Document::parse(current) {
        Ok(doc) => doc,
        Err(e) if args.only_kometa => {
            return Err(Early::Left(format!(
                "not Kometa's save: it does not parse ({e})"
            )));
        }
        Err(e) => return Err(Early::Failed(refused(file, e.into()))),
    };
    Ok((original_doc, current_doc))
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

/// The original, as messages name it: the file given, or the file at the
/// revision.
fn original_name(file: &Path, args: &Args) -> String {
    match &args.original {
        Some(path) => path.display().to_string(),
        None => format!(
            "{} at {}",
            file.display(),
            args.git.as_deref().unwrap_or("HEAD")
        ),
    }
}

/// Whether the original held a placeholder where Kometa wrote a value.
fn placeholder_kept(change: &Change) -> bool {
    matches!(&change.old, Some(Resolved::Str(s)) if (PROTECT.is)(s))
}

/// What `--only-kometa` makes of a file.
enum Verdict {
    /// Kometa's save of the original, byte for byte.
    Save,
    /// A Kometa save with other edits: the lines of each, numbered in the
    /// working file.
    Mixed { kometa: String, yours: String },
    /// Not Kometa's save (or not shown to be one): why.
    Yours(String),
}

/// Whether `current` is Kometa's save of `original`, a save mixed with
/// other edits, or neither, by Kometa's own dumper.
fn judge(original: &str, current: &str, python: &OsString) -> Verdict {
    let not = |why: &str| Verdict::Yours(format!("not Kometa's save: {why}"));
    match reproduce(python, original, current) {
        Err(why) => Verdict::Yours(format!(
            "cannot tell whether it is Kometa's save: {why}. --only-kometa proves a save with Kometa's own dumper, ruamel.yaml {RUAMEL} (`pip install ruamel.yaml=={RUAMEL}`); --python or KOMETA_TRAKT_PYTHON names the Python that has it"
        )),
        Ok(Reproduced::SameData) => not("it means what the original means (an edit of yours)"),
        Ok(Reproduced::Unloadable { original: true }) => not("Kometa cannot load the original"),
        Ok(Reproduced::Unloadable { original: false }) => {
            not("Kometa cannot load it (an edit of yours)")
        }
        Ok(Reproduced::Save { save, redump }) => {
            // Kometa on Windows writes CRLF (Python's text mode).
            let (save, redump) = if current.contains("\r\n") {
                (save.replace('\n', "\r\n"), redump.replace('\n', "\r\n"))
            } else {
                (save, redump)
            };
            if current == save {
                return Verdict::Save;
            }
            match mixed(original, &save, &redump, current) {
                Some((kometa, yours)) => Verdict::Mixed {
                    kometa: numbers(&kometa),
                    yours: numbers(&yours),
                },
                None => not(
                    "it is not what Kometa writes when it saves the original (an edit of yours)",
                ),
            }
        }
    }
}

/// For a file that is not Kometa's `save` of `original`: the lines of
/// `current` (1-based) that come from Kometa's save and the lines that are
/// someone else's, when it is a Kometa save with other edits. It is one
/// when Kometa's save changes something (a token, a key it adds: a file
/// that differs from the original in nothing Kometa writes is no save of
/// Kometa's), the file holds lines Kometa's dump writes and the original
/// does not have (lines of `redump`, the original merely re-dumped: a token
/// edited by hand is no sign of a dump), and fewer line edits make it from
/// Kometa's save than from the original. Lines removed count where they
/// were.
fn mixed(
    original: &str,
    save: &str,
    redump: &str,
    current: &str,
) -> Option<(Vec<usize>, Vec<usize>)> {
    if save == redump {
        return None;
    }
    let originals: HashSet<&str> = original.split_inclusive('\n').collect();
    let dumped: HashSet<&str> = redump
        .split_inclusive('\n')
        .filter(|l| !originals.contains(l))
        .collect();
    let dump_seen = current.split_inclusive('\n').any(|l| dumped.contains(l));
    if !dump_seen || changed_lines(save, current) >= changed_lines(original, current) {
        return None;
    }
    let from_save = aligned(save, current);
    let from_original = aligned(original, current);
    let lines = from_save.kept.len();
    let kometa: Vec<usize> = (0..lines)
        .filter(|&i| from_save.kept[i] && !from_original.kept[i])
        .map(|i| i + 1)
        .collect();
    let mut yours: Vec<usize> = (0..lines)
        .filter(|&i| !from_save.kept[i])
        .map(|i| i + 1)
        .chain(
            from_save
                .removed_at
                .iter()
                .map(|&i| (i + 1).min(lines.max(1))),
        )
        .collect();
    yours.sort_unstable();
    yours.dedup();
    (!kometa.is_empty() && !yours.is_empty()).then_some((kometa, yours))
}

/// How the lines of `new` align with `old`.
struct Aligned {
    /// Per line of `new`: whether it is a line of `old`, in order.
    kept: Vec<bool>,
    /// For each line of `old` missing from `new`: the index of the line of
    /// `new` that now stands where it was.
    removed_at: Vec<usize>,
}

fn aligned(old: &str, new: &str) -> Aligned {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut kept = vec![false; diff.new_len()];
    let mut removed_at = Vec::new();
    let mut next = 0;
    for change in diff.iter_all_changes() {
        match (change.tag(), change.new_index()) {
            (similar::ChangeTag::Equal, Some(i)) => {
                kept[i] = true;
                next = i + 1;
            }
            (similar::ChangeTag::Insert, Some(i)) => next = i + 1,
            _ => removed_at.push(next),
        }
    }
    Aligned { kept, removed_at }
}

/// `1-3, 7, 9-10`.
fn numbers(lines: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end += 1;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

/// The edits that carry Kometa's values into the original (once [`blank`]
/// has emptied the nodes Kometa replaced as a whole): every scalar of each
/// such node's new value, then the other changes in order, an added
/// sequence's key as a null ([`write_sequences`] writes its items). A
/// placeholder stays where it was, also in such a node.
fn edits(found: &Differences) -> Result<Vec<Edit>, Failure> {
    let mut out = Vec::new();
    for replaced in &found.replaced {
        for value in &replaced.values {
            out.push(if placeholder_kept(value) {
                let Some(Resolved::Str(old)) = &value.old else {
                    unreachable!("a placeholder is a string")
                };
                Edit {
                    path: value.path.clone(),
                    value: NewValue::Typed(Value::Str(old.clone())),
                }
            } else {
                edit(value)?
            });
        }
    }
    let null = |s: &AddedSequence| Edit {
        path: s.path.clone(),
        value: NewValue::Typed(Value::Null),
    };
    let mut sequences = found.sequences.iter().peekable();
    for (i, change) in found.changes.iter().enumerate() {
        while let Some(s) = sequences.next_if(|s| s.at <= i) {
            out.push(null(s));
        }
        let replaced = found
            .replaced
            .iter()
            .any(|r| change.path.starts_with(&r.path));
        if !replaced && !placeholder_kept(change) {
            out.push(edit(change)?);
        }
    }
    out.extend(sequences.map(null));
    Ok(out)
}

/// Writes the items of each added sequence under its key (a null the edits
/// added), as block sequence lines indented as the original indents its
/// sequences (`original`; two spaces past the key when it has none).
fn write_sequences(
    mut text: String,
    original: &str,
    sequences: &[AddedSequence],
) -> Result<String, String> {
    if sequences.is_empty() {
        return Ok(text);
    }
    let original = Document::parse(original).map_err(|e| e.to_string())?;
    let (offset, gap) = sequence_style(&original);
    for sequence in sequences {
        let name = sequence.path.join(".");
        let doc = Document::parse(&text).map_err(|e| e.to_string())?;
        let mut node = doc.roots.first();
        let mut entry = None;
        for key in &sequence.path {
            let found = node.and_then(|n| doc.lookup(n, key));
            entry = match found {
                Some(crate::document::lookup::Found::Direct(e)) => Some(e),
                _ => None,
            };
            node = entry.map(|e| &e.value);
        }
        let Some(entry) = entry.filter(|e| e.value.is_null() && e.value.start == e.value.end)
        else {
            return Err(format!("`{name}`: the sequence's key could not be written"));
        };
        let column = doc.source.column(entry.key.prop_start);
        let eol = doc.source.line_ending.as_str();
        let at = doc.source.line_end(entry.key.end);
        let mut lines = String::new();
        for item in &sequence.items {
            let value = edit(&Change {
                path: sequence.path.clone(),
                old: None,
                new: item.clone(),
            })
            .map_err(|f| f.message)?;
            let NewValue::Typed(value) = value.value else {
                unreachable!("edit() writes typed values")
            };
            let rendered = render(&value, Style::Plain, false, Style::Single);
            lines.push_str(eol);
            lines.push_str(&" ".repeat(column + offset));
            lines.push('-');
            if !rendered.is_empty() {
                lines.push_str(&" ".repeat(gap));
                lines.push_str(&rendered);
            }
        }
        if sequence.items.is_empty() {
            lines = " []".to_string();
        }
        text.insert_str(at, &lines);
    }
    Ok(text)
}

/// How `doc` writes a block sequence under a key: the dash's column past
/// the key's, and the spaces after the dash (2 and 1 when it has none).
fn sequence_style(doc: &Document<'_>) -> (usize, usize) {
    let mut stack: Vec<&crate::document::Node<'_>> = doc.roots.iter().collect();
    let mut seen = 0;
    while let Some(node) = stack.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        let Kind::Mapping {
            flow: false,
            entries,
            ..
        } = &node.kind
        else {
            continue;
        };
        for e in entries {
            if let Kind::Sequence { flow: false, items } = &e.value.kind
                && let Some(first) = items.first()
            {
                let text = doc.source.text;
                let line = doc.source.line_start(first.prop_start);
                if let Some(dash) = text[line..first.prop_start].rfind('-') {
                    let dash = line + dash;
                    let key = doc.source.column(e.key.prop_start);
                    let at = doc.source.column(dash);
                    let gap = doc.source.column(first.prop_start) - at - 1;
                    if at >= key && gap >= 1 {
                        return (at - key, gap);
                    }
                }
            }
            stack.push(&e.value);
        }
    }
    (2, 1)
}

/// `text` with the nodes Kometa replaced as a whole emptied (a null, into
/// which the edits write the new value). The blanks (and line breaks) before
/// a node go with it when nothing follows it on its line.
fn blank<'t>(text: &'t str, replaced: &[Replaced]) -> Cow<'t, str> {
    if replaced.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    let mut ranges: Vec<std::ops::Range<usize>> =
        replaced.iter().map(|r| r.range.clone()).collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.start));
    for range in ranges {
        let line_end = out[range.end..]
            .find('\n')
            .map_or(out.len(), |i| range.end + i);
        let start = if out[range.end..line_end].trim().is_empty() {
            out[..range.start].trim_end().len()
        } else {
            range.start
        };
        out.replace_range(start..range.end, "");
    }
    Cow::Owned(out)
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
fn verify(restored: &str, current: &str, kept: &[&Change]) -> Result<(), String> {
    let kept: HashSet<&Vec<String>> = kept.iter().map(|c| &c.path).collect();
    let left = match streamed_differences(restored, current) {
        Some(left) => left,
        None => {
            let doc = Document::parse(restored).map_err(|e| e.to_string())?;
            let current = Document::parse(current).map_err(|e| e.to_string())?;
            differences(&doc, &current).map_err(|e| format!("{}: {}", e.path, e.why))?
        }
    };
    let whole = left.replaced.iter().map(|r| &r.path);
    let sequences = left.sequences.iter().map(|s| &s.path);
    if let Some(path) = whole.chain(sequences).chain(&left.removed).next() {
        return Err(format!(
            "`{}` differs from what Kometa left",
            path.join(".")
        ));
    }
    match left.changes.iter().find(|c| !kept.contains(&c.path)) {
        Some(c) => Err(format!(
            "`{}` differs from what Kometa left",
            c.path.join(".")
        )),
        None => Ok(()),
    }
}

/// Whether the values the editor wrote (`written`, in order) are the
/// changes `found` but the `kept` ones, path by path and value by value.
fn written_as_found(
    written: &[(Vec<String>, Value)],
    found: &Differences,
    kept: &[&Change],
) -> Result<(), String> {
    let kept: HashSet<&Vec<String>> = kept.iter().map(|c| &c.path).collect();
    let mut wanted = found.changes.iter().filter(|c| !kept.contains(&c.path));
    for (path, value) in written {
        match wanted.next() {
            Some(c) if &c.path == path && c.new == Resolved::from(value) => {}
            _ => {
                return Err(format!(
                    "`{}` differs from what Kometa left",
                    path.join(".")
                ));
            }
        }
    }
    match wanted.next() {
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

/// How many lines the restored file and Kometa's save differ from the
/// original in.
struct Lines {
    differ: usize,
    by_kometa: usize,
}

/// What `restore` did, in words.
fn report(
    name: &str,
    carried: usize,
    foreign: &[String],
    kept: &[&Change],
    inlined: Option<&Path>,
    lines: &Lines,
) -> String {
    let mut text = format!(
        "{name}: restored into your formatting: {} value(s) carried over; {} line(s) differ from the original (Kometa's save changed {})\n",
        carried, lines.differ, lines.by_kometa
    );
    for path in foreign {
        text.push_str(&format!("  carried over with --force: `{path}`\n"));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, old: Option<&str>, new: &str) -> Change {
        Change {
            path: path.split('.').map(str::to_string).collect(),
            old: old.map(|o| Resolved::Str(o.into())),
            new: Resolved::Str(new.into()),
        }
    }

    fn wrote(path: &str, value: Value) -> (Vec<String>, Value) {
        (path.split('.').map(str::to_string).collect(), value)
    }

    #[test]
    fn what_the_editor_wrote_must_be_every_change_but_the_kept_ones() {
        let found = Differences {
            changes: vec![
                change("trakt.authorization.access_token", Some("a"), "b"),
                change(
                    "trakt.authorization.refresh_token",
                    Some("<<TRAKT_REFRESH>>"),
                    "r",
                ),
                change("trakt.authorization.created_at", None, "c"),
            ],
            ..Differences::default()
        };
        let kept = vec![&found.changes[1]];
        let right = [
            wrote("trakt.authorization.access_token", Value::Str("b".into())),
            wrote("trakt.authorization.created_at", Value::Str("c".into())),
        ];
        assert_eq!(written_as_found(&right, &found, &kept), Ok(()));
        let differs = |path: &str| Err(format!("`{path}` differs from what Kometa left"));
        // A value of another type, a change left out, one written twice,
        // a kept placeholder overwritten.
        let mut wrong = right.clone();
        wrong[1].1 = Value::Int(1);
        assert_eq!(
            written_as_found(&wrong, &found, &kept),
            differs("trakt.authorization.created_at")
        );
        assert_eq!(
            written_as_found(&right[..1], &found, &kept),
            differs("trakt.authorization.created_at")
        );
        let twice = [right[0].clone(), right[1].clone(), right[1].clone()];
        assert_eq!(
            written_as_found(&twice, &found, &kept),
            differs("trakt.authorization.created_at")
        );
        let overwritten = [
            right[0].clone(),
            wrote("trakt.authorization.refresh_token", Value::Str("r".into())),
            right[1].clone(),
        ];
        assert_eq!(
            written_as_found(&overwritten, &found, &kept),
            differs("trakt.authorization.refresh_token")
        );
    }
}
