//! Tables behind challenges, their attachments, source reports, followers and questions.

pub mod challenge {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "challenges")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        #[sea_orm(unique)]
        pub slug: String,
        pub title: String,
        pub summary: String,
        pub brief_md: String,
        pub brief_html: String,
        pub eligibility: String,
        pub team_min: i32,
        pub team_max: i32,
        /// JSON list of `{label, amount_vnd}`.
        pub prizes: String,
        pub pilot_budget_vnd: i64,
        pub category: String,
        pub cover_id: Option<i64>,
        pub vote_enabled: bool,
        pub status: String,
        pub opens_at: DateTimeUtc,
        pub entries_close_at: DateTimeUtc,
        pub judging_closes_at: DateTimeUtc,
        pub vote_opens_at: Option<DateTimeUtc>,
        pub vote_closes_at: Option<DateTimeUtc>,
        pub results_at: DateTimeUtc,
        pub search_key: String,
        /// The last phase followers were told about (claimed by one server instance).
        pub notified_phase: Option<String>,
        pub created_by: Option<i64>,
        pub published_at: Option<DateTimeUtc>,
        pub cancelled_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// When staff published the results (entries are public from then on, if not before).
        pub results_published_at: Option<DateTimeUtc>,
        /// When the teams were told the results are out.
        pub results_notified_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::org::entity::organisation::Entity",
            from = "Column::OrganisationId",
            to = "crate::org::entity::organisation::Column::Id"
        )]
        Organisation,
    }

    impl Related<crate::org::entity::organisation::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Organisation.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod attachment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "challenge_attachments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub challenge_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub upload_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod source_report {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "challenge_reports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub challenge_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod follow {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "challenge_follows")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub challenge_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod question {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "challenge_questions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        pub author_id: Option<i64>,
        pub question: String,
        pub answer: Option<String>,
        pub answered_by: Option<i64>,
        pub answered_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
