//! Pages shared by signed-in people alike (`page_cache`, `query::page_class`): each person gets
//! exactly the page they would get rendered alone (their name, their votes, their follow), never
//! another's, and what they do themselves shows on their next page at once.

use crate::common::{
    self, Backend, TestApp, Visitor, nonce_and_page, spawn_app_with, spawn_second_instance,
};
use chrono::Duration;
use reqwest::StatusCode;

/// A page with its nonce (header and scripts) put as `NONCE` and the instance's address as
/// `ORIGIN`, to compare two renderings.
async fn page_without_nonce(visitor: &Visitor, path: &str) -> String {
    let response = visitor.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let (nonce, html) = nonce_and_page(response).await;
    // Each instance names its own address in links to share.
    let encoded = visitor.base.replace(':', "%3A").replace('/', "%2F");
    html.replace(&nonce, "NONCE")
        .replace(&visitor.base, "ORIGIN")
        .replace(&encoded, "ORIGIN")
}

/// An instance that keeps pages for a minute, and the address of a second one on the same
/// database that renders every page.
async fn kept_and_alone(backend: Backend) -> (TestApp, String) {
    let app = spawn_app_with(
        backend,
        common::Options {
            page_cache_ms: 60_000,
            ..Default::default()
        },
    )
    .await;
    let alone = spawn_second_instance(&app).await;
    (app, alone)
}

/// The page as the server that keeps pages answers it, checked against the page rendered for the
/// same person alone (by the instance that keeps nothing).
async fn same_as_alone(visitor: &Visitor, alone: &str, path: &str) -> String {
    let kept = page_without_nonce(visitor, path).await;
    let fresh = page_without_nonce(&visitor.with_base(alone), path).await;
    assert_eq!(
        kept, fresh,
        "{path}: the shared page differs from the page rendered alone"
    );
    let marks = app::auth::model::stand_in_marks();
    for mark in [&marks.name, &marks.email, &marks.phone] {
        assert!(
            !kept.contains(mark.as_str()),
            "{path}: a stand-in's mark was sent"
        );
    }
    kept
}

async fn title_of(app: &TestApp, slug: &str, title: &str) {
    app.scalar(&format!(
        "UPDATE challenges SET title = '{title}' WHERE slug = '{slug}' RETURNING id"
    ))
    .await;
}

async fn people_alike_share_a_page_each_with_their_own_name_votes_and_follow(backend: Backend) {
    let (app, alone) = kept_and_alone(backend).await;
    // One entry: the order of several is each person's own when rendered alone.
    let contest = app.contest(1, Some(Duration::days(3))).await;
    let slug = app
        .text(&format!(
            "SELECT slug FROM challenges WHERE id = {}",
            contest.challenge
        ))
        .await;
    let entry = app.scalar("SELECT id FROM entries").await.to_string();
    let entries = format!("/challenges/{slug}/entries");
    let challenge = format!("/challenges/{slug}");

    let an = app.citizen_named("an@example.vn", "Lê Thị An").await;
    let binh = app
        .citizen_named("binh@example.vn", "Nguyễn Văn Bình")
        .await;
    let cuong = app.citizen_named("cuong@example.vn", "Trần Cường").await;
    for path in [entries.as_str(), challenge.as_str(), "/", "/challenges"] {
        let page = same_as_alone(&an, &alone, path).await;
        assert!(page.contains("Lê Thị An"), "{path}");
        // Bình is of An's class on every one of these pages: he gets the page rendered for An,
        // with his own name in it and nothing of hers.
        let page = same_as_alone(&binh, &alone, path).await;
        assert!(page.contains("Nguyễn Văn Bình"), "{path}");
        assert!(!page.contains("Lê Thị An"), "{path}: another's name");
        assert!(!page.contains("an@example.vn"), "{path}: another's address");
    }

    // Kept, it is shared: a change to the challenge reaches Cường's page only when his class's
    // page is rendered anew.
    title_of(&app, &slug, "Tên mới của thử thách").await;
    let (_, page) = cuong.page(&entries).await;
    assert!(
        !page.contains("Tên mới của thử thách"),
        "kept for his class"
    );
    assert!(page.contains("Trần Cường"));

    // Bình votes: at once his page shows his vote (his class is now those who voted so), and
    // An's does not.
    let cast = binh.call("votes/cast", &[("entry_id", &entry)]).await;
    assert!(cast.status.is_success(), "{}", cast.body);
    let page = same_as_alone(&binh, &alone, &entries).await;
    assert!(
        page.contains("Tên mới của thử thách"),
        "rendered for his new class"
    );
    let voted = |page: &str| voted_for(page, &entry);
    assert!(voted(&page), "his vote is on his page");
    let page = page_without_nonce(&an, &entries).await;
    assert!(
        !voted(&page) && page.contains("card public-entry"),
        "An has not voted"
    );
    // Cường votes too: the page kept for those who voted so is his, with his name.
    cuong.call("votes/cast", &[("entry_id", &entry)]).await.ok();
    let page = same_as_alone(&cuong, &alone, &entries).await;
    assert!(voted(&page) && page.contains("Trần Cường") && !page.contains("Nguyễn Văn Bình"));

    // Following the challenge is part of the class of its page.
    an.call(
        "challenges/follow",
        &[("id", &contest.challenge), ("follow", "true")],
    )
    .await
    .ok();
    let following = r#"<input type="hidden" name="follow" value="false">"#;
    let page = same_as_alone(&an, &alone, &challenge).await;
    assert!(page.contains(following), "her follow shows at once");
    // Bình's class still has the page kept before the change (and its follower count).
    let (_, page) = binh.page(&challenge).await;
    assert!(!page.contains(following) && page.contains("Nguyễn Văn Bình"));

    // A name that HTML or a script would write otherwise than as it is gets a page of its own,
    // escaped as every page escapes it.
    let odd = app
        .citizen_named("odd@example.vn", "Hà <b>&\"Ba\"</b>")
        .await;
    let page = same_as_alone(&odd, &alone, &entries).await;
    assert!(page.contains("Hà &lt;b&gt;&amp;"), "escaped in the page");
    assert!(!page.contains("<b>&\"Ba\"</b>"));

    // Nobody signed out gets a signed-in person's page.
    let (_, page) = app.visitor().page(&entries).await;
    for name in ["Lê Thị An", "Nguyễn Văn Bình", "Trần Cường"] {
        assert!(!page.contains(name));
    }
}

