//! The site's secret keys, one per purpose: made at random the first time one is needed, kept in
//! the database (every server instance uses the same), and used to make digests that nobody can
//! work back or make from what they were made from (HMAC-SHA-256, RFC 2104).

use chrono::Utc;
use hmac::{Hmac, Mac};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};
use sha2::Sha256;

use crate::error::AppError;

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "site_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub purpose: String,
        /// 32 random bytes, hex.
        pub secret: String,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}

/// What a key is for: each purpose has its own, so a digest made for one is worth nothing to
/// another.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    /// How a judge names a team when declaring a conflict.
    ConflictToken,
    /// How the record of sign-in tries names the mailbox typed (never in the clear).
    SignInAddress,
    /// The order each visitor sees a challenge's entries in: from their account or address,
    /// which the order must not give away (a page shared by many shows one of theirs).
    EntryOrder,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::ConflictToken => "conflict_token",
            Purpose::SignInAddress => "sign_in_address",
            Purpose::EntryOrder => "entry_order",
        }
    }
}

/// The site's key for `purpose`, made now if there is none yet (two instances making it at once
/// keep the first one written).
pub async fn key(db: &impl ConnectionTrait, purpose: Purpose) -> Result<Key, AppError> {
    let find = || entity::Entity::find_by_id(purpose.code().to_owned()).one(db);
    let kept = match find().await? {
        Some(kept) => kept,
        // Read first: a page that needs the key writes nothing once it exists.
        None => {
            let fresh = entity::ActiveModel {
                purpose: Set(purpose.code().to_owned()),
                secret: Set(crate::token::random_token(32)),
                created_at: Set(Utc::now()),
            };
            entity::Entity::insert(fresh)
                .on_conflict(
                    OnConflict::column(entity::Column::Purpose)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
            find()
                .await?
                .ok_or_else(|| crate::error::internal("a site key was written and is not there"))?
        }
    };
    let secret = hex::decode(&kept.secret).map_err(crate::error::internal)?;
    Ok(Key(secret))
}

/// A site key, ready to make digests.
pub struct Key(Vec<u8>);

impl Key {
    /// A key of these bytes (tests make their own).
    #[cfg(test)]
    pub(crate) fn of(secret: &[u8]) -> Key {
        Key(secret.to_vec())
    }

    /// The keyed digest of `message`, hex, cut to `hex_len` characters (at most 64).
    pub fn digest(&self, message: &str, hex_len: usize) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(message.as_bytes());
        let mut out = hex::encode(mac.finalize().into_bytes());
        out.truncate(hex_len);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn a_digest_depends_on_the_key_and_the_message() {
        let a = Key(vec![1; 32]);
        let b = Key(vec![2; 32]);
        assert_eq!(a.digest("team:7", 16), a.digest("team:7", 16));
        assert_eq!(a.digest("team:7", 16).len(), 16);
        assert_ne!(a.digest("team:7", 16), a.digest("team:8", 16));
        assert_ne!(a.digest("team:7", 16), b.digest("team:7", 16));
        // RFC 4231, test case 2.
        assert_eq!(
            Key(b"Jefe".to_vec()).digest("what do ya want for nothing?", 64),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
