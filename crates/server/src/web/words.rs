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
    ("casussen_kop", "Casussen", "Cases"),
    ("van_totaal", "van", "of"),
    ("minstens", "minstens", "at least"),
    ("per_aandacht", "Aandacht per soort", "Attention by kind"),
    ("per_fase", "Casussen per fase", "Cases by phase"),
    ("aantal", "Aantal", "Number"),
    ("vorige", "Vorige pagina", "Previous page"),
    ("volgende", "Volgende pagina", "Next page"),
    ("pagina", "Pagina", "Page"),
    (
        "voorbij_laatste_pagina",
        "Deze pagina ligt voorbij het einde van de lijst.",
        "This page is past the end of the list.",
    ),
    (
        "naar_laatste_pagina",
        "Naar de laatste pagina",
        "To the last page",
    ),
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
        "Voor deze casus-id kunt u geen noodtoegang krijgen: de casus bestaat niet, of u heeft er al toegang toe of mag er geen noodtoegang voor vragen. Controleer de casus-id.",
        "You cannot get emergency access with this case id: the case does not exist, or you already have access to it or may not ask for emergency access to it. Check the case id.",
    ),
    (
        "noodtoegang_casus_leeg",
        "Vul de casus-id in.",
        "Fill in the case id.",
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
    // Meldingen
    (
        "meldingen_uitleg",
        "Wat het model zegt dat u moet weten: een signaal dat een trigger raakte, een verzoek dat op uw besluit wacht, een overdracht.",
        "What the model says you must know: a signal that set off a trigger, a request waiting for your decision, a handover.",
    ),
    (
        "geen_meldingen",
        "U heeft geen meldingen.",
        "You have no notifications.",
    ),
    ("nieuw", "Nieuw", "New"),
    ("naar_casus", "Naar casus", "To case"),
    ("markeer_gelezen", "Markeer als gelezen", "Mark as read"),
    (
        "melding_gelezen",
        "De melding is als gelezen gemarkeerd.",
        "The notification has been marked as read.",
    ),
    (
        "ongelezen_meldingen",
        "ongelezen meldingen",
        "unread notifications",
    ),
    // Errors
    ("fout", "Er ging iets mis", "Something went wrong"),
    ("naar_start", "Naar Mijn casussen", "To My cases"),
    // The case page's actions (issue 12): forms, their fields and messages.
    ("acties_kop", "Acties", "Actions"),
    ("actie_signaal", "Signaal vastleggen", "Record a signal"),
    (
        "actie_rol",
        "Rol toewijzen of beëindigen",
        "Assign or release a role",
    ),
    (
        "actie_verzoek",
        "Op- of afschalen voorstellen",
        "Propose escalation or de-escalation",
    ),
    (
        "actie_besluit",
        "Besluiten over het verzoek",
        "Decide on the request",
    ),
    ("actie_overleg", "Overleg vastleggen", "Record a meeting"),
    ("actie_sluiten", "Casus sluiten", "Close the case"),
    (
        "gedaan_signaal",
        "Het signaal is vastgelegd.",
        "The signal has been recorded.",
    ),
    (
        "gedaan_rol",
        "De rol is vastgelegd.",
        "The role has been recorded.",
    ),
    (
        "gedaan_verzoek",
        "Het verzoek is ingediend; het wacht op een besluit.",
        "The request has been submitted; it awaits a decision.",
    ),
    (
        "gedaan_besluit",
        "Het besluit is vastgelegd.",
        "The decision has been recorded.",
    ),
    (
        "gedaan_overleg",
        "Het overleg is vastgelegd.",
        "The meeting has been recorded.",
    ),
    (
        "gedaan_sluiten",
        "De casus is gesloten.",
        "The case has been closed.",
    ),
    ("terug_naar_casus", "Terug naar casus", "Back to case"),
    ("annuleren", "Annuleren", "Cancel"),
    ("verplicht", "verplicht", "required"),
    ("kies", "Maak een keuze", "Choose"),
    ("kies_knop", "Kiezen", "Choose"),
    ("knop_opslaan", "Vastleggen", "Record"),
    ("knop_signaal", "Signaal vastleggen", "Record signal"),
    ("knop_verzoek", "Verzoek indienen", "Submit request"),
    ("knop_besluit", "Besluit vastleggen", "Record decision"),
    ("knop_sluiten", "Casus sluiten", "Close case"),
    (
        "fouten_kop",
        "Controleer de invoer",
        "Please check your input",
    ),
    ("fout_leeg", "Vul dit veld in.", "Fill in this field."),
    (
        "fout_te_lang",
        "Deze tekst is te lang; maak hem korter.",
        "This text is too long; shorten it.",
    ),
    ("fout_kies", "Maak een keuze.", "Make a choice."),
    (
        "fout_onbekende_keuze",
        "Deze keuze bestaat niet; kies uit de lijst.",
        "This choice does not exist; choose from the list.",
    ),
    (
        "fout_datum",
        "Geen geldige datum; schrijf hem als JJJJ-MM-DD.",
        "Not a valid date; write it as YYYY-MM-DD.",
    ),
    (
        "fout_kies_criterium",
        "Vink ten minste één criterium aan.",
        "Tick at least one criterion.",
    ),
    (
        "fout_kies_aanwezige",
        "Vink ten minste één aanwezige aan.",
        "Tick at least one attendee.",
    ),
    (
        "intussen_gewijzigd",
        "De casus is intussen gewijzigd.",
        "The case has changed meanwhile.",
    ),
    (
        "intussen_gewijzigd_uitleg",
        "Er is niets vastgelegd. Controleer het formulier hieronder (het toont de casus zoals hij nu is, met wat u invulde) en verstuur het opnieuw.",
        "Nothing was recorded. Check the form below (it shows the case as it is now, with what you entered) and send it again.",
    ),
    ("geweigerd", "Niet vastgelegd", "Not recorded"),
    (
        "niets_vastgelegd",
        "Er is niets vastgelegd.",
        "Nothing was recorded.",
    ),
    ("regel", "Regel", "Rule"),
    ("bron", "Bron", "Source"),
    (
        "bij_voorkeur_kop",
        "Afwijking van wat het model bij voorkeur vraagt",
        "Deviation from what the model asks preferably",
    ),
    (
        "bij_voorkeur_uitleg",
        "Het model vraagt dit bij voorkeur, niet verplicht. U kunt ervan afwijken met een motivering; de afwijking wordt vastgelegd en getoond aan wie haar moet zien.",
        "The model asks this preferably, not mandatorily. You may deviate with a motivation; the deviation is recorded and shown to those who must see it.",
    ),
    (
        "motivering",
        "Motivering van de afwijking",
        "Motivation of the deviation",
    ),
    (
        "uitleg_motivering",
        "Alleen nodig als deze stap afwijkt van een regel die het model bij voorkeur stelt.",
        "Only needed when this step deviates from a rule the model sets preferably.",
    ),
    (
        "uitleg_motivering_nodig",
        "Nodig bij goedkeuren: deze stap wijkt af van wat het model bij voorkeur vraagt (zie hierboven).",
        "Needed to approve: this step deviates from what the model asks preferably (see above).",
    ),
    ("afwijkingen_kop", "Afwijkingen", "Deviations"),
    ("afwijking_ongezien", "nog niet gezien", "not seen yet"),
    ("gezien_door", "gezien door", "seen by"),
    (
        "intro_signaal",
        "Leg vast wat over het huishouden gemeld is. Schrijf alleen op wat nodig is voor de hulp.",
        "Record what was reported about the household. Write only what the help needs.",
    ),
    ("veld_bron", "Bron", "Source"),
    (
        "uitleg_bron",
        "Wie meldde het: politie, school, buren, woningcorporatie, …",
        "Who reported it: police, school, neighbours, housing corporation, …",
    ),
    ("veld_categorie", "Soort signaal", "Kind of signal"),
    ("categorie_zorg", "Zorg", "Care"),
    ("categorie_veiligheid", "Veiligheid", "Safety"),
    ("categorie_openbare_orde", "Openbare orde", "Public order"),
    ("categorie_wonen", "Wonen", "Housing"),
    ("categorie_school", "School", "School"),
    ("categorie_financien", "Financiën", "Finances"),
    ("categorie_gezondheid", "Gezondheid", "Health"),
    ("categorie_anders", "Anders", "Other"),
    (
        "veld_signaal_tekst",
        "Wat is er gemeld?",
        "What was reported?",
    ),
    (
        "uitleg_signaal_tekst",
        "Feitelijk en kort.",
        "Factual and short.",
    ),
    (
        "veld_triggers",
        "Situaties uit het model",
        "Situations from the model",
    ),
    (
        "uitleg_triggers",
        "Vink aan wat van toepassing is; het model zegt dan wie geïnformeerd moet worden.",
        "Tick what applies; the model then says whom to inform.",
    ),
    (
        "intro_rol",
        "Wijs een rol toe aan een deelnemer, of beëindig een rol. Het model zegt per fase wie welke rol hoort te hebben.",
        "Assign a role to a participant, or end a role. The model says per phase who should hold which role.",
    ),
    (
        "volgens_model_fase",
        "Volgens het model in deze fase",
        "According to the model in this phase",
    ),
    ("huidige_rollen", "Huidige rollen", "Current roles"),
    (
        "veld_handeling",
        "Wat wilt u doen?",
        "What do you want to do?",
    ),
    ("rol_toewijzen", "Rol toewijzen", "Assign the role"),
    ("rol_beeindigen", "Rol beëindigen", "End the role"),
    ("veld_persoon", "Deelnemer", "Participant"),
    ("veld_herziening", "Herzieningsdatum", "Review date"),
    (
        "uitleg_herziening",
        "Voor procesregie (tijdelijk): JJJJ-MM-DD. Leeg: de norm van de fase.",
        "For procesregie (temporary): YYYY-MM-DD. Empty: the phase's norm.",
    ),
    ("veld_reden", "Reden", "Reason"),
    (
        "uitleg_reden_rol",
        "Verplicht bij beëindigen, en bij wisseling van casusregisseur.",
        "Required when ending a role, and when the casusregisseur changes.",
    ),
    (
        "intro_verzoek",
        "Kies de overgang die u voorstelt. Het formulier toont wat het model ervoor vraagt en wie besluit.",
        "Choose the transition you propose. The form shows what the model asks for it and who decides.",
    ),
    ("veld_overgang", "Overgang", "Transition"),
    ("overgang", "Overgang", "Transition"),
    ("opschalen", "Opschalen", "Escalate"),
    ("afschalen", "Afschalen", "De-escalate"),
    ("voorwaarde", "Voorwaarde", "Condition"),
    ("wie_besluit", "Wie besluit", "Who decides"),
    ("wie_stelt_voor", "Wie stelt voor", "Who proposes"),
    (
        "voorwaarden_vooraf",
        "Wat het model vooraf vraagt",
        "What the model asks first",
    ),
    ("voldaan", "voldaan", "met"),
    ("nog_niet_voldaan", "nog niet voldaan", "not met yet"),
    (
        "nog_nodig",
        "Nog nodig voor het besluit",
        "Still needed for the decision",
    ),
    (
        "veld_criteria",
        "Criteria uit het model",
        "Criteria from the model",
    ),
    (
        "uitleg_criteria",
        "Vink aan welke criteria nu gelden; ze worden vastgesteld met de onderbouwing hieronder.",
        "Tick the criteria that hold now; they are established with the evidence below.",
    ),
    (
        "al_vastgesteld",
        "al vastgesteld in deze fase",
        "already established in this phase",
    ),
    ("veld_onderbouwing", "Onderbouwing", "Evidence"),
    (
        "uitleg_onderbouwing",
        "Waarop rust het voorstel?",
        "What does the proposal rest on?",
    ),
    (
        "verzoek_wacht",
        "Een verzoek wacht op een besluit",
        "A request awaits a decision",
    ),
    ("voorgesteld_door", "Voorgesteld door", "Proposed by"),
    ("criteria", "Criteria", "Criteria"),
    ("veld_besluit", "Besluit", "Decision"),
    ("goedkeuren", "Goedkeuren", "Approve"),
    ("afwijzen", "Afwijzen", "Reject"),
    (
        "veld_reden_besluit",
        "Reden van het besluit",
        "Reason for the decision",
    ),
    ("veld_bevoegdheid", "Bevoegdheid", "Authority"),
    (
        "uitleg_bevoegdheid",
        "Op grond van welk mandaat of welke bepaling, naast uw functie (optioneel).",
        "Under which mandate or provision, beyond your function (optional).",
    ),
    ("veld_geraadpleegd", "Geraadpleegd", "Consulted"),
    (
        "uitleg_geraadpleegd",
        "Wie u over dit besluit raadpleegde.",
        "Whom you consulted about this decision.",
    ),
    (
        "intro_overleg",
        "Leg een overleg vast: de soort uit het model, wie er waren en wat besloten is.",
        "Record a meeting: its kind from the model, who attended and what was decided.",
    ),
    ("veld_soort_overleg", "Soort overleg", "Kind of meeting"),
    ("veld_aanwezig", "Aanwezig", "Present"),
    (
        "uitleg_besluiten",
        "Eén besluit per regel.",
        "One decision per line.",
    ),
    (
        "intro_sluiten",
        "Sluit de casus als er geen ondersteuning meer nodig is, of leg vast waarom hij eindigt. Het model bepaalt of dat in deze fase kan.",
        "Close the case when no more support is needed, or record why it ends. The model decides whether that is possible in this phase.",
    ),
    (
        "veld_eindsituatie",
        "Hoe eindigt de casus?",
        "How does the case end?",
    ),
    (
        "eind_afgesloten",
        "Afgesloten: geen ondersteuning meer nodig",
        "Closed: no further support needed",
    ),
    (
        "eind_waakvlam",
        "Waakvlam: licht volgen op lange termijn",
        "Waakvlam: light long-term monitoring",
    ),
    (
        "eind_verhuisd",
        "Verhuisd: overgedragen aan een andere gemeente",
        "Moved: handed over to another municipality",
    ),
    (
        "eind_anders",
        "Anders (zie de reden)",
        "Other (see the reason)",
    ),
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
        "Het dashboard is voor wie in het model van de eigen gemeente operationeel of bestuurlijk verantwoordelijk is, voor het bestuur, voor beleids- en veiligheidsadviseurs van de gemeente en voor beheerders.",
        "The dashboard is for those who are operationally or administratively responsible in their own gemeente's model, for the administration, for the gemeente's policy and safety advisers and for administrators.",
    ),
    (
        "dashboard_andere_gemeente",
        "U ziet alleen het dashboard van de gemeenten waar u een bestuurlijke, leidinggevende of beleidsfunctie heeft.",
        "You only see the dashboard of the gemeenten where you hold an administrative, management or policy function.",
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
