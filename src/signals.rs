//! Holding the stop signals (SIGTERM, SIGINT, SIGHUP: `docker stop`,
//! `timeout`, systemd, Ctrl-C) while something that cannot be asked for
//! again is in flight: from sending a request that spends a refresh token,
//! a PIN or a device code until its answer is saved, and while a config is
//! rewritten in place. A held signal stays pending; whoever holds it asks
//! whether one came and ends the process with 128 + its number once the
//! answer is safe.
//!
//! Signals are blocked per thread, but a process-directed signal goes to
//! any thread that does not block it. So every thread other than the main
//! one is started with the stop signals blocked ([`blocked`]), and the main
//! thread blocks them only while it holds ([`Hold`]): outside a hold, a
//! stop signal ends the process as it always does.

/// The signals a stop request arrives as.
#[cfg(unix)]
const STOPS: [i32; 3] = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP];

/// Runs `f` with the stop signals blocked in the calling thread, so that
/// the threads it starts are born blocking them (they never hold a stop
/// signal up: the main thread takes it, or it stays pending).
pub(crate) fn blocked<T>(f: impl FnOnce() -> T) -> T {
    let hold = Hold::begin();
    let value = f();
    // A signal that came meanwhile is not ours to take: leave it pending,
    // so that unblocking delivers it as usual.
    drop(hold);
    value
}

/// A stop signal that came and waits, held (it stays pending).
pub(crate) fn pending() -> Option<i32> {
    platform::pending()
}

/// The stop signals held in the main thread until dropped or ended.
#[must_use = "the signals are held until this is dropped"]
pub(crate) struct Hold {
    #[cfg(unix)]
    previous: libc::sigset_t,
}

impl Hold {
    /// Starts holding the stop signals in this thread.
    pub(crate) fn begin() -> Hold {
        platform::begin()
    }

    /// Stops holding: a stop signal that came meanwhile is taken (not
    /// delivered) and returned, for the caller to end the process with
    /// 128 + its number once its work is safe.
    pub(crate) fn end(self) -> Option<i32> {
        let taken = platform::take();
        drop(self);
        taken
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        platform::restore(self);
    }
}

#[cfg(unix)]
#[allow(unsafe_code)]
mod platform {
    use std::mem::MaybeUninit;

    use super::{Hold, STOPS};

    fn stops() -> libc::sigset_t {
        // SAFETY: sigemptyset initialises the set; sigaddset only adds
        // valid signal numbers to it.
        unsafe {
            let mut set = MaybeUninit::<libc::sigset_t>::uninit();
            libc::sigemptyset(set.as_mut_ptr());
            let mut set = set.assume_init();
            for sig in STOPS {
                libc::sigaddset(&mut set, sig);
            }
            set
        }
    }

    pub(super) fn begin() -> Hold {
        let set = stops();
        // SAFETY: both pointers are to valid sigset_t values; the old mask
        // is written before it is read.
        unsafe {
            let mut previous = MaybeUninit::<libc::sigset_t>::uninit();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, previous.as_mut_ptr());
            Hold {
                previous: previous.assume_init(),
            }
        }
    }

    pub(super) fn pending() -> Option<i32> {
        // SAFETY: sigpending fills a valid sigset_t; sigismember reads it.
        unsafe {
            let mut set = MaybeUninit::<libc::sigset_t>::uninit();
            libc::sigemptyset(set.as_mut_ptr());
            let mut set = set.assume_init();
            libc::sigpending(&mut set);
            STOPS
                .into_iter()
                .find(|&sig| libc::sigismember(&set, sig) == 1)
        }
    }

    pub(super) fn take() -> Option<i32> {
        let set = stops();
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a valid set and timeout; no siginfo is asked for.
        let sig = unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &zero) };
        (sig > 0).then_some(sig)
    }

    pub(super) fn restore(hold: &Hold) {
        // SAFETY: the mask saved by `begin` is a valid sigset_t.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &hold.previous, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
mod platform {
    use super::Hold;

    pub(super) fn begin() -> Hold {
        Hold {}
    }

    pub(super) fn pending() -> Option<i32> {
        None
    }

    pub(super) fn take() -> Option<i32> {
        None
    }

    pub(super) fn restore(_hold: &Hold) {}
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_held_signal_waits_and_is_taken_at_the_end() {
        let hold = Hold::begin();
        assert_eq!(pending(), None);
        // SAFETY: raising SIGHUP for this thread, which blocks it.
        #[allow(unsafe_code)]
        unsafe {
            libc::pthread_kill(libc::pthread_self(), libc::SIGHUP);
        }
        assert_eq!(pending(), Some(libc::SIGHUP));
        assert_eq!(hold.end(), Some(libc::SIGHUP));
        assert_eq!(Hold::begin().end(), None, "taken, so no longer pending");
    }
}
