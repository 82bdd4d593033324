//! The table of invitations, both owners' in one.

pub mod invitation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        /// The team inviting; none for a seat on the challenge's panel.
        pub team_id: Option<i64>,
        /// The address it was sent to, normalised.
        pub email: String,
        /// The key of that address's mailbox (`crate::account::rules::mailbox_key`).
        pub mailbox_key: String,
        /// SHA-256 of the link's token.
        #[sea_orm(unique)]
        pub token_hash: String,
        pub invited_by: Option<i64>,
        /// `pending`, `accepted`, `declined` or `revoked`.
        pub status: String,
        pub created_at: DateTimeUtc,
        pub responded_at: Option<DateTimeUtc>,
    }

    plain_relations!();
}
