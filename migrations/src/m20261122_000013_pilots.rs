//! Pilots: an awarded entry tried out in a city service, with its budget, KPIs and their
//! measurements, milestones (each with an owner and a due date), dated updates with comments,
//! citizens' ratings (one each) and followers.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Entries {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Pilots {
    Table,
    Id,
    ChallengeId,
    EntryId,
    TeamId,
    OrganisationId,
    Title,
    Summary,
    /// The award the entry won, as shown at the time ("Giải nhất").
    Award,
    OfficialName,
    OfficialRole,
    BudgetVnd,
    DisbursedVnd,
    StartsOn,
    PlannedEndOn,
    /// running, extended, rolled_out, stopped
    Status,
    ClosingStatement,
    ClosedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PilotKpis {
    Table,
    Id,
    PilotId,
    Name,
    Unit,
    Baseline,
    Target,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PilotMeasurements {
    Table,
    Id,
    KpiId,
    MeasuredOn,
    Value,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
    PilotId,
    Title,
    /// official or team
    OwnerKind,
    /// The official responsible, when the owner is an official.
    OwnerUserId,
    DueOn,
    /// The due date first set; shown beside the current one when it moved.
    OriginalDueOn,
    MoveReason,
    /// planned, in_progress, done, blocked
    Status,
    BlockedReason,
    DoneAt,
    EvidenceText,
    EvidenceUrl,
    EvidenceUploadId,
    RemindedSoonAt,
    RemindedLateAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PilotUpdates {
    Table,
    Id,
    PilotId,
    AuthorId,
    AuthorName,
    /// Posted for the team (otherwise for the city).
    ByTeam,
    Body,
    /// JSON array of upload ids.
    Photos,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PilotComments {
    Table,
    Id,
    PilotId,
    UpdateId,
    UserId,
    Body,
    CreatedAt,
    HiddenAt,
    HiddenBy,
    HiddenReason,
}

#[derive(DeriveIden)]
enum PilotRatings {
    Table,
    PilotId,
    UserId,
    Stars,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PilotFollows {
    Table,
    PilotId,
    UserId,
    CreatedAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Pilots::Table)
                    .col(big_pk_auto(Pilots::Id))
                    .col(big_integer(Pilots::ChallengeId))
                    .col(big_integer(Pilots::EntryId).unique_key())
                    .col(big_integer(Pilots::TeamId))
                    .col(big_integer(Pilots::OrganisationId))
                    .col(string_len(Pilots::Title, 200))
                    .col(text(Pilots::Summary))
                    .col(string_len(Pilots::Award, 200))
                    .col(string_len(Pilots::OfficialName, 120))
                    .col(string_len(Pilots::OfficialRole, 120))
                    .col(big_integer(Pilots::BudgetVnd))
                    .col(big_integer(Pilots::DisbursedVnd))
                    .col(date(Pilots::StartsOn))
                    .col(date(Pilots::PlannedEndOn))
                    .col(string_len(Pilots::Status, 20))
                    .col(text_null(Pilots::ClosingStatement))
                    .col(timestamp_with_time_zone_null(Pilots::ClosedAt))
                    .col(big_integer_null(Pilots::CreatedBy))
                    .col(timestamp_with_time_zone(Pilots::CreatedAt))
                    .col(timestamp_with_time_zone(Pilots::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Pilots::Table, Pilots::ChallengeId),
                        (Challenges::Table, Challenges::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Pilots::Table, Pilots::EntryId),
                        (Entries::Table, Entries::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Pilots::Table, Pilots::TeamId),
                        (Teams::Table, Teams::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Pilots::Table, Pilots::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Pilots::Table, Pilots::CreatedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PilotKpis::Table)
                    .col(big_pk_auto(PilotKpis::Id))
                    .col(big_integer(PilotKpis::PilotId))
                    .col(string_len(PilotKpis::Name, 200))
                    .col(string_len(PilotKpis::Unit, 40))
                    .col(double(PilotKpis::Baseline))
                    .col(double(PilotKpis::Target))
                    .col(integer(PilotKpis::Position))
                    .col(timestamp_with_time_zone(PilotKpis::CreatedAt))
                    .foreign_key(&mut fk(
                        (PilotKpis::Table, PilotKpis::PilotId),
                        (Pilots::Table, Pilots::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PilotMeasurements::Table)
                    .col(big_pk_auto(PilotMeasurements::Id))
                    .col(big_integer(PilotMeasurements::KpiId))
                    .col(date(PilotMeasurements::MeasuredOn))
                    .col(double(PilotMeasurements::Value))
                    .col(text(PilotMeasurements::Note))
                    .col(big_integer_null(PilotMeasurements::RecordedBy))
                    .col(timestamp_with_time_zone(PilotMeasurements::CreatedAt))
                    .foreign_key(&mut fk(
                        (PilotMeasurements::Table, PilotMeasurements::KpiId),
                        (PilotKpis::Table, PilotKpis::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PilotMeasurements::Table, PilotMeasurements::RecordedBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Milestones::Table)
                    .col(big_pk_auto(Milestones::Id))
                    .col(big_integer(Milestones::PilotId))
                    .col(string_len(Milestones::Title, 200))
                    .col(string_len(Milestones::OwnerKind, 20))
                    .col(big_integer_null(Milestones::OwnerUserId))
                    .col(date(Milestones::DueOn))
                    .col(date(Milestones::OriginalDueOn))
                    .col(text_null(Milestones::MoveReason))
                    .col(string_len(Milestones::Status, 20))
                    .col(text_null(Milestones::BlockedReason))
                    .col(timestamp_with_time_zone_null(Milestones::DoneAt))
                    .col(text_null(Milestones::EvidenceText))
                    .col(text_null(Milestones::EvidenceUrl))
                    .col(big_integer_null(Milestones::EvidenceUploadId))
                    .col(timestamp_with_time_zone_null(Milestones::RemindedSoonAt))
                    .col(timestamp_with_time_zone_null(Milestones::RemindedLateAt))
                    .col(timestamp_with_time_zone(Milestones::CreatedAt))
                    .col(timestamp_with_time_zone(Milestones::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Milestones::Table, Milestones::PilotId),
                        (Pilots::Table, Pilots::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Milestones::Table, Milestones::OwnerUserId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (Milestones::Table, Milestones::EvidenceUploadId),
                        (Uploads::Table, Uploads::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PilotUpdates::Table)
                    .col(big_pk_auto(PilotUpdates::Id))
                    .col(big_integer(PilotUpdates::PilotId))
                    .col(big_integer_null(PilotUpdates::AuthorId))
                    .col(string_len(PilotUpdates::AuthorName, 120))
                    .col(boolean(PilotUpdates::ByTeam))
                    .col(text(PilotUpdates::Body))
                    .col(text(PilotUpdates::Photos))
                    .col(timestamp_with_time_zone(PilotUpdates::CreatedAt))
                    .foreign_key(&mut fk(
                        (PilotUpdates::Table, PilotUpdates::PilotId),
                        (Pilots::Table, Pilots::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PilotUpdates::Table, PilotUpdates::AuthorId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PilotComments::Table)
                    .col(big_pk_auto(PilotComments::Id))
                    .col(big_integer(PilotComments::PilotId))
                    .col(big_integer(PilotComments::UpdateId))
                    .col(big_integer_null(PilotComments::UserId))
                    .col(text(PilotComments::Body))
                    .col(timestamp_with_time_zone(PilotComments::CreatedAt))
                    .col(timestamp_with_time_zone_null(PilotComments::HiddenAt))
                    .col(big_integer_null(PilotComments::HiddenBy))
                    .col(text_null(PilotComments::HiddenReason))
                    .foreign_key(&mut fk(
                        (PilotComments::Table, PilotComments::PilotId),
                        (Pilots::Table, Pilots::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PilotComments::Table, PilotComments::UpdateId),
                        (PilotUpdates::Table, PilotUpdates::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PilotComments::Table, PilotComments::UserId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (PilotComments::Table, PilotComments::HiddenBy),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PilotRatings::Table)
                    .col(big_integer(PilotRatings::PilotId))
                    .col(big_integer(PilotRatings::UserId))
                    .col(integer(PilotRatings::Stars))
                    .col(text(PilotRatings::Comment))
                    .col(timestamp_with_time_zone(PilotRatings::CreatedAt))
                    .col(timestamp_with_time_zone(PilotRatings::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(PilotRatings::PilotId)
                            .col(PilotRatings::UserId),
                    )
                    .foreign_key(&mut fk(
                        (PilotRatings::Table, PilotRatings::PilotId),
                        (Pilots::Table, Pilots::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PilotRatings::Table, PilotRatings::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PilotFollows::Table)
                    .col(big_integer(PilotFollows::PilotId))
                    .col(big_integer(PilotFollows::UserId))
                    .col(timestamp_with_time_zone(PilotFollows::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(PilotFollows::PilotId)
                            .col(PilotFollows::UserId),
                    )
                    .foreign_key(&mut fk(
                        (PilotFollows::Table, PilotFollows::PilotId),
                        (Pilots::Table, Pilots::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PilotFollows::Table, PilotFollows::UserId),
                        (Users::Table, Users::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "idx_milestones_pilot",
                Milestones::Table.into_iden(),
                Milestones::PilotId.into_iden(),
            ),
            (
                "idx_pilot_kpis_pilot",
                PilotKpis::Table.into_iden(),
                PilotKpis::PilotId.into_iden(),
            ),
            (
                "idx_pilot_measurements_kpi",
                PilotMeasurements::Table.into_iden(),
                PilotMeasurements::KpiId.into_iden(),
            ),
            (
                "idx_pilot_updates_pilot",
                PilotUpdates::Table.into_iden(),
                PilotUpdates::PilotId.into_iden(),
            ),
            (
                "idx_pilot_comments_pilot",
                PilotComments::Table.into_iden(),
                PilotComments::PilotId.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PilotFollows::Table.into_iden(),
            PilotRatings::Table.into_iden(),
            PilotComments::Table.into_iden(),
            PilotUpdates::Table.into_iden(),
            Milestones::Table.into_iden(),
            PilotMeasurements::Table.into_iden(),
            PilotKpis::Table.into_iden(),
            Pilots::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
