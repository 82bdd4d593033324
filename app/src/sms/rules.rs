//! Phone numbers and what a gateway's answer means, as plain functions.

use crate::error::FieldError;

/// A Vietnamese mobile number in its international form (`+84912345678`), however it was
/// written: `0912 345 678`, `+84 912 345 678`, `84-912-345-678` and `(091) 234.5678` are one
/// number. Mobile numbers have nine digits after the country code, the first of them 3, 5, 7, 8
/// or 9 (the networks' prefixes since 2018).
pub fn normalise_phone(raw: &str) -> Result<String, FieldError> {
    let invalid = || FieldError::new("phone", "error.phone_invalid");
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new("phone", "error.phone_required"));
    }
    let plus = trimmed.starts_with('+');
    let mut digits = String::with_capacity(trimmed.len());
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => return Err(invalid()),
        }
    }
    let national: &str = if let Some(rest) = digits.strip_prefix("0084") {
        rest
    } else if plus {
        // Another country's number cannot be sent to by these (Vietnamese) gateways.
        match digits.strip_prefix("84") {
            Some(rest) => rest,
            None => return Err(invalid()),
        }
    } else if digits.starts_with("84") && matches!(digits.len(), 11 | 12) {
        &digits[2..]
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest
    } else {
        &digits
    };
    let national = national.strip_prefix('0').unwrap_or(national);
    if national.len() != 9 || !matches!(national.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9') {
        return Err(invalid());
    }
    Ok(format!("+84{national}"))
}

/// A number as people in Vietnam write it: `0912 345 678`.
pub fn display_phone(international: &str) -> String {
    match international.strip_prefix("+84") {
        Some(n) if n.len() == 9 && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("0{} {} {}", &n[..3], &n[3..6], &n[6..])
        }
        _ => international.to_owned(),
    }
}

/// The number with all but its last three digits hidden, for a page that must not show it.
pub fn masked_phone(international: &str) -> String {
    let shown = display_phone(international);
    let keep = 3;
    let digits = shown.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    shown
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen <= digits - keep && seen > 1 {
                    '•'
                } else {
                    c
                }
            } else {
                c
            }
        })
        .collect()
}

/// What to do with a message after the gateway answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The gateway took it (its id, if it gave one).
    Sent(Option<String>),
    /// Try again later: the connection failed, or the gateway is unwell, and its answer (if it
    /// took the message after all) was lost: tried again under the same request id, which the
    /// gateway recognises (`124`) if it did.
    Retry(String),
    /// The gateway answered and did not take it: tried again later, under a new request id (the
    /// gateway remembers the ids it has seen, and would call the next try one it took). If an
    /// earlier try under the old id went unanswered and was taken after all, the message may
    /// arrive twice: a text arriving twice is the lesser harm than one that never arrives.
    Refused(String),
    /// The sender's account cannot send (its keys, balance, brand name, template, an address it
    /// does not know): nothing is wrong with the message, which waits, its tries not counted,
    /// until staff fix the account.
    Wait(String),
    /// This message can never be sent (the number is blocked or not a number the networks know).
    GiveUp(String),
}

/// What eSMS's answer to "send this message" means (its table of error codes): `100` taken;
/// `124`, a request id it has seen, means an earlier try was taken and only its answer was lost;
/// `99` (number blocked) and `108` (number not valid) will never change; the rest (credentials,
/// balance, brand name, template, network not registered, address not allowed) is the
/// sender's to fix, so the message waits without its tries counted; anything else was refused
/// and is tried again, up to [`MAX_SMS_ATTEMPTS`].
pub fn esms_outcome(code_result: &str, sms_id: Option<&str>, message: Option<&str>) -> Outcome {
    let told = |what: &str| match message {
        Some(m) if !m.is_empty() => format!("eSMS {code_result}: {m}"),
        _ => format!("eSMS {code_result}: {what}"),
    };
    match code_result.trim() {
        "100" => Outcome::Sent(sms_id.map(str::to_owned)),
        "124" => Outcome::Sent(None),
        "99" => Outcome::GiveUp(told("the number is blocked")),
        "108" => Outcome::GiveUp(told("the number is not valid")),
        "101" | "102" | "103" | "104" | "140" | "146" | "177" => {
            Outcome::Wait(told("the sending account must be fixed"))
        }
        _ => Outcome::Refused(told("refused")),
    }
}

/// Tries of one message before it is given up: with the outbox's back-off (1, 2, 4… minutes),
/// about four hours.
pub const MAX_SMS_ATTEMPTS: i32 = 9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_however_it_is_written() {
        for written in [
            "0912 345 678",
            "0912345678",
            "+84912345678",
            "+84 912 345 678",
            "84-912-345-678",
            "84912345678",
            "0084 912 345 678",
            "(091) 234.5678",
            "+84 (0) 912 345 678",
            " 0912\u{a0}345\u{a0}678 ",
        ] {
            assert_eq!(
                normalise_phone(written).as_deref(),
                Ok("+84912345678"),
                "{written}"
            );
        }
        assert_eq!(normalise_phone("0362 000 111").unwrap(), "+84362000111");
    }

    #[test]
    fn what_is_not_a_vietnamese_mobile_number_is_refused() {
        for written in [
            "091234567",     // a digit short
            "09123456789",   // a digit too many
            "0241 234 5678", // a Hà Nội landline
            "0612 345 678",  // no network's prefix
            "+1 415 555 0100",
            "+33 6 12 34 56 78",
            "0912 345 67a",
            "0912-345-678 ext 2",
            "++84912345678",
        ] {
            assert_eq!(
                normalise_phone(written).map_err(|e| e.key),
                Err("error.phone_invalid".to_owned()),
                "{written}"
            );
        }
        assert_eq!(
            normalise_phone("  ").map_err(|e| e.key),
            Err("error.phone_required".to_owned())
        );
    }

    #[test]
    fn a_number_is_shown_as_people_write_it_or_hidden() {
        assert_eq!(display_phone("+84912345678"), "0912 345 678");
        assert_eq!(masked_phone("+84912345678"), "0••• ••• 678");
    }

    #[test]
    fn the_gateway_answer_decides_between_sent_retry_and_give_up() {
        assert_eq!(
            esms_outcome("100", Some("abc"), None),
            Outcome::Sent(Some("abc".into()))
        );
        assert_eq!(
            esms_outcome("124", None, Some("Request exist 1")),
            Outcome::Sent(None)
        );
        assert!(matches!(esms_outcome("108", None, None), Outcome::GiveUp(m) if m.contains("108")));
        assert!(matches!(esms_outcome("99", None, None), Outcome::GiveUp(_)));
        for waits in ["101", "102", "103", "104", "140", "146", "177"] {
            assert!(
                matches!(esms_outcome(waits, None, None), Outcome::Wait(_)),
                "{waits}"
            );
        }
        for again in ["300", ""] {
            assert!(
                matches!(esms_outcome(again, None, None), Outcome::Refused(_)),
                "{again}"
            );
        }
    }
}
