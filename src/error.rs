//! The outcome of a command as an exit code and a message, printed in one place.

/// Exit codes, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success; nothing wrong or nothing to do.
    Ok = 0,
    /// Findings, or with `--check`: a change would be made.
    Findings = 1,
    /// Cannot run: bad arguments, unreadable or unparseable file, unwritable file.
    Usage = 2,
    /// The Trakt authorization is dead: authorize again.
    Dead = 3,
    /// A temporary failure (network, rate limit, Trakt 5xx): retry later.
    Temporary = 4,
}

/// A failed command: its exit code and what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl From<crate::trakt::TraktError> for Failure {
    fn from(e: crate::trakt::TraktError) -> Self {
        use crate::trakt::Class;
        let exit = match e.class {
            Class::Usage => Exit::Usage,
            Class::Dead => Exit::Dead,
            Class::Temporary => Exit::Temporary,
        };
        Failure {
            exit,
            message: e.message,
        }
    }
}

impl Failure {
    /// A failure that means the command could not run (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Usage,
            message: message.into(),
        }
    }
}

/// An I/O error in words, without Rust's `(os error N)` suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
