//! The byte streams under the XML parser: [`Capped`] stops an archive entry that inflates past its
//! limit, and [`Counting`] knows the line and column of what the parser has consumed and stops a
//! piece of XML (a tag, a text, a comment) that grows past its limit. Both stop *while* reading,
//! before the bytes past the limit are handed on, so that no buffer grows with a bomb.
//!
//! A stop travels up through the parser as an [`std::io::Error`] holding a [`Stop`], which the
//! reader (`lync`) turns back into a refusal at the position it happened.

use super::limits::Limit;
use std::io::{BufRead, Read};

/// Why a stream stopped, where the reader can tell it from the parser's own errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Stop {
    /// A limit was passed; `at` is where the piece that passed it began, if it is one.
    #[error("a limit was passed")]
    Limit {
        limit: Limit,
        at: Option<(u64, u64)>,
    },
    /// Bytes that are not text in the file's encoding (named), at the position reached.
    #[error("not {0} text")]
    Encoding(String),
}

impl Stop {
    /// As an I/O error, for the parser to pass on.
    pub(crate) fn io(self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, self)
    }

    /// The stop inside an I/O error, if that is what it holds.
    pub(crate) fn of(e: &std::io::Error) -> Option<&Stop> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Stop>())
    }
}

/// A reader that refuses to hand out more than `limit` bytes: an archive entry stops at its
/// inflate limit, however small it says it is.
pub(crate) struct Capped<R> {
    pub(crate) inner: R,
    /// Bytes handed out so far.
    pub(crate) total: u64,
    pub(crate) limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let room = self.limit - self.total.min(self.limit);
        if room == 0 {
            // Every byte up to the limit is handed out; one more is a refusal, where it stands.
            let n = self.inner.read(&mut [0u8; 1])?;
            if n > 0 {
                return Err(Stop::Limit {
                    limit: Limit::Inflated,
                    at: None,
                }
                .io());
            }
            return Ok(0);
        }
        let want = out.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut out[..want])?;
        self.total += n as u64;
        Ok(n)
    }
}

/// A reader that knows the line and column of what quick-xml has consumed, and where the last
/// `<` it consumed stood: an element's start. (quick-xml consumes a `<` with the text before it,
/// so the position before an event is not always the event's; and neither text nor attribute
/// values may hold a raw `<`, so the last one consumed is the element's own.)
///
/// It also counts the bytes of the piece being read (reset by the reader after each event) and
/// refuses to hand out more once they pass `max_piece`: quick-xml gathers a whole tag, text or
/// comment into one buffer, which would otherwise grow as long as the piece is.
pub(crate) struct Counting<R> {
    pub(crate) inner: R,
    pub(crate) line: u64,
    pub(crate) column: u64,
    pub(crate) tag: (u64, u64),
    /// Bytes consumed since the piece began, and where it began.
    piece: u64,
    piece_at: (u64, u64),
    max_piece: u64,
}

impl<R: BufRead> Counting<R> {
    pub(crate) fn new(inner: R, max_piece: u64) -> Self {
        Counting {
            inner,
            line: 1,
            column: 1,
            tag: (1, 1),
            piece: 0,
            piece_at: (1, 1),
            max_piece,
        }
    }

    /// Where the piece being read began.
    pub(crate) fn piece_at(&self) -> (u64, u64) {
        self.piece_at
    }

    /// The piece just read, if it is longer than the limit: where it began. (The stream stops
    /// a piece that needs more input once it is past the limit; one that came whole in a
    /// buffer is caught here.)
    pub(crate) fn piece_too_long(&self) -> Option<(u64, u64)> {
        (self.piece > self.max_piece).then_some(self.piece_at)
    }

    /// Starts a new piece here (after an event): at the `<` just consumed, if the last event
    /// (a text) ended by consuming it.
    pub(crate) fn next_piece(&mut self) {
        self.piece = 0;
        let here = (self.line, self.column);
        self.piece_at = if self.tag == (here.0, here.1.saturating_sub(1)) {
            self.tag
        } else {
            here
        };
    }
}

/// `Read::read` for a buffered reader, through its own buffer (quick-xml only calls `fill_buf`
/// and `consume`; `Read` is required of a `BufRead`).
pub(crate) fn read_buffered(r: &mut impl BufRead, out: &mut [u8]) -> std::io::Result<usize> {
    let n = {
        let buf = r.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        n
    };
    r.consume(n);
    Ok(n)
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        read_buffered(self, out)
    }
}

/// The line and column just after `bytes`, read from `(line, column)`.
pub(crate) fn after((line, column): (u64, u64), bytes: &[u8]) -> (u64, u64) {
    // A column counts characters: UTF-8 continuation bytes are not new ones.
    let chars = |b: &[u8]| b.iter().filter(|&&c| c & 0xC0 != 0x80).count() as u64;
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => {
            let lines = memchr::memchr_iter(b'\n', bytes).count() as u64;
            (line + lines, 1 + chars(&bytes[last + 1..]))
        }
        None => (line, column + chars(bytes)),
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.piece > self.max_piece {
            return Err(Stop::Limit {
                limit: Limit::Piece,
                at: Some(self.piece_at),
            }
            .io());
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        // Whole slices at a time (quick-xml consumes a tag or a text at once), so the counts
        // are simple loops the compiler vectorises.
        if let Ok(buf) = self.inner.fill_buf() {
            let chunk = &buf[..n.min(buf.len())];
            let here = (self.line, self.column);
            let moved = after(here, chunk);
            let tag = memchr::memrchr(b'<', chunk).map(|p| after(here, &chunk[..p]));
            if let Some(tag) = tag {
                self.tag = tag;
            }
            (self.line, self.column) = moved;
        }
        self.piece += n as u64;
        self.inner.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_reader_hands_out_the_limit_and_stops_past_it() {
        let mut exact = Capped {
            inner: &[7u8; 10][..],
            total: 0,
            limit: 10,
        };
        let mut all = Vec::new();
        exact.read_to_end(&mut all).unwrap();
        assert_eq!(all.len(), 10);
        let mut over = Capped {
            inner: &[7u8; 11][..],
            total: 0,
            limit: 10,
        };
        let e = over.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(
            Stop::of(&e),
            Some(&Stop::Limit {
                limit: Limit::Inflated,
                at: None
            })
        );
    }

    #[test]
    fn a_piece_past_its_limit_stops_the_stream_where_it_began() {
        let text = b"ab\ncd".repeat(10);
        let mut c = Counting::new(&text[..], 8);
        c.consume(3);
        c.next_piece();
        let mut out = [0u8; 4];
        c.read_exact(&mut out).unwrap();
        c.read_exact(&mut out).unwrap();
        let _ = c.read(&mut out[..1]).unwrap();
        let e = c.fill_buf().unwrap_err();
        assert_eq!(
            Stop::of(&e),
            Some(&Stop::Limit {
                limit: Limit::Piece,
                at: Some((2, 1))
            })
        );
    }
}
