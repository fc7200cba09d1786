//! How much work one server render of a page does: each Account settings page, and the home
//! page's work of the day, reads its list once per render (the settings gate, and the home
//! page's signed-in branch, used to build their content three times, each with a new list
//! resource, so the list query ran three times and the page carried three copies).

use entente_core::Profile;
use entente_server::store::Store;
use reqwest::StatusCode;

use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::logs::CapturedLogs;

/// How many times the span `name` of `target` opened while `client` rendered `path`.
async fn spans_in_one_render(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    target: &str,
    name: &str,
) -> usize {
    let logs = CapturedLogs::default();
    let _capture = logs.capture();
    let (status, _) = app.page(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    // A span's opening is logged as `<parents>:<name>{<fields>}: <target>: new` (no
    // `<parents>:` at the top, no `{<fields>}` when it has none).
    let ending = format!(": {target}: new");
    let named = |line: &str| {
        [":", " "].iter().any(|before| {
            line.contains(&format!("{before}{name}{{"))
                || line.ends_with(&format!("{before}{name}{ending}"))
        })
    };
    logs.text()
        .lines()
        .filter(|line| line.ends_with(&ending) && named(line))
        .count()
}

both_engines! {
    async fn each_listing_page_reads_its_list_once_per_render(store: Store) {
        let app = spawn_app(store).await;
        let acme = app.sign_up("Acme Studio", "ada@acme.example").await;
        app.sign_up("Globex Print", "gil@globex.example").await;
        crate::partners_tab::send(&app, &acme.admin, "gil@globex.example").await.unwrap();

        let pages = [
            ("/settings/partners", "entente_server::store::partner_requests::tab", "list_for_tab"),
            ("/settings/users", "entente_server::store::users", "list_users"),
            ("/settings/activity", "entente_server::store::audit", "list"),
            // The home page's work of the day (its "shared with us lately" reads one page).
            ("/", "entente_server::store::shares", "page"),
        ];
        for (path, target, name) in pages {
            let reads = spans_in_one_render(&app, &acme.admin, path, target, name).await;
            assert_eq!(reads, 1, "{path} read its list {reads} times in one render");
        }
        // A profile that may not see the page reads no list at all.
        let standard = app.invited_and_signed_in(&acme.admin, "sue@acme.example", Profile::Standard).await;
        let logs = CapturedLogs::default();
        let _capture = logs.capture();
        let (status, _) = app.page(&standard, "/settings/partners").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!logs.text().contains("list_for_tab{"), "{}", logs.text());
    }
}
