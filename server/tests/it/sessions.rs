//! How long a session lasts, through the real router on both engines: a signed-in session's
//! expiry is pushed back at most once a day while it is used, an expired session signs nobody
//! in, and the clean-up deletes it.
//!
//! Each test writes a session record as it would stand days after sign-in (through the real
//! session store), then makes a request with its cookie.

use std::collections::HashMap;

use entente_app::api::auth::FetchCurrentUser;
use entente_app::api::session::CurrentUser;
use entente_server::auth::session_store::DbSessionStore;
use entente_server::auth::{RENEWED_AT_KEY, USER_ID_KEY};
use entente_server::store::Store;
use reqwest::header::HeaderMap;
use serde_json::json;
use time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

use crate::support::app::{TestApp, spawn_app};
use crate::support::both_engines;
use crate::support::engines::fetch_count;
use crate::support::fixtures::{client_with_cookie, session_cookie};

/// Signs up Nora and returns her user id.
async fn nora(app: &TestApp) -> String {
    let northwind = app
        .sign_up("Northwind Studio", "nora@northwind.example")
        .await;
    northwind.admin_id.to_string()
}

/// Stores a session for `user_id`, last renewed `renewed_ago` before now and expiring at
/// `expiry_date`, and returns its id.
async fn stored_session(
    sessions: &DbSessionStore,
    user_id: &str,
    renewed_ago: Duration,
    expiry_date: OffsetDateTime,
) -> Id {
    let renewed_at = (OffsetDateTime::now_utc() - renewed_ago).unix_timestamp();
    let mut record = Record {
        id: Id::default(),
        data: HashMap::from([
            (USER_ID_KEY.to_string(), json!(user_id)),
            (RENEWED_AT_KEY.to_string(), json!(renewed_at)),
        ]),
        expiry_date,
    };
    sessions.create(&mut record).await.expect("store a session");
    record.id
}

/// `current_user` for a request carrying only this session's cookie: the headers of the
/// answer and the user it names.
async fn request_with(app: &TestApp, id: Id) -> (HeaderMap, Option<CurrentUser>) {
    let client = client_with_cookie(&format!("entente_session={id}"));
    let (headers, user) = app.call_with_headers(&client, FetchCurrentUser {}).await;
    (headers, user.expect("current_user answers everyone"))
}

fn seconds_from_now(date: OffsetDateTime) -> i64 {
    (date - OffsetDateTime::now_utc()).whole_seconds()
}

both_engines! {
    async fn a_used_session_is_renewed_for_fourteen_days_once_its_last_renewal_is_a_day_old(store: Store) {
        let app = spawn_app(store).await;
        let user_id = nora(&app).await;
        let sessions = DbSessionStore::new(&app.store);
        let id = stored_session(
            &sessions,
            &user_id,
            Duration::days(2),
            OffsetDateTime::now_utc() + Duration::days(12),
        )
        .await;

        let (headers, user) = request_with(&app, id).await;
        let cookie = session_cookie(&headers).expect("the cookie is renewed");
        assert!(cookie.contains("Max-Age=1209600"), "{cookie}");
        assert_eq!(user.expect("signed in").user_id.to_string(), user_id);

        let record = sessions.load(&id).await.unwrap().expect("still stored");
        let left = seconds_from_now(record.expiry_date);
        assert!(left > Duration::days(14).whole_seconds() - 60, "{left} s left");
        let renewed_at = record.data[RENEWED_AT_KEY].as_i64().unwrap();
        assert!(OffsetDateTime::now_utc().unix_timestamp() - renewed_at < 60);
    }

    async fn a_session_renewed_within_the_day_is_not_written_again(store: Store) {
        let app = spawn_app(store).await;
        let user_id = nora(&app).await;
        let sessions = DbSessionStore::new(&app.store);
        let expiry = OffsetDateTime::now_utc() + Duration::days(14) - Duration::hours(1);
        let id = stored_session(&sessions, &user_id, Duration::hours(1), expiry).await;

        let (headers, user) = request_with(&app, id).await;
        assert_eq!(session_cookie(&headers), None, "no cookie rewrite");
        assert_eq!(user.expect("signed in").user_id.to_string(), user_id);
        let record = sessions.load(&id).await.unwrap().expect("still stored");
        assert_eq!(record.expiry_date.unix_timestamp(), expiry.unix_timestamp());
    }

    async fn an_expired_session_signs_nobody_in_and_the_clean_up_deletes_it(store: Store) {
        let app = spawn_app(store).await;
        let user_id = nora(&app).await;
        let sessions = DbSessionStore::new(&app.store);
        let expired = stored_session(
            &sessions,
            &user_id,
            Duration::days(15),
            OffsetDateTime::now_utc() - Duration::minutes(1),
        )
        .await;
        let live = fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await;
        assert_eq!(live, 2, "Nora's sign-up session and the expired one");

        let (_, user) = request_with(&app, expired).await;
        assert_eq!(user, None);

        sessions.delete_expired().await.expect("clean up");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sessions").await, 1);
        assert!(sessions.load(&expired).await.unwrap().is_none());
    }
}
