//! Event streams of the two parsers, for comparing documents event by event
//! without building their trees: each parsed on a thread of its own and
//! handed over in batches (a verification reads three streams at once, and
//! the machine has more than one core: the thread that compares them only
//! compares, and builds the result's tree).

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

use saphyr_parser::{Event, Parser};

use super::source::Source;
use super::tree::SyntaxError;

/// A saphyr event with its byte span (`(0, 0)` when spans were not asked for).
pub(super) type Spanned<'a> = (Event<'a>, (usize, usize));

/// One step of a stream: an event, or the error that ends it.
pub(super) type Item<'a> = Result<Spanned<'a>, SyntaxError>;

/// Events per batch handed between threads, and batches in flight.
const BATCH: usize = 1024;
const IN_FLIGHT: usize = 8;

/// A stream of saphyr events, parsed on another thread.
pub(super) struct Saphyr<'a>(Batches<Item<'a>>);

impl<'a> Saphyr<'a> {
    /// The events of `text`, parsed on a thread of `scope`; with `spans`,
    /// each with its byte span.
    pub(super) fn away<'scope, 'env>(
        scope: &'scope Scope<'scope, 'env>,
        text: &'a str,
        spans: bool,
    ) -> Self
    where
        'a: 'scope,
    {
        let (tx, rx) = sync_channel(IN_FLIGHT);
        scope.spawn(move || {
            let src = Source::new(text);
            let mut send = Sender::new(tx);
            for event in Parser::new_from_str(text) {
                let item = match event {
                    Ok((event, span)) => {
                        let bytes = if spans {
                            (src.byte(span.start.index()), src.byte(span.end.index()))
                        } else {
                            (0, 0)
                        };
                        Ok((event, bytes))
                    }
                    Err(e) => Err(SyntaxError::from_scan(&src, &e)),
                };
                let last = item.is_err();
                if !send.push(item) || last {
                    break;
                }
            }
            send.flush();
        });
        Saphyr(Batches::new(rx))
    }

    /// A stream that has ended (its other thread released).
    pub(super) fn done() -> Self {
        Saphyr(Batches::done())
    }

    /// The next event; `None` after the stream's end or its error.
    pub(super) fn next(&mut self) -> Option<Item<'a>> {
        self.0.next()
    }
}

/// The yaml-rust2 events of `text` (without a BOM, which it does not
/// skip), parsed on a thread of `scope`; `Err` ends the stream.
pub(super) fn yaml_away<'scope, 'env, 'a>(
    scope: &'scope Scope<'scope, 'env>,
    text: &'a str,
) -> Batches<Result<yaml_rust2::Event, ()>>
where
    'a: 'scope,
{
    let (tx, rx) = sync_channel(IN_FLIGHT);
    scope.spawn(move || {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
        let mut send = Sender::new(tx);
        loop {
            let item = parser.next_token().map(|(event, _)| event).map_err(|_| ());
            let last = matches!(item, Err(()) | Ok(yaml_rust2::Event::StreamEnd));
            if !send.push(item) || last {
                break;
            }
        }
        send.flush();
    });
    Batches::new(rx)
}

/// Items handed over in batches from another thread.
pub(super) struct Batches<T> {
    rx: Receiver<Vec<T>>,
    batch: std::vec::IntoIter<T>,
}

impl<T> Batches<T> {
    /// A stream that has ended (its other thread released).
    pub(super) fn done() -> Self {
        Self::new(sync_channel(0).1)
    }

    fn new(rx: Receiver<Vec<T>>) -> Self {
        Batches {
            rx,
            batch: Vec::new().into_iter(),
        }
    }

    /// The next item; `None` once the other thread is done.
    pub(super) fn next(&mut self) -> Option<T> {
        loop {
            if let Some(item) = self.batch.next() {
                return Some(item);
            }
            self.batch = self.rx.recv().ok()?.into_iter();
        }
    }
}

/// Collects items into batches for a receiver, which may stop listening.
struct Sender<T> {
    tx: SyncSender<Vec<T>>,
    batch: Vec<T>,
}

impl<T> Sender<T> {
    fn new(tx: SyncSender<Vec<T>>) -> Self {
        Sender {
            tx,
            batch: Vec::with_capacity(BATCH),
        }
    }

    /// Queues `item`; false once the receiver is gone.
    fn push(&mut self, item: T) -> bool {
        self.batch.push(item);
        if self.batch.len() < BATCH {
            return true;
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.tx.send(full).is_ok()
    }

    /// Sends what is queued.
    fn flush(self) {
        if !self.batch.is_empty() {
            let _ = self.tx.send(self.batch);
        }
    }
}
