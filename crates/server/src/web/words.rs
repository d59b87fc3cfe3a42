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
    // Break-glass
    (
        "noodtoegang_beoordelen",
        "Noodtoegang beoordelen",
        "Review emergency access",
    ),
    (
        "noodtoegang_aanvragen",
        "Noodtoegang vragen",
        "Ask emergency access",
    ),
    (
        "noodtoegang_vragen",
        "Noodtoegang vragen",
        "Ask emergency access",
    ),
    (
        "noodtoegang_uitleg",
        "Bent u niet bij een casus betrokken, maar moet u hem nu inzien om acuut gevaar af te wenden? Vraag dan noodtoegang: alleen inzien, tijdelijk, en de functionaris gegevensbescherming beoordeelt het achteraf. Alles wat u inziet wordt vastgelegd.",
        "Not involved in a case, but must you see it now to prevent acute danger? Ask emergency access: read only, temporary, and reviewed afterwards by the privacy officer. Everything you see is logged.",
    ),
    (
        "noodtoegang_fg_uitleg",
        "Elke noodtoegang is verleend met een reden en voor korte tijd. Beoordeel of hij terecht was en leg uw bevinding vast.",
        "Each emergency access was granted with a reason, for a short time. Review whether it was justified and record your finding.",
    ),
    (
        "noodtoegang_onbekend",
        "Deze casus bestaat niet. Controleer de casus-id.",
        "This case does not exist. Check the case id.",
    ),
    ("casus_id", "Casus-id", "Case id"),
    ("reden", "Reden", "Reason"),
    (
        "reden_uitleg",
        "Waarom is toegang nu nodig? Minstens 20 tekens.",
        "Why is access needed now? At least 20 characters.",
    ),
    ("minuten", "minuten", "minutes"),
    ("verleend", "Verleend", "Granted"),
    ("beoordeeld", "Beoordeeld", "Reviewed"),
    ("bevinding", "Uw bevinding", "Your finding"),
    (
        "beoordeling_vastleggen",
        "Beoordeling vastleggen",
        "Record review",
    ),
    (
        "beoordeling_vastgelegd",
        "De beoordeling is vastgelegd.",
        "The review has been recorded.",
    ),
    (
        "geen_noodtoegang",
        "Er is geen noodtoegang om te beoordelen.",
        "There is no emergency access to review.",
    ),
    (
        "alleen_open",
        "Alleen wat nog beoordeeld moet worden",
        "Only what still needs review",
    ),
    (
        "ook_beoordeeld",
        "Ook wat al beoordeeld is",
        "Also what has been reviewed",
    ),
    (
        "formulier_fouten",
        "Het formulier is niet verstuurd. Verbeter het volgende:",
        "The form was not sent. Please correct the following:",
    ),
    // Errors
    ("fout", "Er ging iets mis", "Something went wrong"),
    ("naar_start", "Naar Mijn casussen", "To My cases"),
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
