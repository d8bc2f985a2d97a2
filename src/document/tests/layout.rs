//! The formatting data nodes carry equals what the edits found by scanning
//! the text before; the facts gathered for the whole stream (indentation
//! step, the root's layout) are the same whatever gets a tree; a root
//! entry parsed alone in its window gives the same tree.

use super::{corpus, oracle};
use crate::document::source::Source;
use crate::document::tree::{Kind, Node};
use crate::document::{Document, Parse};

fn check_node(name: &str, text: &str, node: &Node<'_>) {
    let t = &node.trivia;
    let at = format!("{name} @{}", node.start);
    assert_eq!(t.colon, oracle::after_colon(text, node), "{at}: colon");
    let line_end = oracle::line_end(text, node.end);
    assert_eq!(t.line_end, line_end, "{at}: line end");
    assert_eq!(
        t.bare,
        text[node.end..line_end].trim().is_empty(),
        "{at}: bare"
    );
    let sep = text[..node.prop_start].trim_end_matches([' ', '\t']).len();
    assert_eq!(t.sep, sep, "{at}: separator");
    assert_eq!(
        t.sep_tab,
        text[sep..node.prop_start].contains('\t'),
        "{at}: tab"
    );
    assert_eq!(
        t.text_sep,
        text[..node.start].trim_end_matches([' ', '\t']).len(),
        "{at}: text separator"
    );
    match &node.kind {
        Kind::Mapping {
            flow,
            entries,
            layout,
        } => {
            assert_eq!(
                layout.first_key,
                entries.first().map(|e| e.key.prop_start),
                "{at}: first"
            );
            assert_eq!(
                layout.explicit_keys,
                oracle::explicit(text, entries),
                "{at}: explicit"
            );
            assert_eq!(
                layout.ends_in_block_scalar,
                oracle::ends_in_block_scalar(node),
                "{at}: block scalar"
            );
            assert_eq!(layout.quote, oracle::sibling_quote(entries), "{at}: quote");
            let append = if *flow {
                entries
                    .last()
                    .map_or(node.start + 1, |last| oracle::entry_end(text, last))
            } else {
                let last = if text[..node.end].ends_with('\n') {
                    node.end - 1
                } else {
                    node.end
                };
                oracle::line_end(text, last.max(node.start))
            };
            assert_eq!(layout.append_at, append, "{at}: append");
            for e in entries {
                check_node(name, text, &e.key);
                check_node(name, text, &e.value);
            }
        }
        Kind::Sequence { items, .. } => items.iter().for_each(|i| check_node(name, text, i)),
        _ => {}
    }
}

#[test]
fn nodes_carry_the_formatting_the_text_shows() {
    let mut nodes = 0;
    for (name, text) in corpus() {
        let Ok(doc) = Document::parse(&text) else {
            continue;
        };
        for root in &doc.roots {
            check_node(&name, &text, root);
            nodes += 1;
        }
    }
    assert!(nodes > 300, "{nodes} documents");
}

#[test]
fn stream_facts_do_not_depend_on_the_trees_built() {
    for (name, text) in corpus() {
        let Ok(full) = Document::parse(&text) else {
            continue;
        };
        assert_eq!(
            full.indent_step,
            oracle::indent_step(&full),
            "{name}: indent step"
        );
        for keys in [&["trakt"][..], &[], &["libraries", "<<"]] {
            let part = Document::parse_with(&text, Parse::full().root_keys(keys)).unwrap();
            assert_eq!(
                part.indent_step, full.indent_step,
                "{name} {keys:?}: indent step"
            );
            let (Some(a), Some(b)) = (full.roots.first(), part.roots.first()) else {
                continue;
            };
            assert_eq!(a.layout(), b.layout(), "{name} {keys:?}: root layout");
            assert_eq!(
                (a.start, a.end),
                (b.start, b.end),
                "{name} {keys:?}: root span"
            );
            assert_eq!(a.trivia, b.trivia, "{name} {keys:?}: root trivia");
        }
    }
}

