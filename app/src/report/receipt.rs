//! A report's receipt code, as a one-stop desk writes a dossier's: `PA-7K3M-Q9`. Short enough to
//! read over the phone and type on a keypad, in letters and digits nobody confuses (no 0 and O,
//! no 1, I and L), and drawn at random: 31⁶, close to 900 million codes, so one cannot be
//! found by trying others. Whoever holds it follows the report at one address.

/// The letters and digits a code is made of.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// What every code starts with (phản ánh).
pub const PREFIX: &str = "PA";
const LETTERS: usize = 6;

/// A new code, drawn at random.
#[cfg(feature = "ssr")]
pub fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let letters: String = (0..LETTERS)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{PREFIX}-{}-{}", &letters[..4], &letters[4..])
}

/// The code someone typed or read out, written as it is stored: in capitals, with or without
/// its dashes, spaces or prefix (`pa 7k3m q9`, `7K3MQ9`). `None` if it cannot be a code.
pub fn read(typed: &str) -> Option<String> {
    let mut letters: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '.' | '_' | '\u{a0}'))
        .flat_map(char::to_uppercase)
        .collect();
    if letters.len() == LETTERS + PREFIX.len() && letters.starts_with(PREFIX) {
        letters.drain(..PREFIX.len());
    }
    let valid = letters.len() == LETTERS && letters.bytes().all(|b| ALPHABET.contains(&b));
    valid.then(|| format!("{PREFIX}-{}-{}", &letters[..4], &letters[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_read_however_it_is_written() {
        for typed in [
            "PA-7K3M-Q9",
            "pa-7k3m-q9",
            "PA 7K3M Q9",
            "7K3MQ9",
            " pa7k3mq9 ",
        ] {
            assert_eq!(read(typed).as_deref(), Some("PA-7K3M-Q9"), "{typed}");
        }
        // Letters that are not in codes, and lengths that are not a code's. (Six letters
        // alone are a code's, prefix or not: `PA-7K3M` is read as `PA-PA7K-3M`.)
        for typed in [
            "PA-7K3M-Q0",
            "PA-7K3M-QO",
            "PA-1K3M-Q9",
            "PA-7K3",
            "PA-7K3M-Q9X",
            "",
            "PA",
        ] {
            assert_eq!(read(typed), None, "{typed}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn new_codes_read_back_as_themselves_and_differ() {
        let codes: std::collections::BTreeSet<String> = (0..200).map(|_| new_code()).collect();
        assert_eq!(codes.len(), 200);
        for code in &codes {
            assert_eq!(read(code).as_ref(), Some(code));
        }
    }
}
