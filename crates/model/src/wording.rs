//! Our own Dutch wording for what libraries say. The TOML parser and serde report in English
//! and in programmer terms ("invalid type: string \"een\", expected u32"); a policy officer
//! should read "verkeerd soort waarde: de tekst "een", verwacht een geheel getal". Each
//! function here recognises the library's message shapes and words them anew; a message it
//! does not recognise gets a plain Dutch sentence. The library text itself is kept by the
//! caller as a [`crate::Diagnostic::detail`] for developers.

use crate::diagnostic::Code;
use crate::suggest::Suggester;

/// A library message put into Dutch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    /// The Dutch message.
    pub message: String,
    /// The code it belongs to: [`Code::UnknownKey`] for unknown keys and values, otherwise
    /// [`Code::Shape`].
    pub code: Code,
}

/// Messages this crate (and crates using its ids and dates) produce in Dutch through serde's
/// `custom` errors; they pass through unchanged.
const OWN_DUTCH: &[&str] = &[
    "een id ",
    "geen geldige datum",
    "alleen een datum",
    "verwacht ",
    "geen geldige",
];

/// Words a serde error (from deserialising a model, a scenario, a command) in Dutch.
pub fn serde_message(raw: &str) -> Worded {
    let raw = raw.trim();
    let shape = |message: String| Worded {
        message,
        code: Code::Shape,
    };
    let unknown = |message: String| Worded {
        message,
        code: Code::UnknownKey,
    };
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let (name, allowed) = name_and_allowed(rest);
        return unknown(format!(
            "onbekende sleutel `{name}`.{}",
            allowed_text(&name, &allowed, "sleutels")
        ));
    }
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (name, allowed) = name_and_allowed(rest);
        return unknown(format!(
            "onbekende waarde `{name}`.{}",
            allowed_text(&name, &allowed, "waarden")
        ));
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return shape(format!(
            "de verplichte sleutel `{}` ontbreekt",
            rest.trim_matches('`')
        ));
    }
    if let Some(rest) = raw.strip_prefix("duplicate field ") {
        return shape(format!(
            "de sleutel `{}` staat er meer dan eens",
            rest.trim_matches('`')
        ));
    }
    for (prefix, lead) in [
        ("invalid type: ", "verkeerd soort waarde"),
        ("invalid value: ", "ongeldige waarde"),
    ] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some((unexpected, expected)) = rest.rsplit_once(", expected ")
        {
            let hint = if unexpected.starts_with("integer") && expected.starts_with('f') {
                " (schrijf het getal met een decimaal, bijvoorbeeld 5.0)"
            } else if unexpected.starts_with("integer") && expected == "u32" {
                " van 0 tot en met 4294967295"
            } else {
                ""
            };
            return shape(format!(
                "{lead}: {}, verwacht {}{hint}",
                unexpected_text(unexpected),
                expected_text(expected)
            ));
        }
    }
    if let Some(rest) = raw.strip_prefix("invalid length ")
        && let Some((n, expected)) = rest.split_once(", expected ")
    {
        return shape(format!(
            "verkeerd aantal ({n}), verwacht {}",
            expected_text(expected)
        ));
    }
    if raw.starts_with("wanted exactly 1 element") {
        return shape(
            "hier hoort precies één sleutel, bijvoorbeeld `{ criterion = \"id\" }` of `{ any = [ … ] }`"
                .to_owned(),
        );
    }
    if raw == "wanted string or table" {
        return shape("verwacht een tekst of een tabel".to_owned());
    }
    if raw.contains("overflowed") {
        return shape("het getal is te groot".to_owned());
    }
    if OWN_DUTCH.iter().any(|p| raw.starts_with(p)) {
        return shape(raw.to_owned());
    }
    shape("deze waarde past hier niet".to_owned())
}

