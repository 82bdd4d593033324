//! Roles are checked on the server: admins manage organisations and staff, staff hold a role per
//! organisation, citizens and visitors are refused what is not theirs.

use crate::common::{Backend, spawn_app};
use app::error::AppError;
use app::org::model::{Organisation, OrganisationAdmin};
use reqwest::StatusCode;

async fn a_visitor_must_sign_in_and_a_citizen_is_forbidden_admin_work(backend: Backend) {
    let app = spawn_app(backend).await;
    let visitor = app.visitor();
    let answer = visitor.call("admin/organisations", &[]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error(), AppError::Unauthenticated);

    let citizen = app.citizen("dan@example.vn").await;
    for (endpoint, form) in [
        ("admin/organisations", vec![]),
        (
            "admin/organisations/create",
            vec![
                ("name_vi", "Phường 9"),
                ("name_en", "Ward 9"),
                ("kind", "ward"),
            ],
        ),
        (
            "admin/organisations/staff/add",
            vec![("organisation_id", "1"), ("email", "dan@example.vn")],
        ),
        (
            "admin/organisations/staff/remove",
            vec![("organisation_id", "1"), ("user_id", "1")],
        ),
        ("admin/audit", vec![]),
    ] {
        let answer = citizen.call(endpoint, &form).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{endpoint}");
        assert_eq!(answer.error(), AppError::Forbidden);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM organisations").await,
        0,
        "nothing was created"
    );
}

async fn an_admin_creates_an_organisation_and_makes_a_citizen_its_staff(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let city: Organisation = admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Thành phố Tây Ninh"),
                ("name_en", "Tay Ninh City"),
                ("kind", "city"),
            ],
        )
        .await
        .json();
    let city_id = city.id.to_string();
    let ward: Organisation = admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường Bến Thành"),
                ("name_en", "Ben Thanh Ward"),
                ("kind", "ward"),
                ("parent_id", &city_id),
            ],
        )
        .await
        .json();
    assert_eq!(ward.slug, "phuong-ben-thanh");
    assert_eq!(ward.parent_id, Some(city.id));

    let citizen = app.citizen("hoa@example.vn").await;
    admin
        .call(
            "admin/organisations/staff/add",
            &[
                ("organisation_id", &ward.id.to_string()),
                ("email", "hoa@example.vn"),
                ("title", "Chủ tịch UBND phường"),
            ],
        )
        .await
        .ok();
    // The role waits for two-step sign-in, then holds.
    assert!(citizen.viewer().await.unwrap().office_waiting);
    citizen.turn_on_two_step().await;
    let viewer = citizen.viewer().await.unwrap();
    assert!(viewer.is_staff_of(ward.id));
    assert!(
        !viewer.is_staff_of(city.id),
        "staff of a ward is not staff of the city"
    );
    assert_eq!(
        viewer.unread_notifications, 1,
        "the new staff member is told"
    );

    let orgs: Vec<OrganisationAdmin> = admin.call("admin/organisations", &[]).await.json();
    let listed = orgs.iter().find(|o| o.organisation.id == ward.id).unwrap();
    assert_eq!(
        listed.staff[0].title.as_deref(),
        Some("Chủ tịch UBND phường")
    );

    // Granting twice is refused next to the email field; unknown accounts too.
    let twice = admin
        .call(
            "admin/organisations/staff/add",
            &[
                ("organisation_id", &ward.id.to_string()),
                ("email", "hoa@example.vn"),
            ],
        )
        .await;
    assert_eq!(
        twice.error(),
        AppError::invalid("email", "error.already_staff")
    );
    let unknown = admin
        .call(
            "admin/organisations/staff/add",
            &[
                ("organisation_id", &ward.id.to_string()),
                ("email", "ai@example.vn"),
            ],
        )
        .await;
    assert_eq!(
        unknown.error(),
        AppError::invalid("email", "error.no_such_account")
    );

    admin
        .call(
            "admin/organisations/staff/remove",
            &[
                ("organisation_id", &ward.id.to_string()),
                (
                    "user_id",
                    &app.scalar("SELECT id FROM users WHERE email = 'hoa@example.vn'")
                        .await
                        .to_string(),
                ),
            ],
        )
        .await
        .ok();
    assert!(!citizen.viewer().await.unwrap().is_staff());

    let audit: app::audit::model::AuditPage = admin.call("admin/audit", &[]).await.json();
    let actions: Vec<&str> = audit.entries.iter().map(|e| e.action.as_str()).collect();
    for expected in ["staff.revoke", "staff.grant", "organisation.create"] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let grant = audit
        .entries
        .iter()
        .find(|e| e.action == "staff.grant")
        .unwrap();
    assert_eq!(grant.actor_role, "admin");
    assert_eq!(grant.target_id, Some(ward.id));
}

async fn bad_organisations_are_refused_field_by_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let answer = admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", ""),
                ("name_en", "W"),
                ("kind", "galaxy"),
                ("parent_id", "999"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Invalid(errors) = answer.error() else {
        panic!("expected field errors")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for field in ["name_vi", "name_en", "kind", "parent_id"] {
        assert!(fields.contains(&field), "{field} not flagged in {fields:?}");
    }
    admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường 1"),
                ("name_en", "Ward 1"),
                ("kind", "ward"),
            ],
        )
        .await
        .ok();
    let dup = admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường 1"),
                ("name_en", "Ward One"),
                ("kind", "ward"),
            ],
        )
        .await;
    assert_eq!(
        dup.error(),
        AppError::invalid("name_vi", "error.org_exists")
    );
}

async fn notifications_can_be_read_and_email_switched_off_per_kind(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let ward: Organisation = admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường 3"),
                ("name_en", "Ward 3"),
                ("kind", "ward"),
            ],
        )
        .await
        .json();
    let citizen = app.citizen("lan@example.vn").await;
    // Keep emails about passwords, switch off emails about staff roles.
    citizen
        .call(
            "notifications/preferences/save",
            &[("email_on[]", "password_changed")],
        )
        .await
        .ok();
    let prefs: Vec<app::notify::model::EmailPreference> =
        citizen.call("notifications/preferences", &[]).await.json();
    assert!(
        prefs
            .iter()
            .any(|p| p.kind.code() == "staff_role_granted" && !p.email)
    );
    assert!(
        prefs
            .iter()
            .any(|p| p.kind.code() == "password_changed" && p.email)
    );

    admin
        .call(
            "admin/organisations/staff/add",
            &[
                ("organisation_id", &ward.id.to_string()),
                ("email", "lan@example.vn"),
            ],
        )
        .await
        .ok();
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE to_email = 'lan@example.vn' AND kind = 'staff_role_granted'").await, 0);
    let list: Vec<app::notify::model::NotificationItem> =
        citizen.call("notifications/list", &[]).await.json();
    assert_eq!(list.len(), 1, "the in-app notification still arrives");
    assert!(!list[0].read);
    citizen.call("notifications/read-all", &[]).await.ok();
    assert_eq!(citizen.viewer().await.unwrap().unread_notifications, 0);
}

on_both_databases!(
    a_visitor_must_sign_in_and_a_citizen_is_forbidden_admin_work,
    an_admin_creates_an_organisation_and_makes_a_citizen_its_staff,
    bad_organisations_are_refused_field_by_field,
    notifications_can_be_read_and_email_switched_off_per_kind,
);
