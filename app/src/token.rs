//! Random tokens and their hashes: what goes into a cookie or an email, and what the database keeps.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes as lowercase hex.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Digits in a one-time code.
pub const CODE_DIGITS: usize = 8;

/// An eight-digit one-time code, as people type it from an email or a text message.
pub fn one_time_code() -> String {
    let n = rand::rng().next_u32() % 100_000_000;
    format!("{n:08}")
}

pub fn sha256_hex(value: &str) -> String {
    sha256_hex_bytes(value.as_bytes())
}

/// The SHA-256 of `bytes` in lowercase hex (a stored file's name is its content's).
pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_differ() {
        let a = random_token(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token(32));
    }

    #[test]
    fn codes_have_eight_digits() {
        for _ in 0..100 {
            let code = one_time_code();
            assert_eq!(code.len(), CODE_DIGITS);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }
}
