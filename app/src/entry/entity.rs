//! Tables behind entries, their submitted versions and their attachments.

pub mod entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub team_id: i64,
        pub challenge_id: i64,
        pub title: String,
        pub summary: String,
        pub solution_md: String,
        pub solution_html: String,
        pub pilot_plan: String,
        pub cost_vnd: i64,
        pub experience: String,
        pub demo_url: String,
        pub acknowledged: bool,
        pub status: String,
        pub version: i32,
        pub submitted_version: Option<i32>,
        pub submitted_at: Option<DateTimeUtc>,
        pub ineligible_reason: Option<String>,
        pub updated_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// This team's own deadline, when staff granted it more time.
        pub extended_until: Option<DateTimeUtc>,
        pub extension_reason: Option<String>,
        /// When the members of this draft were told the deadline is a day away.
        pub reminded_at: Option<DateTimeUtc>,
        /// The title last submitted, folded for search ([`crate::i18n::format::fold_for_search`]);
        /// none before the first submission.
        pub search_key: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod version {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "entry_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub entry_id: i64,
        pub number: i32,
        /// The submitted fields, as JSON.
        pub content: String,
        pub submitted_by: Option<i64>,
        pub submitted_at: DateTimeUtc,
        /// The upload ids attached when this version was submitted, as JSON.
        pub attachments: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl Model {
        /// The ids of the files this version held.
        pub fn upload_ids(&self) -> Vec<i64> {
            serde_json::from_str(&self.attachments).unwrap_or_default()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod attachment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "entry_attachments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub entry_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub upload_id: i64,
        /// Shown with the entry once entries are public.
        pub public: bool,
        pub created_at: DateTimeUtc,
        /// Taken off the entry; still readable by those who may read a version that held it.
        pub removed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
