//! One test per trap of docs/yaml-editing.md, through the real binary:
//! the exact bytes after an edit, or a refusal that leaves the file alone.

use crate::support::set;

/// `set PATH VALUE` on `before` succeeds and leaves exactly `after`.
fn edits(before: &str, path: &str, value: &str, after: &str) {
    edits_with(before, path, value, &[], after);
}

fn edits_with(before: &str, path: &str, value: &str, extra: &[&str], after: &str) {
    let (run, bytes) = set(before, path, value, extra);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(bytes, after);
}

/// `set PATH VALUE` on `before` exits 2 with a message holding `why` and
/// leaves the file byte-identical.
fn refuses(before: &str, path: &str, value: &str, why: &str) {
    let (run, bytes) = set(before, path, value, &[]);
    assert_eq!(run.code, 2, "stdout: {} stderr: {}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(why),
        "stderr {:?} lacks {why:?}",
        run.stderr
    );
    assert_eq!(bytes, before, "a refused edit changed the file");
}

const TOKEN: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[test]
fn non_ascii_text_before_the_value_is_counted_in_bytes() {
    edits(
        "# Überschrift — ñ 日本語 ✓\ntrakt:\n  client_id: äöü # Schlüssel\n  authorization:\n    access_token: alt # ✓ ok\n",
        "trakt.authorization.access_token",
        TOKEN,
        &format!(
            "# Überschrift — ñ 日本語 ✓\ntrakt:\n  client_id: äöü # Schlüssel\n  authorization:\n    access_token: {TOKEN} # ✓ ok\n"
        ),
    );
}

#[test]
fn quoted_value_keeps_its_quotes_and_trailing_comment() {
    edits(
        "trakt:\n  client_id: \"abc\"   # Enter ID\n  client_secret: 'x''y'  # quoted\n",
        "trakt.client_id",
        "new id",
        "trakt:\n  client_id: \"new id\"   # Enter ID\n  client_secret: 'x''y'  # quoted\n",
    );
    edits(
        "trakt:\n  client_id: \"abc\"   # Enter ID\n  client_secret: 'x''y'  # quoted\n",
        "trakt.client_secret",
        "it's",
        "trakt:\n  client_id: \"abc\"   # Enter ID\n  client_secret: 'it''s'  # quoted\n",
    );
}

#[test]
fn double_quoted_value_escapes_what_it_must() {
    edits(
        "trakt:\n  client_id: \"abc\"\n",
        "trakt.client_id",
        "a\"b\\c",
        "trakt:\n  client_id: \"a\\\"b\\\\c\"\n",
    );
}

#[test]
fn plain_value_is_quoted_when_plain_would_change_its_meaning() {
    let before = "trakt:\n  client_id: abc\n  client_secret: \"s\"\n";
    for (value, written) in [
        ("yes", "\"yes\""),
        ("123", "\"123\""),
        ("1e5", "\"1e5\""),
        ("a: b", "\"a: b\""),
        ("x #y", "\"x #y\""),
        ("-x", "\"-x\""),
        ("", "\"\""),
        ("plain-ok", "plain-ok"),
    ] {
        edits(
            before,
            "trakt.client_id",
            value,
            &format!("trakt:\n  client_id: {written}\n  client_secret: \"s\"\n"),
        );
    }
}

#[test]
fn anchored_or_aliased_values_are_refused() {
    let file = "trakt:\n  authorization:\n    access_token: &tok abc\n    refresh_token: *tok\n";
    refuses(
        file,
        "trakt.authorization.access_token",
        TOKEN,
        "3:19: `trakt.authorization.access_token` is anchored",
    );
    refuses(
        file,
        "trakt.authorization.refresh_token",
        TOKEN,
        "4:20: `trakt.authorization.refresh_token` is an alias",
    );
    refuses(
        "trakt: &t\n  client_id: a\nother: *t\n",
        "trakt.client_id",
        "b",
        "1:8: `trakt` is anchored (&)",
    );
}

#[test]
fn tagged_value_keeps_its_tag() {
    edits(
        "trakt:\n  client_id: !!str 123\n",
        "trakt.client_id",
        "456",
        "trakt:\n  client_id: !!str '456'\n",
    );
    refuses(
        "trakt:\n  client_id: !secret abc\n",
        "trakt.client_id",
        "x",
        "has the tag `!secret`",
    );
}

