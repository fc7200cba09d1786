//! The failed sign-in throttle under load, on both engines: guesses sent all at once are
//! counted before their passwords are checked, so no more than five get through; old failures
//! are forgotten by the periodic clean-up.

use entente_server::store::{Store, sign_in_failures};
use futures::future::join_all;

use crate::app::spawn_app;
use crate::auth::{PASSWORD, WRONG_OR_UNKNOWN, browser, field_error, sign_in, sign_up};
use crate::helpers::{both_engines, execute_raw, fetch_count};

const LOCKED: &str = "Too many failed attempts. Try again in 15 minutes.";

both_engines! {
    async fn twenty_simultaneous_guesses_get_five_password_checks_and_no_more(store: Store) {
        let app = spawn_app(store).await;
        sign_up(&app, &browser(), "nora@northwind.example").await;

        let guesses = (0..20).map(|n| {
            let app = &app;
            async move {
                let response =
                    sign_in(app, &browser(), "nora@northwind.example", &format!("guess {n}")).await;
                field_error(response, "password").await
            }
        });
        let answers = join_all(guesses).await;
        let checked = answers.iter().filter(|answer| *answer == WRONG_OR_UNKNOWN).count();
        let locked = answers.iter().filter(|answer| *answer == LOCKED).count();
        assert_eq!((checked, locked), (5, 15), "{answers:?}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM sign_in_failures").await, 5);

        let right = sign_in(&app, &browser(), "nora@northwind.example", PASSWORD).await;
        assert_eq!(field_error(right, "password").await, LOCKED);
    }

    async fn failures_too_old_to_count_are_forgotten_for_every_address(store: Store) {
        let app = spawn_app(store).await;
        for address in ["gone@a.example", "gone@b.example", "recent@c.example"] {
            let refused = sign_in(&app, &browser(), address, "wrong password").await;
            assert_eq!(field_error(refused, "password").await, WRONG_OR_UNKNOWN);
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
