//! The rules of the public vote as plain functions: the allowance, the anonymous voter id, the
//! order each visitor sees, and the tally anyone can recompute from the ballots.

#[cfg(feature = "ssr")]
use sha2::{Digest, Sha256};

/// A citizen has one vote per challenge, or up to three approval votes when staff say so.
pub const MAX_ALLOWANCE: i32 = 3;

pub fn check_allowance(allowance: i32) -> bool {
    (1..=MAX_ALLOWANCE).contains(&allowance)
}

/// What a cast vote does, given the entries the voter already chose.
#[derive(Debug, PartialEq, Eq)]
pub enum Cast {
    /// A new vote, in this slot (1-based).
    New { slot: i32 },
    /// With one vote only: the vote moves to the new entry.
    Move { from: i64 },
    /// Already voted for this entry: nothing changes.
    Same,
    /// Every vote of the allowance is used: withdraw one first.
    Full,
}

/// `current` is (slot, entry) of the voter's counted votes.
pub fn cast(current: &[(i32, i64)], entry: i64, allowance: i32) -> Cast {
    if current.iter().any(|(_, e)| *e == entry) {
        return Cast::Same;
    }
    if allowance == 1
        && let Some((_, from)) = current.first()
    {
        return Cast::Move { from: *from };
    }
    match (1..=allowance).find(|s| !current.iter().any(|(slot, _)| slot == s)) {
        Some(slot) => Cast::New { slot },
        None => Cast::Full,
    }
}

#[cfg(feature = "ssr")]
/// The voter's id in the published ballots: a keyed hash of the challenge and the account, so
/// the same person has the same id within one challenge, different ids across challenges, and
/// nobody without the key can tell who it is.
pub fn voter_id(key: &str, challenge_id: i64, user_id: i64) -> String {
    let digest = Sha256::digest(format!("{key}:{challenge_id}:{user_id}").as_bytes());
    hex::encode(&digest[..8])
}

#[cfg(feature = "ssr")]
/// The order a visitor sees the entries in: shuffled by a seed of theirs (their account, or
/// their address and browser), the same on every visit. Keyed (`key`, the site's
/// [`crate::site_key::Purpose::EntryOrder`]): an order seen cannot be worked back to the seed,
/// so a page rendered for one person and shared with others of their class, or an anonymous
/// page shared with every visitor, names nobody.
pub fn visitor_order(entries: &mut [i64], key: &crate::site_key::Key, seed: &str) {
    entries.sort_by_cached_key(|e| key.digest(&format!("{seed}:{e}"), 32));
}

/// The network an address belongs to (IPv4 /24, IPv6 /48), to see many accounts from one place.
pub fn network_of(ip: &str) -> String {
    if let Ok(v4) = ip.parse::<std::net::Ipv4Addr>() {
        let o = v4.octets();
        return format!("{}.{}.{}.0/24", o[0], o[1], o[2]);
    }
    if let Ok(v6) = ip.parse::<std::net::Ipv6Addr>() {
        let s = v6.segments();
        return format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]);
    }
    "unknown".into()
}

/// What the review page knows of one vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteFact {
    pub entry: i64,
    pub network: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub account_created: chrono::DateTime<chrono::Utc>,
}

/// Why a vote deserves a look. None of these proves anything: staff look, and void with a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Signal {
    /// The account was created after the vote opened.
    NewAccount,
    /// Several accounts created within a day of each other voted from one network.
    SharedNetwork,
    /// One of many votes for one entry within a few minutes.
    Burst,
}

/// Accounts from one network, created within a day of each other, from this many on.
pub const SHARED_NETWORK_ACCOUNTS: usize = 3;
/// Votes for one entry within [`BURST_MINUTES`], from this many on.
pub const BURST_VOTES: usize = 5;
pub const BURST_MINUTES: i64 = 10;

/// The signals of each vote, in the order given.
pub fn signals(votes: &[VoteFact], opened_at: chrono::DateTime<chrono::Utc>) -> Vec<Vec<Signal>> {
    let day = chrono::Duration::hours(24);
    let burst = chrono::Duration::minutes(BURST_MINUTES);
    votes
        .iter()
        .map(|v| {
            let mut found = Vec::new();
            if v.account_created >= opened_at {
                found.push(Signal::NewAccount);
            }
            let neighbours = votes
                .iter()
                .filter(|o| {
                    o.network == v.network
                        && v.network != "unknown"
                        && (o.account_created - v.account_created).abs() <= day
                })
                .count();
            if neighbours >= SHARED_NETWORK_ACCOUNTS {
                found.push(Signal::SharedNetwork);
            }
            let close_in_time = votes
                .iter()
                .filter(|o| o.entry == v.entry && (o.at - v.at).abs() <= burst)
                .count();
            if close_in_time >= BURST_VOTES {
                found.push(Signal::Burst);
            }
            found
        })
        .collect()
}

/// Casts and withdrawals one account may make in [`RATE_WINDOW_MINUTES`].
pub const RATE_PER_ACCOUNT: u64 = 30;
/// Casts and withdrawals from one network in [`RATE_WINDOW_MINUTES`].
pub const RATE_PER_NETWORK: u64 = 300;
pub const RATE_WINDOW_MINUTES: i64 = 10;

