//! Tables behind commitments.

pub mod commitment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commitments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        /// The official who gave it (none once their account is deleted), and their name and
        /// office as published.
        pub official_id: Option<i64>,
        pub official_name: String,
        pub official_role: String,
        pub title: String,
        pub body: String,
        pub due_on: Date,
        /// The date first promised (a move keeps it, and says why).
        pub original_due_on: Date,
        /// The date it passed unkept, when its date moved after that: it stays late.
        pub missed_on: Option<Date>,
        pub done_at: Option<DateTimeUtc>,
        /// What was done, as the organisation reports it.
        pub done_note: Option<String>,
        /// When its followers were told it is late (once).
        pub late_told_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// What a commitment answers: a report, a challenge or a pilot.
pub mod link {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commitment_links")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub commitment_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub target_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A due date moved, with the reason said in public.
pub mod moved {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commitment_moves")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub commitment_id: i64,
        pub from_due_on: Date,
        pub to_due_on: Date,
        pub reason: String,
        pub staff_id: Option<i64>,
        pub signed_by: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod follow {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commitment_follows")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub commitment_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
