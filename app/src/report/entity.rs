//! Tables behind reports and the people they affect.

pub mod report {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        pub author_id: Option<i64>,
        pub title: String,
        pub description: String,
        pub category: String,
        pub status: String,
        pub search_key: String,
        pub photo_id: Option<i64>,
        pub supporters: i32,
        pub response_due_at: DateTimeUtc,
        pub responded_at: Option<DateTimeUtc>,
        pub acknowledged_at: Option<DateTimeUtc>,
        pub response: Option<String>,
        pub responder_id: Option<i64>,
        pub merged_into_id: Option<i64>,
        /// `PA-7K3M-Q9` (`crate::report::receipt`): given when filed, unique.
        pub receipt_code: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// What the person who filed it said of the answer: it solved the problem, or not.
        pub satisfied: Option<bool>,
        pub rated_at: Option<DateTimeUtc>,
        /// Reopened (once) because the answer did not solve it, and why.
        pub reopened_at: Option<DateTimeUtc>,
        pub reopen_reason: Option<String>,
        /// Filed for someone else (`crate::report::assisted`): the account that helped, and the
        /// helper group it helped for (none: the organisation's one-stop desk).
        pub assisted_by_id: Option<i64>,
        pub helper_group_id: Option<i64>,
        /// The person helped: their name as they wish it shown, and the phone they gave
        /// (international form, never shown in public).
        pub filed_for_name: Option<String>,
        pub filed_for_phone: Option<String>,
        /// How the person helped consented (`crate::report::rules::Consent`).
        pub consent: Option<String>,
        /// When the person helped took the report into their own account (`author_id`).
        pub claimed_at: Option<DateTimeUtc>,
        /// The latest date the organisation appointed after missing a deadline (`apology`);
        /// `response_due_at` stays the first deadline, which on time is counted against.
        pub appointed_due_at: Option<DateTimeUtc>,
        /// When staff marked it urgent (`crate::report::routing`): its deadline is then counted
        /// in office hours.
        pub urgent_at: Option<DateTimeUtc>,
        /// When the organisation that holds it received it by forwarding (none: filed there);
        /// its deadline counts from then.
        pub forwarded_at: Option<DateTimeUtc>,
        /// Once an answer is reopened: the deadline and the time of the answer it was first
        /// counted by (`crate::report::figures`); a forwarding clears them.
        pub first_due_at: Option<DateTimeUtc>,
        pub first_responded_at: Option<DateTimeUtc>,
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

pub mod report_support {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_supports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A phone number that follows a report's answer by SMS, proved by a code sent to it.
pub mod sms_follower {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_sms_followers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub phone: String,
        /// The language the messages are written in: the page's when the number was proved.
        pub locale: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A missed deadline answered in public: the organisation's apology, its reason and the new
/// appointment it gave.
pub mod apology {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_apologies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub report_id: i64,
        pub staff_id: Option<i64>,
        /// The official's name when they signed it (kept if their account is deleted).
        pub signed_by: String,
        pub reason: String,
        pub missed_due_at: DateTimeUtc,
        pub new_due_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
        /// The organisation that apologised (none: written before this was kept).
        pub organisation_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A report sent on to the organisation that can act on it, with the public reason.
pub mod forward {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_forwards")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub report_id: i64,
        pub from_organisation_id: i64,
        pub to_organisation_id: i64,
        pub staff_id: Option<i64>,
        /// The official's name when they forwarded it (kept if their account is deleted).
        pub signed_by: String,
        pub reason: String,
        /// When the organisation that forwarded it had received it, and the deadline it was held
        /// to: forwarding before it is answering on time.
        pub received_at: DateTimeUtc,
        pub due_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