/// ruamel.yaml, Kometa's loader, keeps a key's tag: `!!str access_token`
/// is not the key `access_token` to Kometa, so a value written there would
/// never be read (found by an adversarial pass on `renew`).
#[test]
fn tagged_keys_are_refused() {
    for tag in ["!!str", "!foo"] {
        let before = format!("trakt:\n  authorization:\n    {tag} access_token: abc\n");
        refuses(
            &before,
            "trakt.authorization.access_token",
            "x",
            &format!(
                ":3:{}: key `access_token` is read as a tagged scalar by Kometa's loader (ruamel.yaml keeps a key's tag), not a string key\n",
                tag.len() + 6
            ),
        );
    }
    let before = "!!str trakt:\n  pin: 1\n";
    refuses(
        before,
        "trakt.pin",
        "2",
        ":1:7: key `trakt` is read as a tagged scalar",
    );
}

#[test]
fn block_scalars_are_refused() {
    refuses(
        "trakt:\n  client_id: |\n    abc\n  pin:\n",
        "trakt.client_id",
        "x",
        "2:14: `trakt.client_id` is a block scalar",
    );
}

#[test]
fn empty_values_are_filled_after_the_colon() {
    edits(
        "trakt:\n  pin:   \n  client_id:                # Enter ID\n",
        "trakt.client_id",
        "abc",
        "trakt:\n  pin:   \n  client_id: abc                # Enter ID\n",
    );
    edits(
        "trakt:\n  pin:   \n  client_id:\n",
        "trakt.pin",
        "12345678",
        "trakt:\n  pin: '12345678'   \n  client_id:\n",
    );
}

#[test]
fn missing_key_goes_after_the_last_entry_not_after_trailing_comments() {
    edits(
        "trakt:\n  authorization:\n    access_token: a\n    # the next section\n\n# mal settings\nmal:\n  x: 1\n",
        "trakt.authorization.created_at",
        "1764200000",
        "trakt:\n  authorization:\n    access_token: a\n    created_at: 1764200000\n    # the next section\n\n# mal settings\nmal:\n  x: 1\n",
    );
}

#[test]
fn crlf_line_endings_are_kept() {
    edits(
        "trakt:\r\n  client_id: a\r\n  authorization:\r\n    access_token: b\r\n",
        "trakt.authorization.refresh_token",
        "r",
        "trakt:\r\n  client_id: a\r\n  authorization:\r\n    access_token: b\r\n    refresh_token: r\r\n",
    );
    edits(
        "trakt:\r\n  client_id: a\r\n",
        "trakt.client_id",
        "z",
        "trakt:\r\n  client_id: z\r\n",
    );
}

#[test]
fn bom_is_kept_and_positions_skip_it() {
    edits(
        "\u{feff}trakt:\n  client_id: a\n",
        "trakt.client_id",
        "b",
        "\u{feff}trakt:\n  client_id: b\n",
    );
    refuses(
        "\u{feff}trakt: &x\n  client_id: a\n",
        "trakt.client_id",
        "b",
        "1:8:",
    );
}

#[test]
fn missing_final_newline_stays_missing() {
    edits(
        "trakt:\n  client_id: a",
        "trakt.client_id",
        "b",
        "trakt:\n  client_id: b",
    );
    edits(
        "trakt:\n  client_id: a",
        "trakt.pin",
        "p",
        "trakt:\n  client_id: a\n  pin: p",
    );
}

#[test]
fn duplicate_keys_are_refused_with_both_lines() {
    refuses(
        "trakt:\n  client_id: a\n  client_id: b\n",
        "trakt.client_id",
        "c",
        "3:3: duplicate key `client_id` in `trakt` (first at line 2)",
    );
}

#[test]
fn tab_after_colon_is_a_syntax_error_and_nothing_is_written() {
    refuses(
        "trakt:\n  client_id:\tabc\n",
        "trakt.client_id",
        "x",
        "YAML syntax error",
    );
}

#[test]
fn flow_mappings_are_edited_in_flow_style() {
    edits(
        "trakt:\n  authorization: {access_token: abc, token_type: Bearer }\n",
        "trakt.authorization.access_token",
        "xyz",
        "trakt:\n  authorization: {access_token: xyz, token_type: Bearer }\n",
    );
    edits(
        "trakt:\n  authorization: {access_token: abc, token_type: Bearer }\n",
        "trakt.authorization.created_at",
        "1764200000",
        "trakt:\n  authorization: {access_token: abc, token_type: Bearer, created_at: 1764200000 }\n",
    );
    edits(
        "trakt: {client_id: a}\n",
        "trakt.authorization.scope",
        "a,b",
        "trakt: {client_id: a, authorization: {scope: 'a,b'}}\n",
    );
}