/// The same tree: kinds, texts, spans and formatting.
fn same_tree(name: &str, a: &Node<'_>, b: &Node<'_>) {
    assert_eq!(
        (
            a.start,
            a.end,
            a.prop_start,
            a.trivia,
            a.tag.as_deref(),
            a.anchor != 0
        ),
        (
            b.start,
            b.end,
            b.prop_start,
            b.trivia,
            b.tag.as_deref(),
            b.anchor != 0
        ),
        "{name}: node at {}",
        a.start
    );
    match (&a.kind, &b.kind) {
        (Kind::Scalar { value: x, style: s }, Kind::Scalar { value: y, style: t }) => {
            assert_eq!((x, s), (y, t), "{name}: scalar at {}", a.start)
        }
        (
            Kind::Mapping {
                entries: x,
                layout: l,
                ..
            },
            Kind::Mapping {
                entries: y,
                layout: m,
                ..
            },
        ) => {
            assert_eq!(l, m, "{name}: layout at {}", a.start);
            assert_eq!(x.len(), y.len(), "{name}: entries at {}", a.start);
            for (e, f) in x.iter().zip(y) {
                same_tree(name, &e.key, &f.key);
                same_tree(name, &e.value, &f.value);
            }
        }
        (Kind::Sequence { items: x, .. }, Kind::Sequence { items: y, .. }) => {
            assert_eq!(x.len(), y.len(), "{name}: items at {}", a.start);
            x.iter().zip(y).for_each(|(p, q)| same_tree(name, p, q));
        }
        (Kind::Alias(_), Kind::Alias(_)) => {}
        _ => panic!("{name}: kinds differ at {}", a.start),
    }
}

#[test]
fn a_root_entry_parsed_alone_is_the_same_tree() {
    let mut windows = 0;
    for (name, text) in corpus() {
        let Ok(full) = Document::parse(&text) else {
            continue;
        };
        let Some(entries) = full.roots.first().and_then(Node::entries) else {
            continue;
        };
        for (entry, window) in entries.iter().zip(&full.windows) {
            let Some(window) = window else { continue };
            let Ok(alone) =
                Document::parse_source(Source::window(&text, window.clone()), Parse::full())
            else {
                // An alias to an anchor outside the window: planned on a
                // parse of the whole text instead.
                continue;
            };
            let Some(one) = alone.roots.first().and_then(Node::entries) else {
                panic!("{name}: window is no mapping");
            };
            assert_eq!(one.len(), 1, "{name}: window {window:?} holds one entry");
            same_tree(&name, &entry.key, &one[0].key);
            same_tree(&name, &entry.value, &one[0].value);
            windows += 1;
        }
    }
    assert!(windows > 200, "{windows} windows");
}

/// Where a line starts, found from the byte back, is where the table of
/// lines `pos` reads says: the column of every character, in whole texts
/// (BOM, CRLF) and in root entries' windows.
#[test]
fn a_line_found_from_the_byte_back_is_the_tables_line() {
    let same = |name: &str, src: &Source<'_>, range: std::ops::Range<usize>| {
        for (b, _) in src.text[range.clone()].char_indices() {
            let byte = range.start + b;
            assert_eq!(
                src.column(byte) + 1,
                src.pos(byte).col,
                "{name} @{byte} in {range:?}"
            );
        }
    };
    let mut extra = vec![
        (
            "bom".to_string(),
            "\u{feff}a: 1\r\nb:\r\n  c: é\r\n".to_string(),
        ),
        ("no break".to_string(), "\u{feff}key".to_string()),
    ];
    extra.extend(corpus());
    for (name, text) in extra {
        same(&name, &Source::new(&text), 0..text.len());
        let Ok(full) = Document::parse(&text) else {
            continue;
        };
        for window in full.windows.iter().flatten() {
            same(
                &name,
                &Source::window(&text, window.clone()),
                window.clone(),
            );
        }
    }
}