/// Splits "`name`, expected one of `a`, `b`" into the name and the allowed names.
fn name_and_allowed(rest: &str) -> (String, Vec<String>) {
    let (name, tail) = match rest.split_once(", ") {
        Some((n, t)) => (n, t),
        None => (rest, ""),
    };
    let name = name.trim_matches('`').to_owned();
    let allowed = tail
        .strip_prefix("expected one of ")
        .or_else(|| tail.strip_prefix("expected "))
        .map(|list| {
            // serde lists three or more as "`a`, `b`, `c`" and two as "`a` or `b`".
            list.split(", ")
                .flat_map(|s| s.split(" or "))
                .map(|s| s.trim_matches('`').to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    (name, allowed)
}

fn allowed_text(name: &str, allowed: &[String], what: &str) -> String {
    if allowed.is_empty() {
        return format!(" Hier zijn geen {what} toegestaan.");
    }
    let hint = Suggester::default().hint(name, allowed.iter().map(String::as_str));
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{hint} Toegestaan: {list}.")
}

/// Where a library's English starts inside a message that another crate built around it
/// (such as "stap 3: unknown variant `x`, expected …").
const LIBRARY_STARTS: &[&str] = &[
    "unknown field ",
    "unknown variant ",
    "missing field ",
    "duplicate field ",
    "invalid type: ",
    "invalid value: ",
    "invalid length ",
    "wanted exactly 1 element",
    "wanted string or table",
];

/// Rewords a message that carries a library's English after our own Dutch context, as the
/// scenario reader builds them ("stap 3: " + serde's text, "geen geldige TOML: " + the
/// parser's text). Gives the Dutch message and the library text, or `None` if the message
/// has no library text in it.
pub fn reword(message: &str) -> Option<(String, String)> {
    if let Some(at) = message.find("geen geldige TOML: ") {
        let (head, raw) = message.split_at(at + "geen geldige TOML: ".len());
        return Some((format!("{head}{}", toml_syntax(raw)), raw.to_owned()));
    }
    let at = LIBRARY_STARTS
        .iter()
        .filter_map(|p| message.find(p))
        .min()?;
    let (head, raw) = message.split_at(at);
    Some((
        format!("{head}{}", serde_message(raw).message),
        raw.to_owned(),
    ))
}

/// serde's description of the value found, in Dutch.
fn unexpected_text(u: &str) -> String {
    let inner = |s: &str| {
        s.trim()
            .trim_matches('`')
            .split("` as ")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    if let Some(v) = u.strip_prefix("string ") {
        return format!("de tekst {}", shorten(v));
    }
    if let Some(v) = u.strip_prefix("integer ") {
        return format!("het gehele getal {}", inner(v));
    }
    if let Some(v) = u.strip_prefix("floating point ") {
        return format!("het getal {}", inner(v));
    }
    if let Some(v) = u.strip_prefix("boolean ") {
        return format!("de waarde {}", inner(v));
    }
    if let Some(v) = u.strip_prefix("character ") {
        return format!("het teken {}", inner(v));
    }
    match u {
        "map" => "een tabel (of datum)".to_owned(),
        "sequence" => "een lijst".to_owned(),
        "unit value" | "unit" => "een lege waarde".to_owned(),
        "enum" | "unit variant" | "newtype variant" | "tuple variant" | "struct variant" => {
            "een keuzewaarde".to_owned()
        }
        _ => "een andere soort waarde".to_owned(),
    }
}

/// At most 40 characters of a value from the file, so an error never floods the screen.
fn shorten(v: &str) -> String {
    if v.chars().count() <= 40 {
        v.to_owned()
    } else {
        let head: String = v.chars().take(37).collect();
        format!("{head}…\"")
    }
}

/// serde's description of what was expected, in Dutch.
fn expected_text(e: &str) -> String {
    let e = e.trim();
    let word = match e {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "een geheel getal (0 of meer)",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "een geheel getal",
        "f32" | "f64" => "een getal",
        "a boolean" => "true of false",
        "a string" | "a borrowed string" | "a character" | "a str" => {
            "een tekst tussen aanhalingstekens"
        }
        "a sequence" | "a seq" => "een lijst [ … ]",
        "a map" => "een tabel",
        "a date such as 2025-01-01" => "een datum (JJJJ-MM-DD)",
        "variant identifier" | "field identifier" => "een naam",
        _ if e.starts_with("struct ") => "een tabel",
        _ if e.starts_with("internally tagged enum") => "een tabel met `kind`",
        _ if e.starts_with("enum ") => "een van de toegestane waarden",
        _ if e.starts_with("tuple") => "een lijst",
        _ if e.starts_with("a ") || e.starts_with("an ") => "een andere soort waarde",
        _ => return e.to_owned(),
    };
    word.to_owned()
}

/// Words a TOML syntax error (`"<what is wrong>, expected <tokens>"`) in Dutch.
pub fn toml_syntax(raw: &str) -> String {
    let raw = raw.trim();
    let (what, expected) = match raw.split_once(", expected ") {
        Some((w, e)) => (w, Some(e)),
        None => (raw, None),
    };
    let mut s = match syntax_phrase(what) {
        Some(nl) => nl.to_owned(),
        None if what.starts_with("invalid ") => {
            format!("ongeldige {}", syntax_noun(&what["invalid ".len()..]))
        }
        None => "de TOML-syntaxis klopt hier niet".to_owned(),
    };
    if let Some(expected) = expected {
        let items: Vec<String> = expected.split(", ").map(expected_token).collect();
        if !items.iter().any(String::is_empty) {
            s.push_str("; verwacht: ");
            s.push_str(&items.join(" of "));
        }
    }
    s
}

fn syntax_phrase(what: &str) -> Option<&'static str> {
    Some(match what {
        "duplicate key" => "deze sleutel of tabel staat er al eerder in dit bestand",
        "unclosed table" => "de tabelkop is niet afgesloten",
        "unclosed array table" => "de kop van de lijst van tabellen is niet afgesloten",
        "unclosed array" => "de lijst is niet afgesloten",
        "unclosed inline table" => "de tabel tussen { } is niet afgesloten",
        "key with no value" | "missing value for key" | "missing value" => {
            "de sleutel heeft geen waarde"
        }
        "string values must be quoted" => "tekst moet tussen aanhalingstekens staan",
        "missing assignment between key-value pairs" | "missing comma between key-value pairs" => {
            "tussen twee sleutels ontbreekt een nieuwe regel of komma"
        }
        "extra assignment between key-value pairs" => "er staat een `=` te veel",
        "missing comma between array elements" => {
            "tussen twee elementen van de lijst ontbreekt een komma"
        }
        "extra comma in array" => "er staat een komma te veel in de lijst",
        "extra comma in inline table" => "er staat een komma te veel in de tabel",
        "unquoted keys cannot be empty" => "een sleutel zonder aanhalingstekens mag niet leeg zijn",
        "unexpected content" | "unexpected key or value" => "hier staat iets onverwachts",
        "unexpected content between comment and newline" => {
            "na het commentaar staat iets onverwachts"
        }
        "carriage return must be followed by newline" => {
            "een regeleinde is onvolledig (CR zonder LF)"
        }
        "missing opening quote" => "het openingsaanhalingsteken ontbreekt",
        "missing escaped value" => "na `\\` ontbreekt het teken",
        "unexpected leading zero" => "een getal mag niet met een 0 beginnen",
        "integers with a radix cannot be signed" | "unexpected sign" | "redundant numeric sign" => {
            "het teken + of − staat hier verkeerd"
        }
        "radix must be lowercase" | "redundant integer number prefix" => {
            "het getal is verkeerd geschreven"
        }
        "too few unicode value digits" => "de unicode-code heeft te weinig cijfers",
        "keys cannot be multi-line literal strings" | "keys cannot be multi-line basic strings" => {
            "een sleutel mag geen tekst over meerdere regels zijn"
        }
        "missing key for inline table element" => "in de tabel ontbreekt een sleutel",
        "recursion limit" => "lijsten en tabellen zijn te diep genest",
        "could not allocate for string" => "de tekst is te lang",
        _ => return None,
    })
}

fn syntax_noun(noun: &str) -> String {
    match noun {
        "date" => "datum".to_owned(),
        "time" => "tijd".to_owned(),
        "datetime" | "date-time" => "datum of tijd".to_owned(),
        "offset" => "tijdzone".to_owned(),
        "string"
        | "basic string"
        | "literal string"
        | "multi-line basic string"
        | "multi-line literal string" => "tekst".to_owned(),
        "key" | "unquoted key" => "sleutel".to_owned(),
        "table" => "tabelkop".to_owned(),
        "inline table element" => "tabelelement".to_owned(),
        "key-value pair" => "regel (verwacht `sleutel = waarde`)".to_owned(),
        "comment character" => "teken in het commentaar".to_owned(),
        "boolean" => "waarde (alleen true of false)".to_owned(),
        "value" => "waarde".to_owned(),
        n if n.contains("number") || n.contains("float") || n.contains("integer") => {
            "getal".to_owned()
        }
        "fraction" | "exponent" | "mantissa" => "getal".to_owned(),
        _ => "invoer".to_owned(),
    }
}

/// One expected token of a syntax error; the empty string if it cannot be worded.
fn expected_token(t: &str) -> String {
    let t = t.trim();
    if t.starts_with('`') {
        return t.to_owned();
    }
    let days = |t: &str| {
        t.strip_prefix("day between 01 and ")
            .map(|n| format!("een dag van 01 tot en met {n}"))
    };
    if let Some(d) = days(t) {
        return d;
    }
    match t {
        "month between 01 and 12" => "een maand van 01 tot en met 12",
        "hour between 00 and 23" => "een uur van 00 tot en met 23",
        "minute between 00 and 59" => "minuten van 00 tot en met 59",
        "second between 00 and 60" => "seconden van 00 tot en met 60",
        "a four-digit year (YYYY)" | "year or hour" => "een jaar van vier cijfers (JJJJ)",
        "a two-digit month (MM)" | "month" => "een maand van twee cijfers (MM)",
        "a two-digit day (DD)" | "day" => "een dag van twee cijfers (DD)",
        "a two-digit hour (HH)" | "hour" => "een uur van twee cijfers",
        "a two-digit minute (MM)" | "minute" => "minuten van twee cijfers",
        "a two-digit second (SS)" | "second" => "seconden van twee cijfers",
        "key" | "unquoted string" => "een sleutel",
        "literal string" | "basic string" | "string" => {
            "een waarde (tekst tussen aanhalingstekens)"
        }
        "newline" => "een nieuwe regel",
        "comment" => "commentaar",
        "whitespace" => "een spatie",
        "end-of-input" | "nothing" => "het einde van het bestand",
        "value" | "invalid value" => "een waarde",
        "integer" | "numbers" | "hexadecimal" | "date-time" => "een getal of datum",
        "letters" | "characters" | "printable characters" => "tekens",
        _ => "",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_worded_in_dutch() {
        let w = serde_message("invalid type: string \"een\", expected u32");
        assert_eq!(
            w.message,
            "verkeerd soort waarde: de tekst \"een\", verwacht een geheel getal (0 of meer)"
        );
        let w = serde_message("invalid type: integer `5` as i128, expected f64");
        assert!(
            w.message.contains("het gehele getal 5, verwacht een getal"),
            "{w:?}"
        );
        assert!(w.message.contains("5.0"));
        let w = serde_message(
            "unknown variant `asses-criterion`, expected one of `open`, `assess-criterion`",
        );
        assert_eq!(w.code, Code::UnknownKey);
        assert!(w.message.contains("Bedoelt u `assess-criterion`?"), "{w:?}");
        let w = serde_message("unknown variant `xml`, expected `tekst` or `json`");
        assert_eq!(
            w.message,
            "onbekende waarde `xml`. Toegestaan: `tekst`, `json`."
        );
        let w = serde_message("missing field `organisation`");
        assert_eq!(w.message, "de verplichte sleutel `organisation` ontbreekt");
        let w = serde_message("unknown field `naam`, there are no fields");
        assert!(w.message.contains("geen sleutels toegestaan"));
        let w = serde_message("invalid value: integer `-1`, expected u32");
        assert_eq!(
            w.message,
            "ongeldige waarde: het gehele getal -1, verwacht een geheel getal (0 of meer) van 0 tot en met 4294967295"
        );
        let w = serde_message("something nobody foresaw");
        assert_eq!(w.message, "deze waarde past hier niet");
    }

    #[test]
    fn no_english_word_of_a_known_shape_survives() {
        for raw in [
            "invalid type: map, expected a string",
            "invalid type: sequence, expected a boolean",
            "invalid value: integer `-1`, expected u32",
            "invalid type: floating point `1.5`, expected u32",
            "invalid length 3, expected a tuple of size 2",
            "wanted exactly 1 element, more than 1 element",
            "duplicate field `id`",
        ] {
            let m = serde_message(raw).message;
            for english in [
                "invalid", "expected", "string", "integer", "map", "sequence", "field", "wanted",
            ] {
                assert!(!m.contains(english), "{raw} -> {m}");
            }
        }
    }

    #[test]
    fn library_text_after_our_own_context_is_reworded() {
        let (dutch, raw) =
            reword("[[people]]: missing field `organisation`").expect("library text");
        assert_eq!(
            dutch,
            "[[people]]: de verplichte sleutel `organisation` ontbreekt"
        );
        assert_eq!(raw, "missing field `organisation`");
        let (dutch, _) = reword(
            "stap 3: unknown variant `asses-criterion`, expected one of `open`, `assess-criterion`",
        )
        .expect("library text");
        assert!(
            dutch.starts_with("stap 3: onbekende waarde `asses-criterion`."),
            "{dutch}"
        );
        assert!(dutch.contains("Bedoelt u `assess-criterion`?"), "{dutch}");
        assert_eq!(reword("stap 3: by: een id mag niet leeg zijn"), None);
    }

    #[test]
    fn toml_syntax_errors_are_worded_in_dutch() {
        assert_eq!(
            toml_syntax("invalid date, expected day between 01 and 28"),
            "ongeldige datum; verwacht: een dag van 01 tot en met 28"
        );
        assert_eq!(
            toml_syntax("invalid basic string, expected `\"`"),
            "ongeldige tekst; verwacht: `\"`"
        );
        assert_eq!(
            toml_syntax("key with no value, expected `=`"),
            "de sleutel heeft geen waarde; verwacht: `=`"
        );
        assert_eq!(
            toml_syntax("duplicate key"),
            "deze sleutel of tabel staat er al eerder in dit bestand"
        );
        assert_eq!(toml_syntax("zzz"), "de TOML-syntaxis klopt hier niet");
    }
}