#[test]
fn flow_mappings_with_blanks_inside_the_braces_are_flow() {
    // Found by fuzzing: `{ ` (a blank after the brace) was read as a block
    // mapping, so `]` was written unquoted.
    edits(
        "trakt: { client_id: old, client_secret: s }\n",
        "trakt.client_id",
        "new]",
        "trakt: { client_id: 'new]', client_secret: s }\n",
    );
    // An empty value sits at its colon: a new key goes after the colon.
    edits(
        "trakt: { pin : }\n",
        "trakt.authorization.access_token",
        "abc",
        "trakt: { pin :, authorization: {access_token: abc} }\n",
    );
}

#[test]
fn four_space_indentation_is_followed_for_new_mappings() {
    edits(
        "trakt:\n    client_id: a\n    client_secret: b\nmal:\n    x: 1\n",
        "trakt.authorization.access_token",
        "t",
        "trakt:\n    client_id: a\n    client_secret: b\n    authorization:\n        access_token: t\nmal:\n    x: 1\n",
    );
}

#[test]
fn several_documents_are_refused() {
    refuses(
        "trakt:\n  client_id: a\n---\nx: 1\n",
        "trakt.client_id",
        "b",
        "3:1: the file holds several YAML documents",
    );
}

#[test]
fn null_or_empty_mapping_becomes_a_block() {
    for (value, rest) in [
        ("", ""),
        (" ~", ""),
        (" {}", ""),
        (" null   # filled by Kometa", "    # filled by Kometa"),
    ] {
        edits(
            &format!("trakt:\n  client_id: a\n  authorization:{value}\nmal:\n  x: 1\n"),
            "trakt.authorization.access_token",
            "t",
            &format!(
                "trakt:\n  client_id: a\n  authorization:{rest}\n    access_token: t\nmal:\n  x: 1\n"
            ),
        );
    }
}

#[test]
fn missing_trakt_block_is_added_at_the_end() {
    edits(
        "plex:\n  url: http://plex:32400\n",
        "trakt.client_id",
        "abc",
        "plex:\n  url: http://plex:32400\ntrakt:\n  client_id: abc\n",
    );
    edits("", "trakt.client_id", "abc", "trakt:\n  client_id: abc\n");
}

#[test]
fn placeholders_are_never_overwritten() {
    refuses(
        "trakt:\n  authorization:\n    access_token: <<TRAKT_TOKEN>>\n",
        "trakt.authorization.access_token",
        TOKEN,
        "is the placeholder `<<TRAKT_TOKEN>>`",
    );
    refuses(
        "trakt:\n  client_id: ${TRAKT_ID}\n",
        "trakt.client_id",
        "abc",
        "is the placeholder `${TRAKT_ID}`",
    );
}

#[test]
fn redacted_sequence_is_refused() {
    refuses(
        "trakt:\n  client_id: [REDACTED] # id\n",
        "trakt.client_id",
        "abc",
        "2:14: `trakt.client_id` is a sequence, not a scalar",
    );
}

#[test]
fn path_through_a_scalar_or_sequence_is_refused() {
    refuses(
        "trakt: abc\n",
        "trakt.client_id",
        "x",
        "1:8: `trakt` is a scalar, not a mapping",
    );
    refuses(
        "trakt:\n  - a\n",
        "trakt.client_id",
        "x",
        "2:3: `trakt` is a sequence, not a mapping",
    );
}

#[test]
fn a_value_keeps_its_type_unless_type_says_otherwise() {
    let file = "trakt:\n  authorization:\n    expires_in: 86400\n    created_at: '1754859088'\n  force_refresh: false\n";
    refuses(
        file,
        "trakt.authorization.expires_in",
        "soon",
        "holds an integer, and the new value is not one",
    );
    refuses(file, "trakt.force_refresh", "1", "holds a boolean");
    edits(
        file,
        "trakt.authorization.created_at",
        "1764200000",
        "trakt:\n  authorization:\n    expires_in: 86400\n    created_at: '1764200000'\n  force_refresh: false\n",
    );
    edits_with(
        file,
        "trakt.authorization.created_at",
        "1764200000",
        &["--type", "int"],
        "trakt:\n  authorization:\n    expires_in: 86400\n    created_at: 1764200000\n  force_refresh: false\n",
    );
    edits_with(
        file,
        "trakt.authorization.expires_in",
        "soon",
        &["--type", "string"],
        "trakt:\n  authorization:\n    expires_in: soon\n    created_at: '1754859088'\n  force_refresh: false\n",
    );
}

#[test]
fn redaction_leftovers_take_the_type_kometa_expects() {
    edits(
        "trakt:\n  authorization:\n    created_at: (redacted)\n",
        "trakt.authorization.created_at",
        "1764200000",
        "trakt:\n  authorization:\n    created_at: 1764200000\n",
    );
}

