//! `ave organisatie` and `ave persoon`: the first administrator and the directory from the
//! command line, with Dutch errors that change nothing; each change with its entry in the
//! security audit log.

use crate::{ave, temp_dir};

fn out(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn organisations_and_people_are_kept_and_listed() {
    let dir = temp_dir("directory");
    let url = format!("sqlite://{}", dir.join("ave.sqlite").display());
    let db = ["--database", url.as_str()];
    let o = ave(&[
        &[
            "organisatie",
            "maak",
            "--id",
            "gemeente-oss",
            "--naam",
            "Gemeente Oss",
        ],
        &db[..],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = ave(&[
        &[
            "persoon",
            "maak",
            "--id",
            "beheer-1",
            "--naam",
            "Bea Beheer",
            "--beheerder",
        ],
        &db[..],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = ave(&[
        &[
            "persoon",
            "maak",
            "--id",
            "oss-casusregisseur-1",
            "--naam",
            "Anouk",
            "--functie",
            "gemeente-oss:casusregisseur@Oss",
        ],
        &db[..],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = ave(&[&["persoon", "lijst"], &db[..]].concat());
    let text = out(&o);
    assert!(text.contains("beheer-1\tBea Beheer\t\tbeheerder"), "{text}");
    assert!(text.contains("gemeente-oss:casusregisseur@Oss"), "{text}");

    // An unknown organisation: a Dutch error, nothing written.
    let o = ave(&[
        &[
            "persoon",
            "maak",
            "--id",
            "x-1",
            "--naam",
            "X",
            "--functie",
            "bestaat-niet:consulent",
        ],
        &db[..],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(
        out(&o).contains("organisatie \"bestaat-niet\" bestaat niet"),
        "{}",
        out(&o)
    );
    // A malformed function and id.
    let o = ave(&[
        &[
            "persoon",
            "maak",
            "--id",
            "x-1",
            "--naam",
            "X",
            "--functie",
            "consulent",
        ],
        &db[..],
    ]
    .concat());
    assert!(out(&o).contains("ORGANISATIE:FUNCTIE"), "{}", out(&o));
    let o = ave(&[&["persoon", "maak", "--id", "X 1", "--naam", "X"], &db[..]].concat());
    assert!(out(&o).contains("kleine letters"), "{}", out(&o));
    let o = ave(&[&["persoon", "lijst"], &db[..]].concat());
    assert!(!out(&o).contains("x-1"), "{}", out(&o));

    // Each change is in the security audit log, committed with it; the refused ones are not.
    let logged = crate::runtime().block_on(async {
        let store = ave_store::Store::open(&url).await.expect("open");
        let entries = store.audit_entries(0, 100).await.expect("audit");
        store.close().await;
        entries
    });
    let logged: Vec<String> = logged
        .into_iter()
        .map(|(_, e)| format!("{} {} {} {}", e.actor, e.action, e.object, e.result))
        .collect();
    assert_eq!(
        logged,
        [
            "cli beheer organisatie/gemeente-oss ok",
            "cli beheer persoon/beheer-1 ok",
            "cli beheer persoon/oss-casusregisseur-1 ok",
        ]
    );
    let o = ave(&[&["audit", "verify"], &db[..]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
}
