//! Tables behind organisations and their staff.

pub mod organisation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub slug: String,
        pub name_vi: String,
        pub name_en: String,
        pub kind: String,
        pub parent_id: Option<i64>,
        pub response_days: i32,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod org_staff {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_staff")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub title: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::auth::entity::user::Entity",
            from = "Column::UserId",
            to = "crate::auth::entity::user::Column::Id",
            on_delete = "Cascade"
        )]
        User,
        #[sea_orm(
            belongs_to = "super::organisation::Entity",
            from = "Column::OrganisationId",
            to = "super::organisation::Column::Id",
            on_delete = "Cascade"
        )]
        Organisation,
    }

    impl Related<super::organisation::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Organisation.def()
        }
    }

    impl Related<crate::auth::entity::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Someone who stopped being staff of an organisation (taken off, or their account deleted), or
/// an administrator whose account was deleted: they knew the teams of the challenges that existed
/// meanwhile (`participation::Role::FormerOrganiser`).
pub mod staff_departure {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_departures")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// None for an administrator: they organised every organisation's challenges.
        pub organisation_id: Option<i64>,
        /// Emptied when the account is deleted; the mailbox stays.
        pub user_id: Option<i64>,
        /// SHA-256 of the person's mailbox key (`account::rules::mailbox_hash`).
        pub mailbox_hash: String,
        pub left_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
