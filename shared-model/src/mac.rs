//! The one keyed hash behind everything the server derives from a secret: pickup codes,
//! tasting check-in codes, sealed session cookies and the SMS gateway's signature. Each
//! use keeps its own message layout; a use that could collide with another's message
//! starts it with a domain label.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256 under `key` of the concatenation of `parts`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// A tag reduced to a 6-digit code, 000000..=999999 (leading zeros kept): its first
/// eight bytes, big-endian, modulo a million.
pub fn six_digits(tag: &[u8; 32]) -> String {
    let mut first = [0u8; 8];
    first.copy_from_slice(&tag[..8]);
    format!("{:06}", u64::from_be_bytes(first) % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2 (a key shorter than the block, message in two parts).
    #[test]
    fn matches_rfc_4231() {
        let tag = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex::encode(tag), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn six_digits_keep_leading_zeros() {
        let mut tag = [0u8; 32];
        tag[7] = 7;
        assert_eq!(six_digits(&tag), "000007");
        assert_eq!(six_digits(&[0xff; 32]), format!("{:06}", u64::MAX % 1_000_000));
    }
}
