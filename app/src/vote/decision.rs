//! The one decision of a vote: whether a citizen's vote or withdrawal is taken, and what it
//! changes, from the votes the person holds and their recent attempts. The ballot box decides
//! every vote with it, a batch of many or a batch of one.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::rules::{self, Cast};
use crate::challenge::entity::challenge;
use crate::entry::entity::entry;
use crate::entry::model::EntryStatus;
use crate::error::AppError;

/// What a citizen asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// A vote for the entry (with one vote each, the vote moves there).
    Cast,
    /// The vote for the entry is withdrawn.
    Withdraw,
}

/// Whether the vote of `c` is open at `now`; refused with when it opens or closed otherwise.
pub fn check_open(c: &challenge::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let (Some(opens), Some(closes)) = (c.vote_opens_at, c.vote_closes_at) else {
        return Err(AppError::conflict("error.vote_not_enabled"));
    };
    if c.status != crate::challenge::rules::Status::Published.code() || !c.vote_enabled {
        return Err(AppError::conflict("error.vote_not_enabled"));
    }
    let at = |key: &str, when: DateTime<Utc>| AppError::Conflict {
        key: key.into(),
        params: vec![("at".into(), crate::i18n::format_datetime(when))],
    };
    if now < opens {
        return Err(at("error.vote_not_open", opens));
    }
    if now >= closes {
        return Err(at("error.vote_closed", closes));
    }
    Ok(())
}

/// Whether the entry `e` of `c` may receive votes at `now`.
pub fn check_votable(
    e: &entry::Model,
    c: &challenge::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    check_open(c, now)?;
    if EntryStatus::from_code(&e.status) != EntryStatus::Submitted {
        return Err(AppError::conflict("error.vote_entry_ineligible"));
    }
    Ok(())
}

/// Refused: every vote of the allowance is used.
pub fn allowance_used(allowance: i32) -> AppError {
    AppError::Conflict {
        key: "error.vote_allowance".into(),
        params: vec![("max".into(), allowance.to_string())],
    }
}

/// Refused: too many attempts from the account or its network lately.
pub fn too_many_attempts() -> AppError {
    AppError::RateLimited {
        retry_after_secs: chrono::Duration::minutes(rules::RATE_WINDOW_MINUTES).num_seconds(),
    }
}

/// Who votes: the account and the network it votes from.
#[derive(Clone, Copy, Debug)]
pub(super) struct Voter<'a> {
    pub(super) user: i64,
    pub(super) network: &'a str,
}

/// A vote a person holds in a challenge (voided ones too: they keep their slot).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Held {
    pub(super) slot: i32,
    pub(super) entry: i64,
    pub(super) voided: bool,
}

/// A change to one person's votes in one challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Change {
    pub(super) challenge: i64,
    pub(super) voter: i64,
    pub(super) network: String,
    pub(super) what: What,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum What {
    New { entry: i64, slot: i32 },
    Move { from: i64, to: i64 },
    Withdraw { entry: i64 },
}

/// The votes and recent attempts the batch knows of, kept up to date as it decides each vote in
/// turn: a person who votes twice in one batch is decided as if the votes came one after the
/// other.
#[derive(Debug, Default)]
pub(super) struct Ledger {
    pub(super) by_account: HashMap<i64, u64>,
    pub(super) by_network: HashMap<String, u64>,
    /// (challenge, account) → the votes held, by slot.
    pub(super) held: HashMap<(i64, i64), Vec<Held>>,
}

