//! Tables behind pilots.

pub mod pilot {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pilots")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        pub entry_id: i64,
        pub team_id: i64,
        pub organisation_id: i64,
        pub title: String,
        pub summary: String,
        pub award: String,
        pub official_name: String,
        pub official_role: String,
        pub budget_vnd: i64,
        pub disbursed_vnd: i64,
        pub starts_on: Date,
        pub planned_end_on: Date,
        pub status: String,
        pub closing_statement: Option<String>,
        pub closed_at: Option<DateTimeUtc>,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod kpi {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "pilot_kpis")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub pilot_id: i64,
        pub name: String,
        pub unit: String,
        pub baseline: f64,
        pub target: f64,
        pub position: i32,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod measurement {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "pilot_measurements")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kpi_id: i64,
        pub measured_on: Date,
        pub value: f64,
        pub note: String,
        pub recorded_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod milestone {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "milestones")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub pilot_id: i64,
        pub title: String,
        pub owner_kind: String,
        pub owner_user_id: Option<i64>,
        pub due_on: Date,
        pub original_due_on: Date,
        pub move_reason: Option<String>,
        pub status: String,
        pub blocked_reason: Option<String>,
        pub done_at: Option<DateTimeUtc>,
        pub evidence_text: Option<String>,
        pub evidence_url: Option<String>,
        pub evidence_upload_id: Option<i64>,
        pub reminded_soon_at: Option<DateTimeUtc>,
        pub reminded_late_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod update {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pilot_updates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub pilot_id: i64,
        pub author_id: Option<i64>,
        pub author_name: String,
        pub by_team: bool,
        pub body: String,
        /// JSON array of upload ids.
        pub photos: String,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod comment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pilot_comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub pilot_id: i64,
        pub update_id: i64,
        pub user_id: Option<i64>,
        pub body: String,
        pub created_at: DateTimeUtc,
        pub hidden_at: Option<DateTimeUtc>,
        pub hidden_by: Option<i64>,
        pub hidden_reason: Option<String>,
    }

    plain_relations!();
}

pub mod rating {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pilot_ratings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub pilot_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub stars: i32,
        pub comment: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod follow {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pilot_follows")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub pilot_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}
