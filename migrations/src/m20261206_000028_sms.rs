//! Text messages (SMS): the outbox every message waits in until the gateway took it, the
//! one-time codes that prove a person holds a phone number, and the numbers that follow a
//! report's answer by SMS.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    Id,
    ToPhone,
    Kind,
    Body,
    RequestId,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    SentAt,
    GaveUpAt,
    ProviderId,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PhoneCodes {
    Table,
    Id,
    Phone,
    Purpose,
    SubjectId,
    CodeHash,
    Attempts,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportSmsFollowers {
    Table,
    ReportId,
    Phone,
    Locale,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SmsOutbox::Table)
                    .col(big_pk_auto(SmsOutbox::Id))
                    .col(string_len(SmsOutbox::ToPhone, 16))
                    .col(string_len(SmsOutbox::Kind, 40))
                    .col(text(SmsOutbox::Body))
                    .col(string_len_uniq(SmsOutbox::RequestId, 40))
                    .col(integer(SmsOutbox::Attempts))
                    .col(timestamp_with_time_zone(SmsOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(SmsOutbox::LockedUntil))
                    .col(timestamp_with_time_zone_null(SmsOutbox::SentAt))
                    .col(timestamp_with_time_zone_null(SmsOutbox::GaveUpAt))
                    .col(string_len_null(SmsOutbox::ProviderId, 80))
                    .col(text_null(SmsOutbox::LastError))
                    .col(timestamp_with_time_zone(SmsOutbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_sms_outbox_due",
                vec![SmsOutbox::SentAt, SmsOutbox::NextAttemptAt],
            ),
            (
                "idx_sms_outbox_phone",
                vec![SmsOutbox::ToPhone, SmsOutbox::CreatedAt],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(SmsOutbox::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PhoneCodes::Table)
                    .col(big_pk_auto(PhoneCodes::Id))
                    .col(string_len(PhoneCodes::Phone, 16))
                    .col(string_len(PhoneCodes::Purpose, 40))
                    .col(big_integer_null(PhoneCodes::SubjectId))
                    .col(string_len(PhoneCodes::CodeHash, 64))
                    .col(integer(PhoneCodes::Attempts))
                    .col(timestamp_with_time_zone(PhoneCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PhoneCodes::UsedAt))
                    .col(timestamp_with_time_zone(PhoneCodes::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_phone_codes_phone")
                    .table(PhoneCodes::Table)
                    .col(PhoneCodes::Phone)
                    .col(PhoneCodes::Purpose)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportSmsFollowers::Table)
                    .col(big_integer(ReportSmsFollowers::ReportId))
                    .col(string_len(ReportSmsFollowers::Phone, 16))
                    .col(string_len(ReportSmsFollowers::Locale, 8))
                    .col(timestamp_with_time_zone(ReportSmsFollowers::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ReportSmsFollowers::ReportId)
                            .col(ReportSmsFollowers::Phone),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportSmsFollowers::Table, ReportSmsFollowers::ReportId)
                            .to(Reports::Table, Reports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReportSmsFollowers::Table.into_iden(),
            PhoneCodes::Table.into_iden(),
            SmsOutbox::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
