//! Files a team attaches to its entry (some marked public), the attachments each submitted
//! version held, and the moment a challenge's results were published.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Entries {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EntryAttachments {
    Table,
    EntryId,
    UploadId,
    Public,
    CreatedAt,
    /// A removed attachment stays readable to the team, staff and judges of a version that held it.
    RemovedAt,
}

#[derive(DeriveIden)]
enum EntryVersions {
    Table,
    /// JSON list of the upload ids attached when the version was submitted.
    Attachments,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    ResultsPublishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EntryAttachments::Table)
                    .col(big_integer(EntryAttachments::EntryId))
                    .col(big_integer(EntryAttachments::UploadId))
                    .col(boolean(EntryAttachments::Public))
                    .col(timestamp_with_time_zone(EntryAttachments::CreatedAt))
                    .col(timestamp_with_time_zone_null(EntryAttachments::RemovedAt))
                    .primary_key(
                        Index::create()
                            .col(EntryAttachments::EntryId)
                            .col(EntryAttachments::UploadId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EntryAttachments::Table, EntryAttachments::EntryId)
                            .to(Entries::Table, Entries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EntryAttachments::Table, EntryAttachments::UploadId)
                            .to(Uploads::Table, Uploads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_entry_attachments_upload")
                    .table(EntryAttachments::Table)
                    .col(EntryAttachments::UploadId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(EntryVersions::Table)
                    .add_column(text(EntryVersions::Attachments).default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .add_column(timestamp_with_time_zone_null(
                        Challenges::ResultsPublishedAt,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .drop_column(Challenges::ResultsPublishedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(EntryVersions::Table)
                    .drop_column(EntryVersions::Attachments)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(EntryAttachments::Table).to_owned())
            .await
    }
}
