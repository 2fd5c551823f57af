//! The collective operations ranks use ([`Comm`]), typed over fixed-size records ([`Wire`],
//! [`Records`]), and the one-process communicator ([`Solo`]).
//!
//! A communicator moves bytes; callers move records. [`Wire`] says how one record is laid out on
//! the wire (its fields' little-endian bytes, in order, no padding), so that every caller shares
//! one encoding instead of packing and unpacking its own, and the bytes sent, which runs report
//! per rank, are those of the records and nothing more.

/// The collective operations the distributed algorithms use, on byte buffers: what a
/// communicator implements. Callers use the typed collectives of [`Records`].
pub trait Comm {
    /// This process's rank, `0..size`.
    fn rank(&self) -> usize;
    /// Number of ranks.
    fn size(&self) -> usize;
    /// Sends `send[r]` to rank `r` (for every `r`) and returns what every rank sent to this one,
    /// by source rank.
    fn all_to_all(&self, send: Vec<Vec<u8>>) -> Vec<Vec<u8>>;
    /// Every rank's buffer, by rank, on every rank.
    fn all_gather(&self, data: Vec<u8>) -> Vec<Vec<u8>>;
    /// Every rank's buffer, one after another in rank order, on every rank: [`Comm::all_gather`]
    /// in one buffer, which a communicator that receives into one buffer returns as it is
    /// (gathering every person's days, the copies would be the largest thing a rank holds).
    fn all_gather_flat(&self, data: Vec<u8>) -> Vec<u8> {
        self.all_gather(data).concat()
    }
    /// Bytes this rank has sent so far.
    fn bytes_sent(&self) -> u64;

    /// Every rank's buffer, by rank, on rank 0 (`None` elsewhere).
    fn gather(&self, data: Vec<u8>) -> Option<Vec<Vec<u8>>> {
        let size = self.size();
        let mut send = vec![Vec::new(); size];
        send[0] = data;
        let received = self.all_to_all(send);
        (self.rank() == 0).then_some(received)
    }

    /// Element-wise sum of every rank's `data`, on every rank.
    fn sum_i64(&self, data: &mut [i64]) {
        let all = self.all_gather_records(data);
        data.iter_mut().for_each(|x| *x = 0);
        for share in all {
            for (x, v) in data.iter_mut().zip(share) {
                *x += v;
            }
        }
    }

    /// Element-wise sum of unsigned counters.
    fn sum_u64(&self, data: &mut [u64]) {
        let mut signed: Vec<i64> = data.iter().map(|&x| x as i64).collect();
        self.sum_i64(&mut signed);
        data.iter_mut().zip(signed).for_each(|(x, v)| *x = v as u64);
    }

    /// The smallest of every rank's value.
    fn min_u64(&self, value: u64) -> u64 {
        self.all_gather_records(&[value])
            .iter()
            .filter_map(|share| share.first().copied())
            .min()
            .unwrap_or(value)
    }

    /// Whether any rank's value is true.
    fn any(&self, value: bool) -> bool {
        self.all_gather_records(&[value])
            .iter()
            .any(|share| share.first() == Some(&true))
    }
}

/// A fixed-size record as it travels between ranks: its fields' little-endian bytes, in order.
pub(crate) trait Wire: Copy {
    /// Bytes of one record on the wire.
    const SIZE: usize;
    /// Appends this record's bytes to `out`.
    fn put(self, out: &mut Vec<u8>);
    /// The record whose bytes are `bytes` (`SIZE` of them).
    fn take(bytes: &[u8]) -> Self;
}

macro_rules! wire_numbers {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn take(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().unwrap_or_default())
            }
        }
    )*};
}

wire_numbers!(i32, u32, i64, u64, f32, f64);

/// One byte, 1 for true.
impl Wire for bool {
    const SIZE: usize = 1;
    fn put(self, out: &mut Vec<u8>) {
        out.push(u8::from(self));
    }
    fn take(bytes: &[u8]) -> Self {
        bytes.first() == Some(&1)
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    const SIZE: usize = A::SIZE + B::SIZE;
    fn put(self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn take(bytes: &[u8]) -> Self {
        let (a, b) = bytes.split_at(A::SIZE);
        (A::take(a), B::take(b))
    }
}

impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    const SIZE: usize = A::SIZE + B::SIZE + C::SIZE;
    fn put(self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
        self.2.put(out);
    }
    fn take(bytes: &[u8]) -> Self {
        let (a, rest) = bytes.split_at(A::SIZE);
        let (b, c) = rest.split_at(B::SIZE);
        (A::take(a), B::take(b), C::take(c))
    }
}

/// The wire bytes of `records`, one after another.
pub(crate) fn encode<T: Wire>(records: &[T]) -> Vec<u8> {
    let mut out = Vec::with_capacity(records.len() * T::SIZE);
    for &r in records {
        r.put(&mut out);
    }
    out
}

/// The records of [`encode`]'s bytes (a trailing partial record, which no rank sends, is
/// dropped).
pub(crate) fn decode<T: Wire>(bytes: &[u8]) -> Vec<T> {
    bytes.chunks_exact(T::SIZE).map(T::take).collect()
}

/// The collectives of [`Comm`] over records instead of bytes, for every communicator. Each is
/// one collective of `Comm`, sending exactly the records' [`Wire`] bytes.
pub(crate) trait Records: Comm {
    /// Sends `send[r]` to rank `r` (for every `r`) and returns what every rank sent to this one,
    /// by source rank.
    fn all_to_all_records<T: Wire>(&self, send: &[Vec<T>]) -> Vec<Vec<T>> {
        let bytes = send.iter().map(|records| encode(records)).collect();
        self.all_to_all(bytes).iter().map(|b| decode(b)).collect()
    }

