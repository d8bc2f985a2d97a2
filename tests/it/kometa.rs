//! Each rule's severity is what Kometa 2.4.4 does with such a value: one row
//! per rule names the reference line that decides it, the fixture that
//! triggers it and the severity that follows. The fixtures' exact outputs
//! are checked by tests/check_rules.rs; here, that each shows its rule at
//! that severity, and (beside our workspace, where Kometa's code is) that
//! the named line says what the row claims.

use std::fs;

use crate::support;
use crate::support::fixture;

/// (rule, fixture, severity, reference file:line, text on that line).
const DECIDED_BY: &[(&str, &str, &str, &str, &str)] = &[
    (
        "yaml-tab",
        "yaml-tab",
        "error",
        "modules/request.py:283",
        "Tabs are not allowed in YAML files",
    ),
    (
        "trakt-not-mapping",
        "trakt-not-mapping",
        "error",
        "modules/config.py:531",
        "yaml.data[parent] = {attribute: default}",
    ),
    (
        "missing-credential",
        "missing-credential",
        "error",
        "modules/config.py:545",
        "is blank",
    ),
    (
        "credential-format",
        "credential-format",
        "warning",
        "modules/trakt.py:160",
        "\"trakt-api-key\": self.client_id",
    ),
    (
        "redacted-value",
        "redacted-value",
        "error",
        "modules/trakt.py:174",
        "\"client_secret\": self.client_secret",
    ),
    (
        "template-placeholder",
        "template-placeholder",
        "warning",
        "modules/config.py:487",
        "if f\"<<{test}>>\" in str(next_data)",
    ),
    (
        "placeholder-spelling",
        "placeholder-spelling",
        "error",
        "modules/config.py:489",
        "if str(next_data).startswith(\"<<\") and str(next_data).endswith(\">>\")",
    ),
    (
        "tagged-value",
        "tagged-value",
        "error",
        "modules/trakt.py:160",
        "headers = {\"Content-Type\": \"application/json\"",
    ),
    (
        "pin-type",
        "pin-type",
        "error",
        "modules/trakt.py:149",
        "json_data = {\"code\": pin",
    ),
    (
        "pin-type",
        "pin-type-with-tokens",
        "warning",
        "modules/trakt.py:63",
        "if self.force_refresh is True or not self._save(self.authorization)",
    ),
    (
        "force-refresh-type",
        "force-refresh-type",
        "warning",
        "modules/trakt.py:63",
        "self.force_refresh is True",
    ),
    (
        "authorization-type",
        "authorization-type",
        "error",
        "modules/trakt.py:159",
        "authorization[\"access_token\"]",
    ),
    (
        "not-authorized",
        "not-authorized",
        "error",
        "modules/trakt.py:144",
        "pin = util.logger_input(\"Trakt pin (case insensitive)\", timeout=300).strip()",
    ),
    (
        "not-authorized",
        "not-authorized-with-pin",
        "warning",
        "modules/trakt.py:136",
        "if self.pin:",
    ),
    (
        "authorization-partial",
        "authorization-partial-no-access-token",
        "error",
        "modules/trakt.py:159",
        "authorization[\"access_token\"]",
    ),
    (
        "authorization-partial",
        "authorization-partial",
        "error",
        "modules/trakt.py:172",
        "self.authorization[\"refresh_token\"]",
    ),
    (
        "authorization-incomplete",
        "authorization-incomplete",
        "warning",
        "modules/trakt.py:162",
        "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)",
    ),
    (
        "token-type",
        "token-type",
        "warning",
        "modules/trakt.py:160",
        "\"Authorization\": f\"Bearer {token}\"",
    ),
    (
        "number-type",
        "number-type",
        "warning",
        "modules/trakt.py:162",
        "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)",
    ),
    (
        "quoted-number",
        "quoted-number",
        "warning",
        "modules/trakt.py:189",
        "\"expires_in\": authorization[\"expires_in\"]",
    ),
    (
        "created-in-future",
        "created-in-future",
        "warning",
        "modules/trakt.py:162",
        "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)",
    ),
    (
        "token-expired",
        "token-expired",
        "warning",
        "modules/trakt.py:63",
        "not self._save(self.authorization)",
    ),
    (
        "token-expiring",
        "token-expiring",
        "warning",
        "modules/trakt.py:63",
        "not self._save(self.authorization)",
    ),
    (
        "unknown-key",
        "unknown-key",
        "warning",
        "modules/config.py:931",
        "check_for_attribute(self.data, \"client_id\", parent=\"trakt\", throw=True)",
    ),
    (
        "kometa-will-rewrite",
        "kometa-will-rewrite",
        "warning",
        "modules/config.py:533",
        "yaml.data[parent][attribute] = default",
    ),
    (
        "value-type",
        "value-type-credential",
        "error",
        "modules/trakt.py:160",
        "\"trakt-api-key\": self.client_id",
    ),
    (
        "value-type",
        "value-type",
        "warning",
        "modules/trakt.py:191",
        "\"scope\": authorization[\"scope\"]",
    ),
];

#[test]
fn every_kometa_decided_rule_shows_its_severity_on_its_fixture() {
    for (rule, name, severity, reference, _) in DECIDED_BY {
        let out = fs::read_to_string(fixture("check").join(format!("{name}.out")))
            .unwrap_or_else(|e| panic!("{name}.out: {e}"));
        assert!(
            out.contains(&format!(": {severity}[{rule}]: ")),
            "{name}: {severity}[{rule}] (decided by {reference}) is not in\n{out}"
        );
    }
}

#[test]
#[ignore = "needs the maintainers' copy of Kometa 2.4.4's source, not distributed"]
fn workspace_reference_lines_say_what_each_row_claims() {
    let root = support::shared("reference/kometa-2.4.4");
    for (rule, _, _, reference, text) in DECIDED_BY {
        let (file, line) = reference.split_once(':').unwrap();
        let line: usize = line.parse().unwrap();
        let source = fs::read_to_string(root.join(file)).unwrap();
        let found = source.lines().nth(line - 1).unwrap_or_default();
        assert!(
            found.contains(text),
            "{rule}: {reference} is `{}`, not `{text}`",
            found.trim()
        );
    }
}