#[test]
fn setting_null_empties_the_value_and_keeps_the_comment() {
    edits_with(
        "trakt:\n  pin: '1234'  # one-time\n  x: y\n",
        "trakt.pin",
        "",
        &["--type", "null"],
        "trakt:\n  pin:   # one-time\n  x: y\n",
    );
    edits_with(
        "trakt:\n  pin: abc\n",
        "trakt.pin",
        "",
        &["--type", "null"],
        "trakt:\n  pin:\n",
    );
}

#[test]
fn unchanged_value_leaves_the_file_untouched() {
    edits(
        "trakt:\n  client_id:  \"abc\"  # same\n  expires_in: 0x10\n",
        "trakt.client_id",
        "abc",
        "trakt:\n  client_id:  \"abc\"  # same\n  expires_in: 0x10\n",
    );
    edits(
        "trakt:\n  expires_in: 0x10\n",
        "trakt.expires_in",
        "16",
        "trakt:\n  expires_in: 0x10\n",
    );
}

#[test]
fn key_is_added_after_a_value_ending_in_non_ascii() {
    edits(
        "trakt:\n  authorization:\n    scope: publicé\n",
        "trakt.authorization.created_at",
        "1",
        "trakt:\n  authorization:\n    scope: publicé\n    created_at: 1\n",
    );
}

#[test]
fn non_ascii_values_are_checked_for_plain_safety_by_character() {
    edits(
        "trakt:\n  client_id: a\n",
        "trakt.client_id",
        "D)=✓ä",
        "trakt:\n  client_id: D)=✓ä\n",
    );
    edits(
        "trakt:\n  client_id: a\n",
        "trakt.client_id",
        "0x✓",
        "trakt:\n  client_id: 0x✓\n",
    );
}

#[test]
fn keys_with_the_non_specific_tag_are_found_and_edited() {
    // Found by the property test: `!` is the non-specific tag (a string,
    // to ruamel.yaml too). Any other tag is refused: tagged_keys_are_refused.
    edits("! -:", "-", "x", "! -: x");
    refuses(
        "a: 1\n!foo b: 2\n",
        "b",
        "3",
        "2:6: key `b` is read as a tagged scalar",
    );
}

#[test]
fn a_value_after_a_tab_is_refused() {
    // Found by the property test: saphyr reads `k:\té` but not `k:\t0!`.
    refuses(
        "-,:\té",
        "-,",
        "0!",
        "1:5: `-,` is separated from its key by a tab",
    );
}

#[test]
fn no_key_is_added_to_a_mapping_with_explicit_keys() {
    // Found by fuzzing: `? ` keys make the insertion column ambiguous.
    refuses(
        "? ",
        "trakt.client_id",
        "x",
        "1:1: cannot add `trakt.client_id`: its mapping uses explicit (`? `) or empty keys",
    );
    refuses(
        "? a\n: 1\n",
        "trakt.client_id",
        "x",
        "its mapping uses explicit",
    );
    // Found by fuzzing: the explicit key on the line after its `?`.
    refuses(
        "?\n  true\n:",
        "trakt.client_id",
        "x",
        "1:1: cannot add `trakt.client_id`: its mapping uses explicit",
    );
}

#[test]
fn keys_are_added_at_the_column_of_an_anchored_first_key() {
    // Found by fuzzing: the column is where the key's `&anchor` starts.
    edits(
        "&a a: &b b",
        "trakt.client_id",
        "*b : *a",
        "&a a: &b b\ntrakt:\n  client_id: '*b : *a'",
    );
}

#[test]
fn no_key_is_added_to_a_mapping_with_a_complex_key() {
    // Found by fuzzing: a sequence as a key (`?` on the line before).
    refuses(
        "---\n?\n- a\n",
        "trakt.client_id",
        "x",
        "its mapping uses explicit (`? `) or empty keys",
    );
}

#[test]
fn no_key_is_added_after_a_block_scalar() {
    // Found by fuzzing: where a block scalar ends is ambiguous.
    refuses(
        "a: |\n ab\n ",
        "trakt.client_id",
        "x",
        "cannot add `trakt.client_id` after a block scalar",
    );
}

#[test]
fn bare_cr_line_breaks_are_refused() {
    // Found by fuzzing: a lone CR is a YAML line break our positions do not count.
    refuses(
        "\rnotop1: &nod",
        "trakt.client_id",
        "x",
        "1:1: the file has bare CR line breaks",
    );
}

#[test]
fn control_characters_are_refused() {
    // Found by fuzzing: a raw vertical tab, which YAML does not allow.
    refuses(
        "foo: 1\n \u{b}",
        "trakt.client_id",
        "x",
        "2:2: the file holds a control character",
    );
}
