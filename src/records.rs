//! CSV input read one record at a time, each with its true line and none longer than
//! [`MAX_ROW_BYTES`]: the reader under every CSV file a user hands picsim for checking (a world's
//! files, observations), so that every refusal names the right line and no record, however
//! crafted, is held whole past the cap.

use std::cell::RefCell;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

/// The longest record read, in bytes: far above any row of picsim's inputs (a world
/// organisation's deployment changes are the longest), low enough that one never costs much.
pub(crate) const MAX_ROW_BYTES: u64 = 1 << 20;

/// A CSV file read one record at a time, each with its true line: the CSV reader's own
/// line numbers are wrong after a blank line (the record after one is placed on the blank,
/// csv issue 208) and after a CRLF line end, so lines are counted here, on the bytes themselves.
/// A record that runs on for more than [`MAX_ROW_BYTES`] (an unclosed quote in a large file
/// would otherwise make one record of the whole file, held in memory at once) is refused.
pub(crate) struct Records<R: Read> {
    reader: csv::Reader<Capped<R>>,
    window: Rc<RefCell<Window>>,
}

/// The bytes the CSV reader has been given since the end of the last record it returned, with
/// the number of line ends before them.
#[derive(Default)]
struct Window {
    /// The bytes, from `head` on (those before are consumed, kept until compacted).
    bytes: Vec<u8>,
    head: usize,
    /// Offset in the file of `bytes[head]`.
    start: u64,
    /// Line ends (`\n`) in the file before `start`.
    lines: u64,
}

impl Window {
    /// Forgets the bytes before offset `to` (the end of a record), counting their line ends.
    fn advance(&mut self, to: u64) {
        let k = (to.saturating_sub(self.start) as usize).min(self.bytes.len() - self.head);
        let gone = &self.bytes[self.head..self.head + k];
        self.lines += memchr::memchr_iter(b'\n', gone).count() as u64;
        self.head += k;
        self.start += k as u64;
        // Compacted now and then, not on each record: a record is a few bytes.
        if self.head > (64 << 10) && self.head * 2 > self.bytes.len() {
            self.bytes.drain(..self.head);
            self.head = 0;
        }
    }

    /// The 1-based line of the next record: past the blank lines (only line ends) before it.
    fn next_line(&self) -> u64 {
        let ahead = &self.bytes[self.head..];
        let blank = ahead.iter().take_while(|&&b| b == b'\n' || b == b'\r');
        self.lines + blank.filter(|&&b| b == b'\n').count() as u64 + 1
    }
}

/// The input under a [`Records`] reader: what it reads goes into the window too, and reading
/// fails with [`RunOn`] once a record runs on for more than [`MAX_ROW_BYTES`].
struct Capped<R> {
    input: R,
    read: u64,
    window: Rc<RefCell<Window>>,
}

/// The error a [`Capped`] reader fails with.
#[derive(Debug, thiserror::Error)]
#[error("a row runs on for more than {} MiB (an unclosed quote?)", MAX_ROW_BYTES >> 20)]
struct RunOn;

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut window = self.window.borrow_mut();
        if self.read.saturating_sub(window.start) > MAX_ROW_BYTES {
            return Err(std::io::Error::other(RunOn));
        }
        // At most a little past the cap in one read, so the check above comes in time.
        let most = buf.len().min(64 << 10);
        let n = self.input.read(&mut buf[..most])?;
        window.bytes.extend_from_slice(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// What went wrong reading a record: its line, and the CSV reader's error.
pub(crate) type RecordError = (u64, csv::Error);

impl Records<std::fs::File> {
    /// The file `path` opened for reading.
    pub(crate) fn open(path: &Path) -> std::io::Result<Records<std::fs::File>> {
        Ok(Records::new(std::fs::File::open(path)?))
    }
}

impl<R: Read> Records<R> {
    /// Records read from `input`; the first is the header (blank lines before it are skipped,
    /// as everywhere).
    pub(crate) fn new(input: R) -> Records<R> {
        let window = Rc::new(RefCell::new(Window::default()));
        let capped = Capped {
            input,
            read: 0,
            window: Rc::clone(&window),
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(capped);
        Records { reader, window }
    }

    /// Reads the next record into `record`: its line, or `None` at the end of the file.
    pub(crate) fn next(
        &mut self,
        record: &mut csv::ByteRecord,
    ) -> Result<Option<u64>, RecordError> {
        let end = self.reader.position().byte();
        self.window.borrow_mut().advance(end);
        let read = self.reader.read_byte_record(record);
        let line = self.window.borrow().next_line();
        match read {
            Ok(true) => Ok(Some(line)),
            Ok(false) => Ok(None),
            Err(e) => Err((line, e)),
        }
    }
}

/// Whether `e` (from a [`Records`] reader) is a record that runs on too far.
pub(crate) fn is_run_on(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<RunOn>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_that_runs_on_is_stopped_near_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        let mut text = b"a,b\n\n\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', (MAX_ROW_BYTES * 3) as usize));
        std::fs::write(&p, &text).unwrap();
        let mut records = Records::open(&p).unwrap();
        let mut record = csv::ByteRecord::new();
        assert_eq!(records.next(&mut record).unwrap(), Some(1));
        let (line, e) = records.next(&mut record).unwrap_err();
        assert_eq!(line, 3);
        match e.kind() {
            csv::ErrorKind::Io(io) => assert!(is_run_on(io), "{io}"),
            other => panic!("{other:?}"),
        }
        assert!(record.as_slice().len() as u64 <= MAX_ROW_BYTES + (128 << 10));
    }

    #[test]
    fn records_know_their_lines_past_blank_lines_crlf_and_quoted_line_ends() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        // (text, the first cell of each record, which is its line)
        for text in [
            "1\n2\n\n\n5\n6\n",
            "\n2\r\n3\r\n\r\n\r\n6\r\n7",
            "1\n\"2\n\",x\n\n5\n6",
            "1\n\n\n\n5",
        ] {
            std::fs::write(&p, text).unwrap();
            let mut records = Records::open(&p).unwrap();
            let mut record = csv::ByteRecord::new();
            while let Some(line) = records.next(&mut record).unwrap() {
                let first = std::str::from_utf8(&record[0]).unwrap();
                assert_eq!(first.trim().to_string(), line.to_string(), "{text:?}");
            }
        }
    }
}
