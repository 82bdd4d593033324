//! Tables behind teams, their members and those who left them (invitations: `crate::invitation`).

pub mod team {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "teams")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        pub name: String,
        pub organisation_name: Option<String>,
        pub description: String,
        pub contact: String,
        #[sea_orm(unique)]
        pub join_code: String,
        pub owner_id: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The name and organisation, folded for search.
        pub search_key: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "team_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub team_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// Copied from the team so that the database keeps one team per person per challenge.
        pub challenge_id: i64,
        pub joined_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::auth::entity::user::Entity",
            from = "Column::UserId",
            to = "crate::auth::entity::user::Column::Id"
        )]
        User,
    }

    impl Related<crate::auth::entity::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A person who left a team or was taken off it: they know who wrote its entry.
pub mod departure {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "team_departures")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        /// Kept after the team is dissolved: no key to `teams`.
        pub team_id: i64,
        /// Emptied when the account is deleted; the mailbox stays.
        pub user_id: Option<i64>,
        /// SHA-256 of the person's mailbox key (`account::rules::mailbox_key`).
        pub mailbox_hash: String,
        pub left_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
