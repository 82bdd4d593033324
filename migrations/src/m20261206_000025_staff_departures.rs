//! Who stopped being staff of an organisation (or an administrator), and when. Staff read every
//! entry of their organisation's challenges with its team: having been staff while a challenge
//! existed, a person knows what its teams wrote, so they do not compete in it, nor sit on its
//! blind panel, after leaving either. Kept as the account and as a digest of its mailbox (an
//! account deleted and registered again on the same address is still the person who left).
//! An administrator's departure has no organisation: they organised every one.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffDepartures {
    Table,
    Id,
    OrganisationId,
    UserId,
    MailboxHash,
    LeftAt,
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
                    .table(StaffDepartures::Table)
                    .col(big_pk_auto(StaffDepartures::Id))
                    .col(big_integer_null(StaffDepartures::OrganisationId))
                    .col(big_integer_null(StaffDepartures::UserId))
                    .col(string_len(StaffDepartures::MailboxHash, 64))
                    .col(timestamp_with_time_zone(StaffDepartures::LeftAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffDepartures::Table, StaffDepartures::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffDepartures::Table, StaffDepartures::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_staff_departures_user", StaffDepartures::UserId),
            ("idx_staff_departures_mailbox", StaffDepartures::MailboxHash),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(StaffDepartures::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        // Staff taken off before this table existed are on the record (`staff.revoke`, with the
        // person's account in its details): they are departures too, by account (the mailbox
        // was not kept). Staff whose accounts were deleted left no such trace.
        let db = manager.get_connection();
        let user_id = match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                r#"CAST(substring(a.details from '"user_id":\s*(\d+)') AS BIGINT)"#
            }
            _ => r#"CAST(substr(a.details, instr(a.details, '"user_id":') + 10) AS INTEGER)"#,
        };
        db.execute_unprepared(&format!(
            "INSERT INTO staff_departures (organisation_id, user_id, mailbox_hash, left_at) \
             SELECT a.target_id, u.id, '', a.created_at FROM audit_log a \
             JOIN users u ON u.id = {user_id} \
             WHERE a.action = 'staff.revoke' \
             AND a.target_id IN (SELECT id FROM organisations)"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffDepartures::Table).to_owned())
            .await
    }
}
