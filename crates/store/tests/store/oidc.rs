//! Logins under way at an OpenID Connect provider: taken once, never after they expire.

use ave_store::oidc::PendingLogin;

use crate::support::{at, on_every_backend};

fn login(expires: u32) -> PendingLogin {
    PendingLogin {
        provider: "gemeente-oss".to_owned(),
        browser_hash: "b".repeat(64),
        nonce: "nonce".to_owned(),
        pkce_verifier: "verifier".to_owned(),
        expires_at: at(expires),
    }
}

#[tokio::test]
async fn a_pending_login_is_taken_once_and_never_after_it_expired() {
    on_every_backend(|db| async move {
        db.store
            .put_oidc_login("state-1", &login(10), at(1))
            .await
            .expect("put");
        db.store
            .put_oidc_login("state-2", &login(3), at(1))
            .await
            .expect("put");
        let taken = db
            .store
            .take_oidc_login("state-1", at(2))
            .await
            .expect("take");
        assert_eq!(taken, Some(login(10)));
        assert_eq!(
            db.store
                .take_oidc_login("state-1", at(2))
                .await
                .expect("again"),
            None,
            "a state works once"
        );
        assert_eq!(
            db.store
                .take_oidc_login("state-2", at(4))
                .await
                .expect("late"),
            None,
            "an expired login is refused"
        );
        assert_eq!(
            db.store
                .take_oidc_login("bestaat-niet", at(2))
                .await
                .expect("unknown"),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn starting_a_login_forgets_the_expired_ones() {
    on_every_backend(|db| async move {
        db.store
            .put_oidc_login("oud", &login(3), at(1))
            .await
            .expect("put");
        db.store
            .put_oidc_login("nieuw", &login(20), at(5))
            .await
            .expect("put");
        // Taken with a clock that would still accept it: the row is gone all the same.
        assert_eq!(
            db.store.take_oidc_login("oud", at(2)).await.expect("take"),
            None
        );
    })
    .await;
}
