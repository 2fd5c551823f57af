//! The collective operations ranks use ([`Comm`]), and the one-process communicator ([`Solo`]).

/// The collective operations the distributed algorithms use.
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
        let all = self.all_gather(encode_i64(data));
        data.iter_mut().for_each(|x| *x = 0);
        for buf in all {
            for (x, v) in data.iter_mut().zip(decode_i64(&buf)) {
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
        self.all_gather(value.to_le_bytes().to_vec())
            .iter()
            .map(|b| u64::from_le_bytes(b[..8].try_into().unwrap_or([0xff; 8])))
            .min()
            .unwrap_or(value)
    }

    /// Whether any rank's value is true.
    fn any(&self, value: bool) -> bool {
        self.all_gather(vec![u8::from(value)])
            .iter()
            .any(|b| b.first() == Some(&1))
    }
}

/// Little-endian bytes of `i64`s.
pub(crate) fn encode_i64(data: &[i64]) -> Vec<u8> {
    data.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The `i64`s of [`encode_i64`]'s bytes.
pub(crate) fn decode_i64(bytes: &[u8]) -> impl Iterator<Item = i64> + '_ {
    bytes
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
}

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