/// Whether an account or its network has tried too often within the window to try again now.
pub fn throttled(by_account: u64, by_network: u64) -> bool {
    by_account >= RATE_PER_ACCOUNT || by_network >= RATE_PER_NETWORK
}

/// The ranking of `entries` from the counted (not voided) votes per entry: most votes first,
/// then by entry id; an entry nobody voted for has 0, votes for other entries are left out.
pub fn tally(counted: &[(i64, u64)], entries: &[i64]) -> Vec<(i64, u64)> {
    let by_entry: std::collections::HashMap<i64, u64> = counted.iter().copied().collect();
    let mut ranking: Vec<(i64, u64)> = entries
        .iter()
        .map(|e| (*e, by_entry.get(e).copied().unwrap_or(0)))
        .collect();
    ranking.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranking
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_vote_moves_and_approval_votes_fill_their_slots() {
        assert_eq!(cast(&[], 7, 1), Cast::New { slot: 1 });
        assert_eq!(cast(&[(1, 7)], 8, 1), Cast::Move { from: 7 });
        assert_eq!(cast(&[(1, 7)], 7, 1), Cast::Same);
        assert_eq!(cast(&[(1, 7)], 8, 3), Cast::New { slot: 2 });
        assert_eq!(
            cast(&[(2, 8)], 9, 3),
            Cast::New { slot: 1 },
            "a withdrawn slot is free"
        );
        assert_eq!(cast(&[(1, 7), (2, 8), (3, 9)], 10, 3), Cast::Full);
    }

    #[test]
    fn the_allowance_is_one_to_three() {
        assert!(check_allowance(1) && check_allowance(3));
        assert!(!check_allowance(0) && !check_allowance(4));
    }

    #[test]
    fn voter_ids_are_stable_per_challenge_and_differ_across() {
        let a = voter_id("k", 1, 42);
        assert_eq!(a, voter_id("k", 1, 42));
        assert_ne!(a, voter_id("k", 2, 42));
        assert_ne!(a, voter_id("other key", 1, 42));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn each_visitor_has_an_order_of_their_own_that_only_the_key_ties_to_them() {
        let key = crate::site_key::Key::of(&[7; 32]);
        let mut a: Vec<i64> = (1..=8).collect();
        let mut b = a.clone();
        visitor_order(&mut a, &key, "visitor-a");
        visitor_order(&mut b, &key, "visitor-b");
        assert_ne!(a, b);
        let mut again: Vec<i64> = (1..=8).rev().collect();
        visitor_order(&mut again, &key, "visitor-a");
        assert_eq!(a, again, "the same visitor sees the same order");
        // Without the site's key, the seed does not make the order: a page shared by many does
        // not tell whose it was rendered for.
        let unkeyed = |seed: &str| {
            let mut order: Vec<i64> = (1..=8).collect();
            order.sort_by_key(|e| Sha256::digest(format!("{seed}:{e}").as_bytes()).to_vec());
            order
        };
        assert_ne!(a, unkeyed("visitor-a"));
        let mut other_site: Vec<i64> = (1..=8).collect();
        visitor_order(
            &mut other_site,
            &crate::site_key::Key::of(&[8; 32]),
            "visitor-a",
        );
        assert_ne!(a, other_site, "another key, another order");
    }

    #[test]
    fn the_tally_ranks_every_entry_and_only_those() {
        let counted = [(1, 1), (2, 2), (3, 1), (9, 5)];
        assert_eq!(
            tally(&counted, &[1, 2, 3, 4]),
            [(2, 2), (1, 1), (3, 1), (4, 0)]
        );
    }

    #[test]
    fn addresses_are_grouped_by_network() {
        assert_eq!(network_of("203.113.5.17"), "203.113.5.0/24");
        assert_eq!(
            network_of("2001:db8:85a3::8a2e:370:7334"),
            "2001:db8:85a3::/48"
        );
        assert_eq!(network_of("not an address"), "unknown");
    }

    #[test]
    fn new_accounts_shared_networks_and_bursts_are_signalled() {
        use chrono::{Duration, TimeZone, Utc};
        let opened = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        let old = opened - Duration::days(100);
        let fact =
            |entry: i64, network: &str, minutes: i64, created: chrono::DateTime<Utc>| VoteFact {
                entry,
                network: network.into(),
                at: opened + Duration::minutes(minutes),
                account_created: created,
            };
        let votes = vec![
            fact(1, "10.0.0.0/24", 0, old),
            fact(2, "10.0.1.0/24", 60, opened + Duration::minutes(30)),
            fact(3, "10.0.9.0/24", 200, opened + Duration::hours(1)),
            fact(3, "10.0.9.0/24", 202, opened + Duration::hours(2)),
            fact(3, "10.0.9.0/24", 204, opened + Duration::hours(3)),
            fact(4, "10.0.5.0/24", 300, old),
            fact(4, "10.0.6.0/24", 301, old),
            fact(4, "10.0.7.0/24", 302, old),
            fact(4, "10.0.8.0/24", 303, old),
            fact(4, "10.0.4.0/24", 304, old),
        ];
        let s = signals(&votes, opened);
        assert!(s[0].is_empty(), "an old account voting alone is fine");
        assert_eq!(s[1], [Signal::NewAccount]);
        assert_eq!(s[2], [Signal::NewAccount, Signal::SharedNetwork]);
        assert!(s[5..].iter().all(|x| x == &[Signal::Burst]));
    }
}
