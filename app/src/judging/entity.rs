//! Tables behind judging.

pub mod panel {
    use sea_orm::entity::prelude::*;

    /// How a challenge is judged; one row per challenge, made when staff first set it up.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "panels")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub challenge_id: i64,
        pub scale_min: i32,
        pub scale_max: i32,
        /// How many judges each eligible entry should have (k).
        pub judges_per_entry: i32,
        /// Judges see an entry code, not the team.
        pub blind: bool,
        /// Published results name the judges beside their scores.
        pub show_judge_names: bool,
        pub closed_at: Option<DateTimeUtc>,
        pub closed_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod criterion {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rubric_criteria")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        pub position: i32,
        pub name_vi: String,
        pub name_en: String,
        pub guidance_vi: String,
        pub guidance_en: String,
        pub weight: i32,
        pub comment_required: bool,
    }

    plain_relations!();
}

pub mod judge {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "judges")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub challenge_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// When the judge declared their conflicts of interest (or that they have none).
        pub declared_at: Option<DateTimeUtc>,
        pub invited_by: Option<i64>,
        pub joined_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod conflict {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "conflicts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        pub user_id: i64,
        /// Against one team, or
        pub team_id: Option<i64>,
        /// against every team of an organisation (matched on the teams' organisation names).
        pub organisation_name: Option<String>,
        pub reason: String,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}

pub mod assignment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub entry_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub challenge_id: i64,
        pub assigned_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub recused_at: Option<DateTimeUtc>,
        pub recusal_reason: Option<String>,
    }

    plain_relations!();
}

pub mod score {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "scores")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub entry_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub challenge_id: i64,
        /// The judge's [`crate::judging::rules::Marks`] as JSON.
        pub marks: String,
        /// `draft` or `submitted`.
        pub status: String,
        /// The weighted total, once submitted.
        pub total: Option<f64>,
        pub updated_at: DateTimeUtc,
        pub submitted_at: Option<DateTimeUtc>,
    }

    plain_relations!();
}

pub mod award {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "awards")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub challenge_id: i64,
        pub entry_id: i64,
        pub prize: String,
        pub position: i32,
        /// Why the award departs from the ranking, when it does.
        pub reason: Option<String>,
        pub decided_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    plain_relations!();
}
