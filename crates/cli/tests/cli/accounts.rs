//! `ave account maak|code|ontgrendel|wachtwoord` on a real SQLite database: a weak password
//! is refused in Dutch and nothing is made; a good one gives an argon2id hash and a TOTP
//! secret with its otpauth:// address; the code command prints a code the server accepts; a
//! lock is lifted; a new password ends the person's sessions.

use std::io::Write;
use std::process::{Output, Stdio};

use ave_server::auth::credentials;
use ave_store::Store;
use ave_store::identity::{Membership, Organisation, Person, Session};

use crate::{assert_dutch, ave, ave_command, runtime, stderr, stdout, temp_dir};

/// The clock (the test is an edge too).
#[allow(clippy::disallowed_methods)]
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Runs `ave` with `input` on standard input.
fn ave_with_input(args: &[&str], input: &str) -> Output {
    let mut child = ave_command(&crate::root(), args, &[])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ave starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("written");
    child.wait_with_output().expect("ave ends")
}

async fn open(url: &str) -> Store {
    let store = Store::open(url).await.expect("open");
    store.migrate().await.expect("migrate");
    store
}

#[test]
fn an_account_is_made_with_a_second_factor_unlocked_and_given_a_new_password() {
    let dir = temp_dir("accounts");
    let url = format!("sqlite://{}", dir.join("ave.sqlite").display());
    let rt = runtime();
    rt.block_on(async {
        let store = open(&url).await;
        store
            .put_organisation(
                &Organisation {
                    id: "gemeente-a".into(),
                    name: "Gemeente A".into(),
                },
                None,
            )
            .await
            .expect("organisation");
        store
            .put_person(
                &Person {
                    id: "p-1".into(),
                    name: "Anouk (consulent)".into(),
                    admin: false,
                    privacy: false,
                    active: true,
                    memberships: vec![Membership {
                        organisation: "gemeente-a".into(),
                        gemeente: None,
                        function: "consulent".into(),
                    }],
                },
                Default::default(),
            )
            .await
            .expect("person");
        store.close().await;
    });
    let maak = [
        "account",
        "maak",
        "--persoon",
        "p-1",
        "--gebruikersnaam",
        "A.Jansen",
        "--wachtwoord-stdin",
        "--database",
        &url,
    ];

    for (input, why) in [
        ("kort\n", "minstens 12 tekens"),
        ("xx-a.jansen-xx-xx\n", "gebruikersnaam niet bevatten"),
    ] {
        let o = ave_with_input(&maak, input);
        assert_ne!(o.status.code(), Some(0));
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
        assert_dutch(&stderr(&o));
    }
    let o = ave(&[
        "account",
        "maak",
        "--persoon",
        "p-1",
        "--gebruikersnaam",
        "a.jansen",
        "--database",
        &url,
    ]);
    assert_ne!(
        o.status.code(),
        Some(0),
        "no terminal and no --wachtwoord-stdin"
    );
    assert!(stderr(&o).contains("--wachtwoord-stdin"), "{}", stderr(&o));
    assert_dutch(&stderr(&o));

    let o = ave_with_input(&maak, "paard-batterij-nietje\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("TOTP-geheim: "))
        .expect("the secret is shown")
        .to_owned();
    assert!(
        out.contains(&format!(
            "otpauth://totp/AVE-regie:a.jansen?secret={secret}&issuer=AVE-regie"
        )),
        "{out}"
    );
    assert!(!out.contains("paard-batterij-nietje"));
    let account = rt.block_on(async {
        let store = open(&url).await;
        let a = store.account_by_login("a.jansen").await.expect("read");
        store.close().await;
        a.expect("made")
    });
    assert!(account.password_hash.starts_with("$argon2id$"));
    assert!(credentials::verify_password(
        &account.password_hash,
        "paard-batterij-nietje"
    ));
    assert_eq!(account.totp_secret, secret);

    let o = ave_with_input(&maak, "paard-batterij-nietje\n");
    assert_ne!(o.status.code(), Some(0), "a second account is refused");
    assert_dutch(&stderr(&o));

    // The code the demo command prints is one the server accepts now.
    let o = ave(&[
        "account",
        "code",
        "--gebruikersnaam",
        "A.JANSEN",
        "--database",
        &url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let code = stdout(&o).trim().to_owned();
    assert_eq!(code.len(), 6);
    assert!(
        credentials::totp_matching_step(&secret, &code, now())
            .expect("checked")
            .is_some()
    );

    // Locked after five failures; unlocked by the command.
    rt.block_on(async {
        let store = open(&url).await;
        for _ in 0..5 {
            store
                .record_login_failure("p-1", now(), 5, chrono::Duration::minutes(15))
                .await
                .expect("counted");
        }
        store
            .create_session(
                "hash",
                &Session {
                    person: "p-1".into(),
                    actor: "{}".into(),
                    method: "wachtwoord+totp".into(),
                    csrf: "c".into(),
                    created_at: now(),
                    expires_at: now() + chrono::Duration::hours(1),
                },
            )
            .await
            .expect("session");
        store.close().await;
    });
    let o = ave(&[
        "account",
        "ontgrendel",
        "--gebruikersnaam",
        "a.jansen",
        "--database",
        &url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ontgrendeld"));

    let o = ave_with_input(
        &[
            "account",
            "wachtwoord",
            "--gebruikersnaam",
            "a.jansen",
            "--wachtwoord-stdin",
            "--database",
            &url,
        ],
        "kort\n",
    );
    assert_ne!(o.status.code(), Some(0));
    assert_dutch(&stderr(&o));
    let o = ave_with_input(
        &[
            "account",
            "wachtwoord",
            "--gebruikersnaam",
            "a.jansen",
            "--wachtwoord-stdin",
            "--database",
            &url,
        ],
        "een-ander-lang-wachtwoord\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 sessie(s) beëindigd"),
        "{}",
        stdout(&o)
    );
    rt.block_on(async {
        let store = open(&url).await;
        let a = store
            .account_by_login("a.jansen")
            .await
            .expect("read")
            .expect("account");
        assert_eq!((a.failed_count, a.locked_until), (0, None));
        assert!(credentials::verify_password(
            &a.password_hash,
            "een-ander-lang-wachtwoord"
        ));
        assert!(store.session("hash", now()).await.expect("read").is_none());
        let actions: Vec<String> = store
            .audit_entries(0, 100)
            .await
            .expect("audit")
            .into_iter()
            .map(|(_, e)| format!("{} {} {}", e.action, e.object, e.result))
            .collect();
        assert_eq!(
            actions,
            [
                "account-maken account/p-1 ok",
                "account-ontgrendelen account/p-1 ok",
                "wachtwoord-wijzigen account/p-1 ok",
            ]
        );
        store.close().await;
    });

    let o = ave(&[
        "account",
        "ontgrendel",
        "--gebruikersnaam",
        "niemand",
        "--database",
        &url,
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("geen account"), "{}", stderr(&o));
    assert_dutch(&stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ave account token` and `ave account intrekken`: the token works until it is revoked;
/// both are in the security audit log; revoking what is not there is a Dutch error.
#[test]
fn a_personal_api_token_is_made_and_revoked_with_both_in_the_audit_log() {
    let dir = temp_dir("tokens");
    let url = format!("sqlite://{}", dir.join("ave.sqlite").display());
    let rt = runtime();
    rt.block_on(async {
        let store = open(&url).await;
        let org = Organisation {
            id: "gemeente-a".into(),
            name: "Gemeente A".into(),
        };
        store.put_organisation(&org, None).await.expect("org");
        let person = Person {
            id: "p-1".into(),
            name: "Anouk (consulent)".into(),
            admin: false,
            privacy: false,
            active: true,
            memberships: Vec::new(),
        };
        store
            .put_person(&person, Default::default())
            .await
            .expect("person");
        store.close().await;
    });
    let o = ave(&[
        "account",
        "token",
        "--persoon",
        "p-1",
        "--naam",
        "koppeling",
        "--database",
        &url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let token = stdout(&o).trim().to_owned();
    let works = |token: &str| {
        rt.block_on(async {
            let store = open(&url).await;
            let hash = ave_store::identity::token_hash(token);
            let found = store.api_token(&hash, now()).await.expect("read");
            store.close().await;
            found.is_some()
        })
    };
    assert!(works(&token));
    let intrekken = [
        "account",
        "intrekken",
        "--persoon",
        "p-1",
        "--naam",
        "koppeling",
        "--database",
        &url,
    ];
    let o = ave(&intrekken);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 API-token(s) \"koppeling\" van p-1 ingetrokken"),
        "{}",
        stdout(&o)
    );
    assert!(!works(&token), "a revoked token no longer works");
    let o = ave(&intrekken);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("er is niets ingetrokken"),
        "{}",
        stderr(&o)
    );
    assert_dutch(&stderr(&o));
    let logged: Vec<String> = rt.block_on(async {
        let store = open(&url).await;
        let entries = store.audit_entries(0, 100).await.expect("audit");
        store.close().await;
        entries
            .into_iter()
            .map(|(_, e)| format!("{} {} {}", e.actor, e.action, e.object))
            .collect()
    });
    assert_eq!(
        logged,
        [
            "cli token-maken account/p-1",
            "cli token-intrekken account/p-1"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
