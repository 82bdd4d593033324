//! The SMS outbox and the codes sent to phones.

pub mod outbox {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sms_outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// International form, `+84912345678`.
        pub to_phone: String,
        pub kind: String,
        pub body: String,
        /// Sent with every try: a gateway that took an earlier try knows it again.
        #[sea_orm(unique)]
        pub request_id: String,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub locked_until: Option<DateTimeUtc>,
        pub sent_at: Option<DateTimeUtc>,
        pub gave_up_at: Option<DateTimeUtc>,
        pub provider_id: Option<String>,
        pub last_error: Option<String>,
        pub created_at: DateTimeUtc,
        /// A code's text: when its code stops working (still queued then, it is given up).
        pub expires_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod phone_code {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "phone_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub phone: String,
        pub purpose: String,
        /// What the code is for (a report's number, say).
        pub subject_id: Option<i64>,
        pub code_hash: String,
        pub attempts: i32,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
