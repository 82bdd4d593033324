//! Every report gets a receipt code (`app::report::receipt`), as a dossier's receipt at a
//! one-stop desk: whoever holds it follows the report at one address. Reports filed before are
//! given theirs when the server starts (`app::report::service::give_receipts`): codes are drawn
//! at random, which SQL cannot do on both databases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    ReceiptCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Reports::Table)
                    .add_column(string_len_null(Reports::ReceiptCode, 12))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reports_receipt_code")
                    .table(Reports::Table)
                    .col(Reports::ReceiptCode)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_reports_receipt_code")
                    .table(Reports::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Reports::Table)
                    .drop_column(Reports::ReceiptCode)
                    .to_owned(),
            )
            .await
    }
}
