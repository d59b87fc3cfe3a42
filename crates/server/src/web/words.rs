//! The interface's own words in Dutch and English. Templates write `{{ w.mijn_casussen }}`;
//! data (a phase title, a criterion, a function) keeps the model's own wording and is put
//! into words by `ave-labels`. A key missing from [`WORDS`] shows as `[key]` on the page and
//! fails the test that reads every template.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use ave_labels::Lang;
use minijinja::Value;
use minijinja::value::Object;

/// (key, Dutch, English).
pub const WORDS: &[(&str, &str, &str)] = &[
    ("product", "AVE-regie", "AVE-regie"),
    ("naar_inhoud", "Naar de inhoud", "Skip to content"),
    ("hoofdmenu", "Hoofdmenu", "Main menu"),
    ("mijn_casussen", "Mijn casussen", "My cases"),
    ("alle_casussen", "Casussen", "Cases"),
    ("modellen", "Modellen", "Models"),
    ("dashboard", "Dashboard", "Dashboard"),
    ("meldingen", "Meldingen", "Notifications"),
    ("ongelezen", "ongelezen", "unread"),
    ("aangemeld_als", "Aangemeld als", "Logged in as"),
    ("voor", "voor", "for"),
    ("afmelden", "Afmelden", "Log out"),
    ("toegankelijkheid", "Toegankelijkheid", "Accessibility"),
    ("taal_andere", "English", "Nederlands"),
    ("taal_andere_code", "en", "nl"),
    ("taal_andere_lang", "en", "nl"),
    (
        "over_product",
        "Open-sourcesoftware voor de Aanpak Voorkoming Escalatie.",
        "Open-source software for the AVE approach (Aanpak Voorkoming Escalatie).",
    ),
    // Lists
    ("filter", "Filteren", "Filter"),
    ("filter_toepassen", "Filter toepassen", "Apply filter"),
    ("filter_wissen", "Filter wissen", "Clear filter"),
    ("fase", "Fase", "Phase"),
    ("gemeente", "Gemeente", "Municipality"),
    ("aandacht", "Aandacht", "Attention"),
    ("alle", "Alle", "All"),
    ("casus", "Casus", "Case"),
    ("mijn_rol", "Mijn rol", "My role"),
    ("rollen", "Rollen", "Roles"),
    (
        "volgende_evaluatie",
        "Volgende evaluatie",
        "Next evaluation",
    ),
    ("laatste_activiteit", "Laatste activiteit", "Last activity"),
    (
        "geen_aandacht",
        "Geen aandachtspunten",
        "No attention points",
    ),
    (
        "geen_casussen",
        "Er zijn geen casussen die aan het filter voldoen.",
        "No cases match the filter.",
    ),
    (
        "geen_eigen_casussen",
        "U heeft in geen enkele casus een regierol.",
        "You hold no regie role in any case.",
    ),
    ("aantal_casussen", "casussen", "cases"),
    ("minstens", "minstens", "at least"),
    ("per_aandacht", "Aandacht per soort", "Attention by kind"),
    ("per_fase", "Casussen per fase", "Cases by phase"),
    ("aantal", "Aantal", "Number"),
    ("vorige", "Vorige pagina", "Previous page"),
    ("volgende", "Volgende pagina", "Next page"),
    ("pagina", "Pagina", "Page"),
    ("paginering", "Paginering", "Pagination"),
    ("gesloten", "Gesloten", "Closed"),
    ("open", "Open", "Open"),
    ("status", "Status", "Status"),
    ("toon", "Tonen", "Show"),
    (
        "meer_dan_getoond",
        "Er zijn meer casussen dan hier geteld; verfijn het filter.",
        "There are more cases than counted here; refine the filter.",
    ),
    (
        "rolhouder_lijst",
        "Casussen waarin u een regierol heeft, met wat vandaag aandacht vraagt.",
        "Cases in which you hold a regie role, with what needs attention today.",
    ),
    (
        "alle_lijst",
        "De casussen waarbij u betrokken bent, of die u bestuurt in hun huidige fase.",
        "The cases you are involved in, or govern in their current phase.",
    ),
    (
        "geen_toegang_casussen",
        "Met uw account ziet u geen casussen: beheerders en de functionaris gegevensbescherming lezen geen casusinhoud, en wie geen functie heeft ook niet.",
        "Your account sees no cases: administrators and the privacy officer read no case content, nor does anyone without a function.",
    ),
    // The case page
    ("huishouden", "Huishouden", "Household"),
    ("regietabel", "Regie", "Regie"),
    ("rol", "Rol", "Role"),
    (
        "voorgeschreven",
        "Volgens het model",
        "According to the model",
    ),
    ("feitelijk", "Feitelijk", "Actual"),
    ("niemand", "niemand", "nobody"),
    ("tijdlijn", "Tijdlijn", "Timeline"),
    (
        "tijdlijn_uitleg",
        "Wat er in deze casus gebeurde, nieuwste eerst.",
        "What happened in this case, newest first.",
    ),
    ("signalen", "Signalen", "Signals"),
    ("plan", "Plan", "Plan"),
    ("overleggen", "Overleggen", "Meetings"),
    ("verzoeken", "Verzoeken", "Requests"),
    ("wanneer", "Wanneer", "When"),
    ("wat", "Wat", "What"),
    ("wie", "Door", "By"),
    ("organisatie", "Organisatie", "Organisation"),
    ("grondslag", "Grondslag", "Legal basis"),
    ("inhoud_gewist", "inhoud gewist", "content erased"),
    ("geopend", "Geopend", "Opened"),
    ("model", "Model", "Model"),
    ("versie", "versie", "version"),
    (
        "toegang_samenvatting",
        "U ziet een samenvatting: u bent in deze fase operationeel of bestuurlijk verantwoordelijk, niet betrokken bij de uitvoering.",
        "You see a summary: you are operationally or administratively responsible in this phase, not involved in the work itself.",
    ),
    (
        "toegang_eigen",
        "U ziet alleen wat uw organisatie in deze casus inbracht.",
        "You see only what your organisation contributed to this case.",
    ),
    (
        "toegang_nood",
        "U heeft tijdelijk noodtoegang: alleen inzien. Deze toegang wordt beoordeeld.",
        "You have temporary emergency access: read only. This access will be reviewed.",
    ),
    (
        "geen_leden",
        "Geen gezinsleden vastgelegd.",
        "No household members recorded.",
    ),
    ("geen_signalen", "Geen signalen.", "No signals."),
    ("geen_overleggen", "Geen overleggen.", "No meetings."),
    ("geen_plan", "Nog geen plan.", "No plan yet."),
    ("doelen", "Doelen", "Goals"),
    ("acties", "Acties", "Actions"),
    ("minderjarig", "minderjarig", "minor"),
    ("alle_soorten", "Alle soorten", "All kinds"),
    ("soort", "Soort", "Kind"),
    (
        "terug_naar_lijst",
        "Terug naar Mijn casussen",
        "Back to My cases",
    ),
    (
        "gewist_uitleg",
        "De persoonlijke inhoud van deze casus is gewist (bewaartermijn verstreken); de tijdlijn blijft in hoofdlijnen.",
        "The personal content of this case has been erased (retention period ended); the timeline remains in outline.",
    ),
    ("afwijking", "afwijking", "deviation"),
    ("sinds", "sinds", "since"),
    (
        "aandacht_vandaag",
        "Wat vandaag aandacht vraagt",
        "What needs attention today",
    ),
    ("in_hoofdlijnen", "Kerngegevens", "Key facts"),
    (
        "tijdlijn_filter",
        "Tijdlijn filteren",
        "Filter the timeline",
    ),
    (
        "geen_gebeurtenissen",
        "Geen gebeurtenissen die aan het filter voldoen.",
        "No events match the filter.",
    ),
    ("deelnemers", "Aanwezig", "Present"),
    ("besluiten", "Besluiten", "Decisions"),
    ("eigenaar", "Eigenaar", "Owner"),
    ("uiterlijk", "Uiterlijk", "Due"),
    (
        "gesloten_casus",
        "Deze casus is gesloten.",
        "This case is closed.",
    ),
    (
        "geen_regie",
        "Geen regierollen in deze fase.",
        "No regie roles in this phase.",
    ),
    // Errors
    ("fout", "Er ging iets mis", "Something went wrong"),
    ("naar_start", "Naar Mijn casussen", "To My cases"),
    // Models, klantreis, dashboard (issue 12 items 4 and 5)
    (
        "modellen_uitleg",
        "De modellen waaronder casussen lopen, per gemeente. Een model is beleid: iedereen met een account ziet het.",
        "The models cases run under, per municipality. A model is policy: everyone with an account sees it.",
    ),
    (
        "modellen_in_gebruik",
        "Modellen in gebruik",
        "Models in use",
    ),
    ("geldig_vanaf", "Geldig vanaf", "Valid from"),
    ("nieuwste", "nieuwste", "newest"),
    (
        "geen_modellen",
        "Er zijn nog geen modellen opgeslagen.",
        "No models have been stored yet.",
    ),
    (
        "vergelijk_modellen",
        "Modellen vergelijken",
        "Compare models",
    ),
    ("links", "Links", "Left"),
    ("rechts", "Rechts", "Right"),
    ("vergelijk", "Vergelijken", "Compare"),
    (
        "klantreis_uitvoeren",
        "Een klantreis uitvoeren",
        "Run a klantreis",
    ),
    ("bron", "Bron", "Source"),
    ("mark_lezing", "lezing", "reading"),
    ("mark_productkeuze", "productkeuze", "product choice"),
    ("mark_lokaal", "lokale keuze", "local choice"),
    ("mark_open", "open punt", "open point"),
    (
        "markering_uitleg",
        "Wat de bron niet letterlijk zegt, is gemarkeerd:",
        "What the source does not say literally is marked:",
    ),
    (
        "mark_lezing_uitleg",
        "de bron is zo gelezen; de woorden van de bron staan onder Bron.",
        "the source is read this way; the source's words are under Source.",
    ),
    (
        "mark_productkeuze_uitleg",
        "de bron zwijgt; het product koos dit, de gemeente stelt het vast.",
        "the source is silent; the product chose this, the municipality confirms it.",
    ),
    (
        "mark_lokaal_uitleg",
        "een keuze van de gemeente zelf.",
        "a choice of the municipality itself.",
    ),
    (
        "mark_open_uitleg",
        "de bron laat dit open; de gemeente moet het nog invullen.",
        "the source leaves this open; the municipality still has to decide it.",
    ),
    ("fasen", "Fasen", "Phases"),
    ("regels", "Regels", "Rules"),
    ("regel", "Regel", "Rule"),
    ("stand", "Stand", "Setting"),
    ("principes", "Leidende principes", "Leading principles"),
    ("domein", "Domein", "Domain"),
    ("verwacht_aandeel", "verwacht aandeel", "expected share"),
    (
        "beginfase",
        "een casus kan hier beginnen",
        "a case can start here",
    ),
    ("uitgangssituatie", "Uitgangssituatie", "Starting situation"),
    ("wie_model", "Wie (functie)", "Who (function)"),
    ("toelichting", "Toelichting", "Explanation"),
    ("in_overleg_met", "In overleg met", "In consultation with"),
    ("criteria", "Criteria", "Criteria"),
    ("voorstel_door", "Voorstel door", "Proposed by"),
    ("besluit_door", "Besluit door", "Decided by"),
    ("in_overleg", "in", "in"),
    ("eerst", "Eerst", "First"),
    ("overdracht", "Overdracht", "Handover"),
    ("mogelijke_acties", "Mogelijke acties", "Possible actions"),
    (
        "werkafspraken",
        "Werkafspraken, routes en richtlijnen",
        "Agreements, routes and guidelines",
    ),
    (
        "organisaties",
        "In te zetten mensen en organisaties",
        "People and organisations to involve",
    ),
    ("termijnen", "Termijnen", "Time norms"),
    (
        "terug_naar_modellen",
        "Terug naar de modellen",
        "Back to the models",
    ),
    ("verschillen", "verschillen", "differences"),
    (
        "verschil_uitleg",
        "Rijen die verschillen zijn gemarkeerd met “verschilt”.",
        "Rows that differ are marked “differs”.",
    ),
    ("verschilt", "verschilt", "differs"),
    (
        "overgangen",
        "Op- en afschalen",
        "Escalation and de-escalation",
    ),
    // Klantreis
    ("klantreis", "Klantreis", "Klantreis (customer journey)"),
    (
        "klantreis_uitleg",
        "Laat een scenario (TOML, zoals ave klantreis het leest) lopen onder een model. Er wordt niets opgeslagen: een klantreis is een repetitie van het model, geen casus.",
        "Run a scenario (TOML, as ave klantreis reads it) under a model. Nothing is stored: a klantreis rehearses the model, it is not a case.",
    ),
    ("scenario", "Scenario (TOML)", "Scenario (TOML)"),
    (
        "scenario_hulp",
        "Plak hier het scenario. Voorbeelden staan in examples/klantreis/.",
        "Paste the scenario here. Examples are in examples/klantreis/.",
    ),
    ("model_kiezen", "Model", "Model"),
    (
        "model_uit_scenario",
        "Het model dat het scenario noemt",
        "The model the scenario names",
    ),
    ("uitvoeren", "Uitvoeren", "Run"),
    ("rapport", "Rapport", "Report"),
    ("geslaagd", "Geslaagd", "Passed"),
    ("niet_geslaagd", "Niet geslaagd", "Did not pass"),
    (
        "fout_in_formulier",
        "Het formulier bevat een fout",
        "The form contains an error",
    ),
    ("scenario_leeg", "Plak een scenario.", "Paste a scenario."),
    (
        "scenario_geen_model",
        "Het scenario noemt geen model: kies er een.",
        "The scenario names no model: choose one.",
    ),
    (
        "model_onbekend",
        "Dit model bestaat niet.",
        "This model does not exist.",
    ),
    ("hiaten", "Hiaten", "Gaps"),
    // Dashboard
    (
        "dashboard_uitleg",
        "Alleen tellingen, geen casussen: de verdeling over de fasen naast de norm, de stromen tussen fasen, de tijd in een fase en de aandachtspunten.",
        "Counts only, no cases: the distribution over the phases next to the norm, the flows between phases, the time in a phase and the attention points.",
    ),
    ("alle_gemeenten", "Alle gemeenten", "All municipalities"),
    ("periode", "Periode", "Period"),
    ("dagen", "dagen", "days"),
    (
        "verdeling",
        "Verdeling van open casussen over de fasen",
        "Distribution of open cases over the phases",
    ),
    ("norm", "Norm", "Norm"),
    ("aandeel", "Aandeel", "Share"),
    ("stromen", "Stromen tussen fasen", "Flows between phases"),
    ("van", "Van", "From"),
    ("naar", "Naar", "To"),
    (
        "tijd_in_fase",
        "Tijd in de huidige fase (open casussen)",
        "Time in the current phase (open cases)",
    ),
    ("mediaan", "Mediaan (dagen)", "Median (days)"),
    ("gemiddeld", "Gemiddeld (dagen)", "Mean (days)"),
    ("als_tabel", "Als tabel", "As a table"),
    ("open_casussen", "Open casussen", "Open cases"),
    ("totaal", "Totaal", "Total"),
    ("minder_dan_vijf", "< 5", "< 5"),
    (
        "geen_stromen",
        "Geen faseovergangen in deze periode.",
        "No phase changes in this period.",
    ),
    (
        "onderdrukking_uitleg",
        "Aantallen onder de 5 worden niet getoond (“< 5”). Staat er in een rij of kolom precies één verborgen aantal, dan wordt ook het kleinste andere aantal verborgen, zodat het verborgen getal niet uit een totaal valt af te leiden; het totaal wordt dan afgerond op tientallen.",
        "Counts under 5 are not shown (“< 5”). Where a row or column would hide exactly one count, the smallest other count is hidden too, so the hidden number cannot be worked out from a total; the total is then rounded to tens.",
    ),
    (
        "dashboard_geen_toegang",
        "Het dashboard is voor wie in een model operationeel of bestuurlijk verantwoordelijk is, voor beleid en voor beheerders.",
        "The dashboard is for those who are operationally or administratively responsible in a model, for policy and for administrators.",
    ),
    ("grafiek", "Grafiek", "Chart"),
    ("afgerond", "afgerond", "rounded"),
    (
        "grafiek_verdeling_uitleg",
        "Staafdiagram: per fase het aandeel open casussen; de stippellijn is de norm van het model. Dezelfde cijfers staan in de tabel eronder.",
        "Bar chart: the share of open cases per phase; the dashed line is the model's norm. The same figures are in the table below.",
    ),
    (
        "grafiek_tijd_uitleg",
        "Staafdiagram: per fase de mediane tijd in dagen die open casussen al in die fase zijn. Dezelfde cijfers staan in de tabel eronder.",
        "Bar chart: per phase the median time in days open cases have been in that phase. The same figures are in the table below.",
    ),
    (
        "grafiek_stromen_uitleg",
        "Staafdiagram: per overgang het aantal faseovergangen in de periode. Dezelfde cijfers staan in de tabel eronder.",
        "Bar chart: the number of phase changes per transition in the period. The same figures are in the table below.",
    ),
    (
        "grafiek_aandacht_uitleg",
        "Staafdiagram: per soort aandacht het aantal open casussen dat er vandaag om vraagt. Dezelfde cijfers staan in de tabel eronder.",
        "Bar chart: per kind of attention the number of open cases that need it today. The same figures are in the table below.",
    ),
    (
        "afronding_alle",
        "In het overzicht van alle gemeenten zijn de aantallen afgerond op vijftallen, zodat het verschil met een gemeente geen verborgen aantal verraadt.",
        "In the overview of all municipalities counts are rounded to fives, so the difference with one municipality does not reveal a hidden count.",
    ),
    ("richting", "Richting", "Direction"),
    ("opschalen", "opschalen", "escalation"),
    ("afschalen", "afschalen", "de-escalation"),
    (
        "stromen_uitleg",
        "Faseovergangen in de gekozen periode. Van een gewiste gebeurtenis zijn de fasen onbekend.",
        "Phase changes in the chosen period. The phases of an erased event are unknown.",
    ),
    ("laatste", "laatste", "last"),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| WORDS.iter().map(|(k, nl, en)| (*k, (*nl, *en))).collect())
}

/// One word in `lang`, or `[key]` for a key that does not exist.
pub fn word(key: &str, lang: Lang) -> String {
    match (table().get(key), lang) {
        (Some((nl, _)), Lang::Nl) => (*nl).to_owned(),
        (Some((_, en)), Lang::En) => (*en).to_owned(),
        (None, _) => format!("[{key}]"),
    }
}

/// The words of one language, as a template object (`w.key`).
#[derive(Debug)]
pub struct Words(pub Lang);

impl Words {
    /// The words for `lang`, ready for a template.
    pub fn value(lang: Lang) -> Value {
        Value::from_object(Words(lang))
    }
}

impl Object for Words {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        key.as_str().map(|k| Value::from(word(k, self.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_has_both_languages() {
        assert_eq!(table().len(), WORDS.len(), "a key is defined twice");
        for (k, nl, en) in WORDS {
            assert!(!nl.is_empty() && !en.is_empty(), "{k}");
        }
        assert_eq!(word("afmelden", Lang::En), "Log out");
        assert_eq!(word("bestaat-niet", Lang::Nl), "[bestaat-niet]");
    }
}
