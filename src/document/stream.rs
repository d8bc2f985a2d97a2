//! A document read node by node from the parser's events, without a tree:
//! for comparing two large files in the memory of their texts. Each text is
//! parsed on a thread of its own and handed over in batches.

use std::borrow::Cow;
use std::thread::Scope;

use saphyr_parser::Event;

use super::events::Saphyr;
use super::scalar::Style;
use super::tree::MAX_DEPTH;

/// One piece of a node, in document order.
#[derive(Debug, PartialEq)]
pub(crate) enum Piece<'a> {
    /// A scalar with its tag as written (`!secret`, `tag:yaml.org,2002:str`).
    Scalar {
        value: Cow<'a, str>,
        style: Style,
        tag: Option<String>,
    },
    /// A mapping or a sequence opens; its pieces follow until its `Close`.
    Open {
        mapping: bool,
        tag: Option<String>,
    },
    Close,
    /// An alias, or a node with an anchor: what a reading without trees
    /// cannot follow.
    Anchored,
}

/// The pieces of a text's documents, one after the other.
pub(crate) struct Pieces<'a> {
    events: Saphyr<'a>,
    failed: bool,
    /// How many collections are open (a tree refuses [`MAX_DEPTH`]).
    depth: usize,
}

/// The text did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unparsed;

impl<'a> Pieces<'a> {
    /// The pieces of `text`, parsed on a thread of `scope`.
    pub(crate) fn away<'scope, 'env>(scope: &'scope Scope<'scope, 'env>, text: &'a str) -> Self
    where
        'a: 'scope,
    {
        Pieces {
            events: Saphyr::away(scope, text, false),
            failed: false,
            depth: 0,
        }
    }

    /// The next piece; `None` at the end of the stream (then `Err`).
    pub(crate) fn next(&mut self) -> Result<Option<Piece<'a>>, Unparsed> {
        let tag =
            |t: Option<Cow<'_, saphyr_parser::Tag>>| t.map(|t| format!("{}{}", t.handle, t.suffix));
        if self.failed {
            return Err(Unparsed);
        }
        loop {
            // The stream ends with its end event, or it did not parse.
            let Some(item) = self.events.next() else {
                self.failed = true;
                return Err(Unparsed);
            };
            let Ok((event, _)) = item else {
                self.failed = true;
                return Err(Unparsed);
            };
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) if self.depth >= MAX_DEPTH => {
                    self.failed = true;
                    return Err(Unparsed);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => self.depth += 1,
                Event::MappingEnd | Event::SequenceEnd => self.depth -= 1,
                _ => {}
            }
            return Ok(Some(match event {
                Event::Alias(_)
                | Event::Scalar(_, _, 1.., _)
                | Event::MappingStart(1.., _)
                | Event::SequenceStart(1.., _) => Piece::Anchored,
                Event::Scalar(value, style, _, t) => Piece::Scalar {
                    value,
                    style: Style::from_parser(style),
                    tag: tag(t),
                },
                Event::MappingStart(_, t) => Piece::Open {
                    mapping: true,
                    tag: tag(t),
                },
                Event::SequenceStart(_, t) => Piece::Open {
                    mapping: false,
                    tag: tag(t),
                },
                Event::MappingEnd | Event::SequenceEnd => Piece::Close,
                Event::StreamEnd => {
                    self.failed = true;
                    return Ok(None);
                }
                _ => continue,
            }));
        }
    }

    /// Whether the stream ends here (it parses to its end and holds no
    /// other document).
    pub(crate) fn ends(mut self) -> bool {
        matches!(self.next(), Ok(None))
    }
}
