//! Who may sign in: the people (users) and their signed-in browsers (sessions).

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The account's email address, if it has one (an account may have a phone instead).
        #[sea_orm(unique)]
        pub email: Option<String>,
        pub display_name: String,
        pub password_hash: String,
        pub email_verified_at: Option<DateTimeUtc>,
        pub is_admin: bool,
        pub locale: String,
        pub created_at: DateTimeUtc,
        /// The mailbox behind the address ([`crate::account::rules::mailbox_key`]): one per
        /// account, however the address is written.
        pub mailbox_key: Option<String>,
        /// A Vietnamese mobile number in its international form (`+84912345678`), one account's
        /// at most.
        #[sea_orm(unique)]
        pub phone: Option<String>,
        pub phone_verified_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// SHA-256 of the cookie's token: a leaked table does not sign anyone in.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: i64,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        pub ip: Option<String>,
        pub user_agent: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id",
            on_delete = "Cascade"
        )]
        User,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}
