//! The failed sign-in throttle under load, on both engines: guesses sent all at once are
//! counted before their passwords are checked, so no more than the slow-down lets through get
//! checked; the slow-down before the lock; old failures are forgotten by the periodic clean-up.

use entente_app::error::AppError;
use entente_server::store::{Store, sign_in_failures};
use futures::future::join_all;
use reqwest::StatusCode;

use crate::support::app::spawn_app;
use crate::support::both_engines;
use crate::support::engines::{execute_raw, fetch_count};
use crate::support::fixtures::{PASSWORD, WRONG_OR_UNKNOWN, browser};

/// Whether `error` is the slow-down's refusal: a wait of a few seconds, said in seconds.
fn is_a_wait_in_seconds(error: &AppError) -> bool {
    let AppError::TooManyRequests(message) = error else {
        return false;
    };
    let wait = message
        .strip_prefix("Too many failed attempts. Try again in ")
        .and_then(|rest| rest.strip_suffix(" seconds."))
        .and_then(|seconds| seconds.parse::<i64>().ok());
    matches!(wait, Some(1..=5))
}

both_engines! {
    async fn twenty_simultaneous_guesses_get_two_password_checks_and_the_rest_wait(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", "nora@northwind.example").await;

        let guesses = (0..20).map(|n| {
            let app = &app;
            async move {
                let refused = app
                    .sign_in(&browser(), "nora@northwind.example", &format!("guess {n}"))
                    .await
                    .unwrap_err();
                (refused.status, refused.error)
            }
        });
        let answers = join_all(guesses).await;
        let wrong = (StatusCode::UNPROCESSABLE_ENTITY, AppError::field("password", WRONG_OR_UNKNOWN));
        let checked = answers.iter().filter(|answer| **answer == wrong).count();
        let waiting = answers.iter().filter(|(status, error)| {
            *status == StatusCode::TOO_MANY_REQUESTS && is_a_wait_in_seconds(error)
        });
        // The first two failures cost nothing; the third try waits, and so does every guess
        // sent alongside, since each is counted before its password is checked.
        assert_eq!((checked, waiting.count()), (2, 18), "{answers:?}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sign_in_failures").await, 2);

        let right = app.sign_in(&browser(), "nora@northwind.example", PASSWORD).await.unwrap_err();
        assert!(is_a_wait_in_seconds(&right.with_status(StatusCode::TOO_MANY_REQUESTS)));
    }

    async fn sign_in_slows_down_after_two_failures_before_it_locks_and_a_refused_try_is_not_counted(store: Store) {
        let app = spawn_app(store).await;
        app.sign_up("Northwind Studio", "nora@northwind.example").await;
        app.fail_sign_ins(&browser(), "nora@northwind.example", 1).await;
        // A second try right after the first mistake is checked...
        let second = app.sign_in(&browser(), "nora@northwind.example", "wrong again").await.unwrap_err();
        assert_eq!(second.with_status(StatusCode::UNPROCESSABLE_ENTITY), AppError::field("password", WRONG_OR_UNKNOWN));
        // ...a third waits five seconds, even with the right password, and is not counted.
        let third = app.sign_in(&browser(), "nora@northwind.example", PASSWORD).await.unwrap_err();
        let error = third.with_status(StatusCode::TOO_MANY_REQUESTS);
        assert!(is_a_wait_in_seconds(&error), "{error:?}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sign_in_failures").await, 2);
        // Once the five seconds have passed, the right password signs in and clears the count.
        execute_raw(&app.store, "UPDATE sign_in_failures SET failed_at = failed_at - 5").await.unwrap();
        let client = browser();
        app.sign_in(&client, "nora@northwind.example", PASSWORD).await.expect("signs in after the wait");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sign_in_failures").await, 0);
    }

    async fn failures_too_old_to_count_are_forgotten_for_every_address(store: Store) {
        let app = spawn_app(store).await;
        for address in ["gone@a.example", "gone@b.example", "recent@c.example"] {
            let refused = app.sign_in(&browser(), address, "wrong password").await.unwrap_err();
            assert_eq!(
                refused.with_status(StatusCode::UNPROCESSABLE_ENTITY),
                AppError::field("password", WRONG_OR_UNKNOWN)
            );
        }
        execute_raw(
            &app.store,
            "UPDATE sign_in_failures SET failed_at = failed_at - 3600 WHERE email LIKE 'gone@%'",
        )
        .await
        .unwrap();

        let window_start = entente_core::sign_in::failure_window_start(entente_core::Timestamp(
            fetch_count(&app.store, "SELECT MAX(failed_at) FROM sign_in_failures").await,
        ));
        let forgotten = sign_in_failures::forget_sign_in_failures_before(&app.store, window_start.0)
            .await
            .unwrap();
        assert_eq!(forgotten, 2);
        assert_eq!(
            fetch_count(&app.store, "SELECT COUNT(*) FROM sign_in_failures WHERE email = 'recent@c.example'").await,
            1
        );
    }
}
