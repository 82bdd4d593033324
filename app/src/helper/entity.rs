//! Tables behind helper groups and their members.

pub mod group {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "helper_groups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The ward or department the group works with.
        pub organisation_id: i64,
        pub name: String,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "helper_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub group_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// Adds and removes the group's members.
        pub coordinator: bool,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}
