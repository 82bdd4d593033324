//! The record of sign-in tries names the address typed by a keyed digest of its mailbox from
//! now on (`app::account::service::attempt_key`), never in the clear: whoever types an address,
//! with an account or without, leaves no copy of it. The rows written before, with addresses in
//! the clear, go; the audit log keeps every sign-in (with the account, never the address typed).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Digests are hexadecimal: an `@` is an address in the clear.
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM sign_in_attempts WHERE email_key LIKE '%@%'")
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The addresses are gone; the table keeps its shape.
        Ok(())
    }
}
