//! The table of stored files.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub owner_id: Option<i64>,
    pub purpose: String,
    pub content_type: String,
    pub file_name: String,
    pub byte_size: i64,
    pub sha256: String,
    /// The bytes of a file stored before [`super::storage`] existed; empty for the others.
    pub data: Vec<u8>,
    /// Where the bytes are: `database` (in `data`) or `store` (under `sha256`).
    pub storage: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