    /// Every rank's records, by rank, on every rank.
    fn all_gather_records<T: Wire>(&self, records: &[T]) -> Vec<Vec<T>> {
        self.all_gather(encode(records))
            .iter()
            .map(|b| decode(b))
            .collect()
    }

    /// Every rank's records, one rank's after another in rank order, on every rank.
    fn all_gather_flat_records<T: Wire>(&self, records: &[T]) -> Vec<T> {
        decode(&self.all_gather_flat(encode(records)))
    }

    /// Every rank's records, by rank, on rank 0 (`None` elsewhere).
    fn gather_records<T: Wire>(&self, records: &[T]) -> Option<Vec<Vec<T>>> {
        self.gather(encode(records))
            .map(|all| all.iter().map(|b| decode(b)).collect())
    }
}

impl<C: Comm + ?Sized> Records for C {}

/// One process: every collective is the identity.
#[derive(Debug, Default)]
pub(crate) struct Solo;

impl Comm for Solo {
    fn rank(&self) -> usize {
        0
    }
    fn size(&self) -> usize {
        1
    }
    fn all_to_all(&self, mut send: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        vec![send.pop().unwrap_or_default()]
    }
    fn all_gather(&self, data: Vec<u8>) -> Vec<Vec<u8>> {
        vec![data]
    }
    fn bytes_sent(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comm::local::LocalRanks;

    #[test]
    fn records_travel_as_their_fields_little_endian_bytes() {
        assert_eq!(
            encode(&[(1u64, 2u32)]),
            [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]
        );
        assert_eq!(encode(&[-2i32]), [0xfe, 0xff, 0xff, 0xff]);
        assert_eq!(encode(&[true, false]), [1, 0]);
        let relaxation = (7u32, 0.5f64, -1.25f64);
        let bytes = encode(&[relaxation]);
        assert_eq!(bytes.len(), 20);
        assert_eq!(bytes[..4], 7u32.to_le_bytes());
        assert_eq!(bytes[4..12], 0.5f64.to_le_bytes());
        assert_eq!(bytes[12..], (-1.25f64).to_le_bytes());
        assert_eq!(decode::<(u32, f64, f64)>(&bytes), vec![relaxation]);
        let stats = [(u64::MAX, 3u64), (0, 1 << 40)];
        assert_eq!(decode::<(u64, u64)>(&encode(&stats)), stats);
        // A trailing partial record is not a record.
        assert_eq!(decode::<u32>(&[1, 0, 0, 0, 9]), vec![1]);
    }

    #[test]
    fn typed_collectives_send_exactly_the_records_bytes() {
        let out = LocalRanks::run(3, |c| {
            let r = c.rank() as u32;
            let gathered = c.all_gather_records(&vec![(u64::from(r), r); c.rank()]);
            let send: Vec<Vec<(u32, f64, f64)>> = (0..3)
                .map(|to| vec![(r, f64::from(to), 0.5); to as usize])
                .collect();
            let exchanged = c.all_to_all_records(&send);
            let on_root = c.gather_records(&[(u64::from(r), 10 * u64::from(r))]);
            (gathered, exchanged, on_root, c.bytes_sent())
        });
        for (rank, (gathered, exchanged, on_root, sent)) in out.iter().enumerate() {
            let expected: Vec<Vec<(u64, u32)>> = (0..3)
                .map(|from| vec![(from as u64, from); from as usize])
                .collect();
            assert_eq!(gathered, &expected);
            let expected: Vec<Vec<(u32, f64, f64)>> = (0..3)
                .map(|from| vec![(from, rank as f64, 0.5); rank])
                .collect();
            assert_eq!(exchanged, &expected);
            assert_eq!(
                on_root,
                &(rank == 0).then(|| vec![vec![(0, 0)], vec![(1, 10)], vec![(2, 20)]])
            );
            // To each of the 2 other ranks: `rank` gathered records of 12 bytes, the exchange's
            // records of 20 bytes addressed to it, and, from ranks 1 and 2, one 16-byte record
            // for rank 0.
            let exchange: usize = (0..3).filter(|&to| to != rank).map(|to| 20 * to).sum();
            let root = if rank == 0 { 0 } else { 16 };
            assert_eq!(*sent, (2 * 12 * rank + exchange + root) as u64);
        }
    }
}
