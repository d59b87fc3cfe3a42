//! `ave klantreis`: exit codes, and scenario mistakes in Dutch.

use crate::{assert_dutch, ave, ave_in, stderr, stdout, temp_dir};

#[test]
fn klantreis_exits_0_when_every_expectation_is_met_and_1_otherwise() {
    let scenario = "examples/klantreis/noord-limburg/01-op-en-afschalen.toml";
    let o = ave(&["klantreis", scenario]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("Hiaten"));
    // Under another model the same journey breaks: its functions do not exist there.
    let o = ave(&["klantreis", scenario, "--model", "oss", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(json["unmet"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn scenario_mistakes_are_worded_in_dutch() {
    let dir = temp_dir("scenario-words");
    let scenario = std::fs::read_to_string(
        crate::root().join("examples/klantreis/oss/01-op-en-afschalen.toml"),
    )
    .expect("scenario");
    let first_step = scenario.find("[[steps]]").expect("steps");
    let do_at = first_step + scenario[first_step..].find("do = \"").expect("do") + "do = \"".len();
    let end = do_at + scenario[do_at..].find('"').expect("end");
    for (text, want) in [
        (
            format!("{}asses-criterion{}", &scenario[..do_at], &scenario[end..]),
            "onbekende waarde `asses-criterion`",
        ),
        (
            scenario.replacen("organisation = \"Politie, basisteam Oss\"\n", "", 1),
            "de verplichte sleutel `organisation` ontbreekt",
        ),
    ] {
        std::fs::write(dir.join("s.toml"), &text).expect("write");
        let o = ave_in(
            &dir,
            &["klantreis", "s.toml"],
            std::time::Duration::from_secs(20),
        );
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains(want), "{err}");
        assert_dutch(&err);
        let o = ave_in(
            &dir,
            &["-v", "klantreis", "s.toml"],
            std::time::Duration::from_secs(20),
        );
        assert!(stderr(&o).contains("technisch: "), "{}", stderr(&o));
    }
}