async fn a_pilots_page_is_shared_by_followers_and_by_others_but_not_by_its_team_raters_or_commenters(
    backend: Backend,
) {
    let (app, alone) = kept_and_alone(backend).await;
    let (awarded, id) = crate::pilots::running(&app, 0).await;
    let path = format!("/pilots/{id}");
    let follow = |v: &Visitor| {
        let v = v.clone();
        let id = id.clone();
        async move {
            v.call("pilots/follow", &[("id", &id), ("follow", "true")])
                .await
                .ok();
        }
    };
    let an = app.citizen_named("an@example.vn", "Lê Thị An").await;
    let binh = app
        .citizen_named("binh@example.vn", "Nguyễn Văn Bình")
        .await;
    let chi = app.citizen_named("chi@example.vn", "Đỗ Chi").await;
    let dung = app.citizen_named("dung@example.vn", "Phan Dũng").await;
    follow(&an).await;
    follow(&binh).await;
    for (who, name) in [
        (&an, "Lê Thị An"),
        (&binh, "Nguyễn Văn Bình"),
        (&chi, "Đỗ Chi"),
    ] {
        let page = same_as_alone(who, &alone, &path).await;
        assert!(page.contains(name));
    }
    // The team posts updates from the page; a rater's form holds their own words.
    dung.call(
        "pilots/rate",
        &[
            ("pilot_id", &id),
            ("stars", "4"),
            ("comment", "Chờ ít hơn trước."),
        ],
    )
    .await
    .ok();
    for who in [awarded.team(), &dung] {
        same_as_alone(who, &alone, &path).await;
    }
    let followed = page_without_nonce(&an, &path)
        .await
        .replace("Lê Thị An", "X");
    let not = page_without_nonce(&chi, &path).await.replace("Đỗ Chi", "X");
    assert_ne!(followed, not, "the follow shows");

    // The team posts an update and Chi comments on it: her comment is on her next page at once,
    // though her class's page was kept before she wrote it.
    awarded
        .team()
        .call_multipart(
            "pilots/updates/post",
            &[
                ("pilot_id", id.as_str()),
                ("body", "Tuần đầu: 312 lượt lấy số."),
            ],
            None,
        )
        .await
        .ok();
    let seen: app::pilot::model::PilotPage = chi.call("pilots/get", &[("id", &id)]).await.json();
    let update = seen.updates[0].id.to_string();
    chi.call(
        "pilots/comments/add",
        &[
            ("update_id", &update),
            ("body", "Sáng nay tôi chờ có 20 phút."),
        ],
    )
    .await
    .ok();
    let page = same_as_alone(&chi, &alone, &path).await;
    assert!(page.contains("Sáng nay tôi chờ có 20 phút."));
}

/// A page reads its address decoded (`%6D` is `m`): a class told from the address as written
/// would read no challenge, and a voter's page kept for it would reach those who have not voted,
/// their votes in it. An address written with escapes gets a page of its own.
async fn an_address_written_with_escapes_gets_a_page_of_its_own(backend: Backend) {
    let (app, _alone) = kept_and_alone(backend).await;
    let contest = app.contest(1, Some(Duration::days(3))).await;
    let slug = app
        .text(&format!(
            "SELECT slug FROM challenges WHERE id = {}",
            contest.challenge
        ))
        .await;
    let entry = app.scalar("SELECT id FROM entries").await.to_string();
    let escaped = format!(
        "/challenges/%{:02X}{}/entries",
        slug.as_bytes()[0],
        &slug[1..]
    );
    let an = app.citizen_named("an@example.vn", "Lê Thị An").await;
    let binh = app
        .citizen_named("binh@example.vn", "Nguyễn Văn Bình")
        .await;
    let cast = binh.call("votes/cast", &[("entry_id", &entry)]).await;
    assert!(cast.status.is_success(), "{}", cast.body);
    let voted = |page: &str| voted_for(page, &entry);
    let (status, page) = binh.page(&escaped).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the escaped address is the entries page"
    );
    assert!(voted(&page), "his own vote, at the escaped address");
    let (_, page) = an.page(&escaped).await;
    assert!(page.contains("Lê Thị An"));
    assert!(
        !voted(&page) && page.contains("card public-entry"),
        "An gets a page without Bình's vote"
    );
}

on_both_databases!(
    an_address_written_with_escapes_gets_a_page_of_its_own,
    people_alike_share_a_page_each_with_their_own_name_votes_and_follow,
    a_pilots_page_is_shared_by_followers_and_by_others_but_not_by_its_team_raters_or_commenters,
);

/// Whether the entries page shows `entry` as voted for by the person it was rendered for: its
/// card says so beside the button.
fn voted_for(page: &str, entry: &str) -> bool {
    let Some(start) = page.find(&format!("id=\"entry-{entry}\"")) else {
        return false;
    };
    let card = &page[start..];
    let card = &card[..card.find("</article>").unwrap_or(card.len())];
    card.contains("class=\"vote-done\"")
}
