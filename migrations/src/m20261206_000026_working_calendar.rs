//! Each year's decisions over the working-day calendar (`app::calendar`): the year, the
//! decision it comes from (its number and date, as the government published it), and the days it
//! makes off (a bridge day) or worked (a Saturday that makes it up). The law's holidays are
//! computed, not stored.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarYears {
    Table,
    Year,
    Source,
    EnteredBy,
    EnteredAt,
    ChangedAt,
}

#[derive(DeriveIden)]
enum CalendarDays {
    Table,
    Day,
    Year,
    Decision,
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
                    .table(CalendarYears::Table)
                    .col(integer(CalendarYears::Year).primary_key())
                    .col(string_len(CalendarYears::Source, 300))
                    .col(big_integer_null(CalendarYears::EnteredBy))
                    .col(timestamp_with_time_zone(CalendarYears::EnteredAt))
                    .col(timestamp_with_time_zone_null(CalendarYears::ChangedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CalendarYears::Table, CalendarYears::EnteredBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CalendarDays::Table)
                    .col(date(CalendarDays::Day).primary_key())
                    .col(integer(CalendarDays::Year))
                    .col(string_len(CalendarDays::Decision, 8))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CalendarDays::Table, CalendarDays::Year)
                            .to(CalendarYears::Table, CalendarYears::Year)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CalendarDays::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CalendarYears::Table).to_owned())
            .await
    }
}
