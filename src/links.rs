//! The addresses users are sent to, each in one place.

/// Trakt's page for API apps (the address Trakt's OAuth guide gives since
/// October 2026): where a client id (and, for older apps, a secret) is.
pub(crate) const APP_PAGE: &str = "https://app.trakt.tv/settings/apps/api";

/// The Kometa Utilities page, where most Kometa users authorize (with
/// Kometa's own app or theirs) and copy a block to paste into config.yml.
pub(crate) const UTILITIES: &str = "https://utilities.kometa.wiki/trakt-oauth/";
