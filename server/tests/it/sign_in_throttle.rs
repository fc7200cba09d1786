//! The failed sign-in throttle under load, on both engines: guesses sent all at once are
//! counted before their passwords are checked, so no more than five get through; old failures
//! are forgotten by the periodic clean-up.

use entente_app::error::AppError;
use entente_server::store::{Store, sign_in_failures};
use futures::future::join_all;
use reqwest::StatusCode;

use crate::support::app::spawn_app;
use crate::support::both_engines;
use crate::support::engines::{execute_raw, fetch_count};
use crate::support::fixtures::{LOCKED, PASSWORD, WRONG_OR_UNKNOWN, browser};

both_engines! {
    async fn twenty_simultaneous_guesses_get_five_password_checks_and_no_more(store: Store) {
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
        let locked = (StatusCode::TOO_MANY_REQUESTS, AppError::TooManyRequests(LOCKED.to_owned()));
        let checked = answers.iter().filter(|answer| **answer == wrong).count();
        let refused_unchecked = answers.iter().filter(|answer| **answer == locked).count();
        assert_eq!((checked, refused_unchecked), (5, 15), "{answers:?}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sign_in_failures").await, 5);

        let right = app.sign_in(&browser(), "nora@northwind.example", PASSWORD).await.unwrap_err();
        assert_eq!(right.with_status(StatusCode::TOO_MANY_REQUESTS), AppError::TooManyRequests(LOCKED.to_owned()));
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
