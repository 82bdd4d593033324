//! Leaders' public commitments: an official of an organisation says what it will do and by
//! when, linked to the reports, challenges or pilots it answers. Citizens follow it; its date
//! moves only with a public reason (each move kept); it is done on time, done late, or late now.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Commitments {
    Table,
    Id,
    OrganisationId,
    OfficialId,
    OfficialName,
    OfficialRole,
    Title,
    Body,
    DueOn,
    OriginalDueOn,
    MissedOn,
    DoneAt,
    DoneNote,
    LateToldAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommitmentLinks {
    Table,
    CommitmentId,
    Kind,
    TargetId,
}

#[derive(DeriveIden)]
enum CommitmentMoves {
    Table,
    Id,
    CommitmentId,
    FromDueOn,
    ToDueOn,
    Reason,
    StaffId,
    SignedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommitmentFollows {
    Table,
    CommitmentId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Commitments::Table)
                    .col(big_pk_auto(Commitments::Id))
                    .col(big_integer(Commitments::OrganisationId))
                    // The official who gave it: their account (cleared if it is deleted), and
                    // their name and office as published, kept as the record of an office.
                    .col(big_integer_null(Commitments::OfficialId))
                    .col(string_len(Commitments::OfficialName, 120))
                    .col(string_len(Commitments::OfficialRole, 120))
                    .col(string_len(Commitments::Title, 200))
                    .col(text(Commitments::Body))
                    .col(date(Commitments::DueOn))
                    .col(date(Commitments::OriginalDueOn))
                    // The date it passed unkept, if it did before its date moved: once missed,
                    // it is never counted on time.
                    .col(date_null(Commitments::MissedOn))
                    .col(timestamp_with_time_zone_null(Commitments::DoneAt))
                    .col(text_null(Commitments::DoneNote))
                    // When its followers were told it is late (once).
                    .col(timestamp_with_time_zone_null(Commitments::LateToldAt))
                    .col(timestamp_with_time_zone(Commitments::CreatedAt))
                    .col(timestamp_with_time_zone(Commitments::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Commitments::Table, Commitments::OrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_commitments_organisation")
                    .table(Commitments::Table)
                    .col(Commitments::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitmentLinks::Table)
                    .col(big_integer(CommitmentLinks::CommitmentId))
                    // `report`, `challenge` or `pilot`.
                    .col(string_len(CommitmentLinks::Kind, 16))
                    .col(big_integer(CommitmentLinks::TargetId))
                    .primary_key(
                        Index::create()
                            .col(CommitmentLinks::CommitmentId)
                            .col(CommitmentLinks::Kind)
                            .col(CommitmentLinks::TargetId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitmentLinks::Table, CommitmentLinks::CommitmentId)
                            .to(Commitments::Table, Commitments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitmentMoves::Table)
                    .col(big_pk_auto(CommitmentMoves::Id))
                    .col(big_integer(CommitmentMoves::CommitmentId))
                    .col(date(CommitmentMoves::FromDueOn))
                    .col(date(CommitmentMoves::ToDueOn))
                    .col(text(CommitmentMoves::Reason))
                    .col(big_integer_null(CommitmentMoves::StaffId))
                    .col(string_len(CommitmentMoves::SignedBy, 120))
                    .col(timestamp_with_time_zone(CommitmentMoves::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitmentMoves::Table, CommitmentMoves::CommitmentId)
                            .to(Commitments::Table, Commitments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_commitment_moves_commitment")
                    .table(CommitmentMoves::Table)
                    .col(CommitmentMoves::CommitmentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitmentFollows::Table)
                    .col(big_integer(CommitmentFollows::CommitmentId))
                    .col(big_integer(CommitmentFollows::UserId))
                    .col(timestamp_with_time_zone(CommitmentFollows::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(CommitmentFollows::CommitmentId)
                            .col(CommitmentFollows::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitmentFollows::Table, CommitmentFollows::CommitmentId)
                            .to(Commitments::Table, Commitments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitmentFollows::Table, CommitmentFollows::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CommitmentFollows::Table.into_iden(),
            CommitmentMoves::Table.into_iden(),
            CommitmentLinks::Table.into_iden(),
            Commitments::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
