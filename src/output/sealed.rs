//! Files picsim writes for itself to read back later (a calibration's checkpoint, the finished
//! runs of an interrupted sweep or sensitivity analysis): a JSON object whose first line holds
//! the SHA-256 of the rest of the file, so that a damaged file (a flipped byte, a cut, an edit) is
//! known before anything in it is believed. A digest is no secret: whoever reads these files must
//! still check every value, since a crafted file can carry a digest of its own.

use super::manifest::sha256_hex;

/// The first line before the digest, and after it.
const OPEN: &[u8] = b"{\"sha256\":\"";
const CLOSE: &[u8] = b"\",\n";

/// What is wrong with a sealed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Unsealed {
    /// Its first line is not a digest line.
    #[error("its first line is not the digest picsim writes there")]
    NoDigest,
    /// The digest does not match the rest.
    #[error("its digest does not match its contents: the file is damaged")]
    Mismatch,
}

/// The file of the JSON object whose members (after the digest) are `members`: the text after
/// `{"sha256":"…",` up to and with the closing `}`, such as `"state":{…}}`.
pub(crate) fn seal(members: &[u8]) -> Vec<u8> {
    let mut out = OPEN.to_vec();
    out.extend(sha256_hex(members).as_bytes());
    out.extend_from_slice(CLOSE);
    out.extend_from_slice(members);
    out.push(b'\n');
    out
}

/// The members of a sealed file (whose whole text is then a JSON object to parse), once its
/// digest is checked.
pub(crate) fn unseal(bytes: &[u8]) -> Result<&[u8], Unsealed> {
    let after = bytes.strip_prefix(OPEN).ok_or(Unsealed::NoDigest)?;
    let (hex, after) = after.split_at_checked(64).ok_or(Unsealed::NoDigest)?;
    let members = after.strip_prefix(CLOSE).ok_or(Unsealed::NoDigest)?;
    let members = members.strip_suffix(b"\n").ok_or(Unsealed::NoDigest)?;
    if sha256_hex(members).as_bytes() == hex {
        Ok(members)
    } else {
        Err(Unsealed::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_reads_back_and_any_change_is_found() {
        let members = br#""state":{"a":[1,2.5]}}"#;
        let file = seal(members);
        let json: serde_json::Value = serde_json::from_slice(&file).unwrap();
        assert_eq!(json["state"]["a"][1], 2.5);
        assert_eq!(unseal(&file), Ok(&members[..]));
        // Every byte flipped, anywhere, is found.
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 0x20;
            assert!(unseal(&bad).is_err(), "byte {i}");
        }
        let mut cut = file[..file.len() - 3].to_vec();
        cut.push(b'\n');
        assert_eq!(unseal(&cut), Err(Unsealed::Mismatch));
        assert_eq!(unseal(b"{\"state\":1}\n"), Err(Unsealed::NoDigest));
        assert_eq!(unseal(b""), Err(Unsealed::NoDigest));
    }
}