impl Ledger {
    /// Decides one vote or withdrawal by the rules of a single vote (`allowance` the
    /// challenge's); the attempt counts towards the limits when it is taken.
    pub(super) fn decide(
        &mut self,
        voter: Voter<'_>,
        challenge: i64,
        entry: i64,
        allowance: i32,
        act: Act,
    ) -> Result<Option<Change>, AppError> {
        let by_account = self.by_account.get(&voter.user).copied().unwrap_or(0);
        let by_network = self.by_network.get(voter.network).copied().unwrap_or(0);
        if rules::throttled(by_account, by_network) {
            return Err(too_many_attempts());
        }
        let held = self.held.entry((challenge, voter.user)).or_default();
        let what = match act {
            Act::Cast => {
                let slots: Vec<(i32, i64)> = held.iter().map(|h| (h.slot, h.entry)).collect();
                match rules::cast(&slots, entry, allowance) {
                    Cast::Same => None,
                    Cast::Full => return Err(allowance_used(allowance)),
                    Cast::Move { from } => {
                        let Some(h) = held.iter_mut().find(|h| h.entry == from && !h.voided) else {
                            // The vote to move was voided: as a single vote finds it.
                            return Err(AppError::conflict("error.vote_changed_meanwhile"));
                        };
                        h.entry = entry;
                        Some(What::Move { from, to: entry })
                    }
                    Cast::New { slot } => {
                        held.push(Held {
                            slot,
                            entry,
                            voided: false,
                        });
                        held.sort_by_key(|h| h.slot);
                        Some(What::New { entry, slot })
                    }
                }
            }
            Act::Withdraw => held
                .iter()
                .position(|h| h.entry == entry && !h.voided)
                .map(|at| {
                    held.remove(at);
                    What::Withdraw { entry }
                }),
        };
        *self.by_account.entry(voter.user).or_default() += 1;
        *self.by_network.entry(voter.network.to_owned()).or_default() += 1;
        Ok(what.map(|what| Change {
            challenge,
            voter: voter.user,
            network: voter.network.to_owned(),
            what,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "203.113.5.0/24";

    fn voter(user: i64) -> Voter<'static> {
        Voter { user, network: NET }
    }

    fn what(decided: Result<Option<Change>, AppError>) -> Option<What> {
        decided.unwrap().map(|c| c.what)
    }

    fn new(entry: i64, slot: i32) -> Option<What> {
        Some(What::New { entry, slot })
    }

    fn conflict(refused: AppError) -> String {
        match refused {
            AppError::Conflict { key, .. } => key,
            other => panic!("not a conflict: {other:?}"),
        }
    }

    #[test]
    fn a_second_vote_in_one_batch_sees_the_first() {
        let mut ledger = Ledger::default();
        let first = ledger.decide(voter(1), 10, 100, 1, Act::Cast);
        assert_eq!(what(first), new(100, 1));
        // With one vote each, the same person's next vote moves it; the same entry again is no change.
        let second = ledger.decide(voter(1), 10, 200, 1, Act::Cast);
        assert_eq!(what(second), Some(What::Move { from: 100, to: 200 }));
        assert_eq!(what(ledger.decide(voter(1), 10, 200, 1, Act::Cast)), None);
        // Another person, another challenge: their own first votes.
        let other = ledger.decide(voter(2), 10, 100, 1, Act::Cast);
        assert_eq!(what(other), new(100, 1));
        let elsewhere = ledger.decide(voter(1), 11, 300, 1, Act::Cast);
        assert_eq!(what(elsewhere), new(300, 1));
    }

    #[test]
    fn the_allowance_fills_and_a_withdrawal_frees_its_slot() {
        let mut ledger = Ledger::default();
        for (entry, slot) in [(100, 1), (200, 2)] {
            let cast = ledger.decide(voter(1), 10, entry, 2, Act::Cast);
            assert_eq!(what(cast), Some(What::New { entry, slot }));
        }
        let full = ledger.decide(voter(1), 10, 300, 2, Act::Cast).unwrap_err();
        assert_eq!(conflict(full), "error.vote_allowance");
        let gone = ledger.decide(voter(1), 10, 100, 2, Act::Withdraw);
        assert_eq!(what(gone), Some(What::Withdraw { entry: 100 }));
        // Withdrawing what is not held changes nothing.
        assert_eq!(
            what(ledger.decide(voter(1), 10, 100, 2, Act::Withdraw)),
            None
        );
        let again = ledger.decide(voter(1), 10, 300, 2, Act::Cast);
        assert_eq!(what(again), new(300, 1));
    }

    #[test]
    fn a_voided_vote_keeps_its_slot_and_cannot_be_moved_or_withdrawn() {
        let mut ledger = Ledger::default();
        ledger.held.insert(
            (10, 1),
            vec![Held {
                slot: 1,
                entry: 100,
                voided: true,
            }],
        );
        let moved = ledger.decide(voter(1), 10, 200, 1, Act::Cast).unwrap_err();
        assert_eq!(conflict(moved), "error.vote_changed_meanwhile");
        assert_eq!(
            what(ledger.decide(voter(1), 10, 100, 1, Act::Withdraw)),
            None
        );
        // With two votes each, the voided one still takes slot 1.
        let cast = ledger.decide(voter(1), 10, 200, 2, Act::Cast);
        assert_eq!(what(cast), new(200, 2));
    }

    #[test]
    fn the_limits_count_the_attempts_taken_in_the_batch_and_not_the_refused() {
        let mut ledger = Ledger::default();
        ledger.by_account.insert(1, rules::RATE_PER_ACCOUNT - 2);
        assert!(ledger.decide(voter(1), 10, 100, 1, Act::Cast).is_ok());
        // A refused vote (the allowance) is not an attempt that counts.
        let held = |slot, entry| Held {
            slot,
            entry,
            voided: false,
        };
        ledger.held.insert((11, 1), vec![held(1, 7), held(2, 9)]);
        assert!(ledger.decide(voter(1), 11, 8, 2, Act::Cast).is_err());
        assert!(ledger.decide(voter(1), 10, 100, 1, Act::Cast).is_ok());
        let limited = ledger.decide(voter(1), 10, 100, 1, Act::Cast).unwrap_err();
        assert!(matches!(limited, AppError::RateLimited { .. }));
        // The network's limit holds across accounts.
        let mut ledger = Ledger::default();
        ledger
            .by_network
            .insert(NET.into(), rules::RATE_PER_NETWORK - 1);
        assert!(ledger.decide(voter(5), 10, 100, 1, Act::Cast).is_ok());
        let limited = ledger.decide(voter(6), 10, 100, 1, Act::Cast).unwrap_err();
        assert!(matches!(limited, AppError::RateLimited { .. }));
    }
}
