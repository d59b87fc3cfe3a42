//! The processing log as the API writes it (Logboek Dataverwerkingen): every API request is a
//! span in a trace (W3C Trace Context). A caller's valid `traceparent` makes our span a child
//! of the caller's, in the caller's trace; otherwise the trace starts here. The response
//! carries our own `traceparent`, so a caller can join its records to ours.
//!
//! A handler that processes personal data says so through the [`Processing`] handle (a
//! request extractor): `processing.record(Activity::CasusInzien, SubjectType::Casus, id)`.
//! Only such requests leave a record; it is written when the request ends, with its status,
//! through the one log writer ([`crate::logs`]). When the record cannot be enqueued the
//! response is replaced by a 503: data that cannot be logged is not served.
//!
//! The [`REGISTER`] is our part of the register of processing activities (AVG art. 30): a
//! stable id per activity, its Dutch name, its purpose and its legal basis.

use std::sync::{Arc, Mutex, PoisonError};

use ave_store::hex_text::{lower_hex, push_lower_hex};
use ave_store::processing::{ProcessingRecord, ProcessingStatus};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::problem::Problem;

/// The name of the trace context header.
pub const TRACEPARENT: &str = "traceparent";

/// A processing activity of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activity {
    /// Looking at a case: its state, timeline, participants.
    CasusInzien,
    /// Changing a case: a command, signal, role, request or decision.
    CasusWijzigen,
    /// Opening a new case for a household.
    CasusOpenen,
    /// Running a klantreis (a fictitious case) through a model.
    KlantreisUitvoeren,
}

/// One activity of the register of processing activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterEntry {
    /// Which activity.
    pub activity: Activity,
    /// The stable id, as stored in every record (never renamed).
    pub id: &'static str,
    /// The Dutch name.
    pub naam: &'static str,
    /// What it is for.
    pub doel: &'static str,
    /// The legal basis.
    pub grondslag: &'static str,
}

/// The basis the case work rests on. It is not one law for every case: the local model names
/// the legal basis and controller per phase (for example Wams in AVE 1–2 and the WGS in AVE
/// 3–4 in `ave-wams-wgs`), and every event records the basis of the phase it was written in.
/// The gemeente's register (and its FG) has the final word.
const GRONDSLAG_REGIE: &str = "De grondslag die het lokale AVE-model voor de fase van de casus noemt (per gebeurtenis vastgelegd); zie het verwerkingsregister van de gemeente";

/// Our processing activities.
pub const REGISTER: [RegisterEntry; 4] = [
    RegisterEntry {
        activity: Activity::CasusInzien,
        id: "casus-inzien",
        naam: "Casus inzien",
        doel: "Een casus bekijken om de regie op zorg en veiligheid te voeren",
        grondslag: GRONDSLAG_REGIE,
    },
    RegisterEntry {
        activity: Activity::CasusWijzigen,
        id: "casus-wijzigen",
        naam: "Casus wijzigen",
        doel: "Afspraken, signalen, rollen en besluiten in een casus vastleggen",
        grondslag: GRONDSLAG_REGIE,
    },
    RegisterEntry {
        activity: Activity::CasusOpenen,
        id: "casus-openen",
        naam: "Casus openen",
        doel: "Een nieuwe casus openen voor een huishouden dat zorg en veiligheid nodig heeft",
        grondslag: GRONDSLAG_REGIE,
    },
    RegisterEntry {
        activity: Activity::KlantreisUitvoeren,
        id: "klantreis-uitvoeren",
        naam: "Klantreis uitvoeren",
        doel: "Een fictieve casus door een lokaal model lopen om hiaten te vinden",
        grondslag: "AVG art. 6 lid 1 sub e (taak van algemeen belang): inrichting en toetsing van het werkproces; fictieve gegevens",
    },
];

impl Activity {
    /// The activity's entry in the register.
    pub fn entry(self) -> &'static RegisterEntry {
        let i = match self {
            Activity::CasusInzien => 0,
            Activity::CasusWijzigen => 1,
            Activity::CasusOpenen => 2,
            Activity::KlantreisUitvoeren => 3,
        };
        &REGISTER[i]
    }

    /// The stable id (`casus-inzien`).
    pub fn id(self) -> &'static str {
        self.entry().id
    }
}

/// What kind of id a data subject id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectType {
    /// A case (and so the household it is about).
    Casus,
}

impl SubjectType {
    /// As stored (`casus`).
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectType::Casus => "casus",
        }
    }
}

/// A W3C trace context: our span in a trace, and the caller's span if it sent one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    /// The trace (16 bytes, never all zero).
    pub trace_id: [u8; 16],
    /// Our span (8 bytes, never all zero).
    pub span_id: [u8; 8],
    /// The caller's span, our parent.
    pub parent_id: Option<[u8; 8]>,
    /// The trace flags (bit 0: sampled).
    pub flags: u8,
}

/// A caller's `traceparent`, parsed strictly: version `00`, a 32-hex trace id and a 16-hex
/// parent id (lowercase, neither all zeros), two hex flag digits — nothing more or less.
pub fn parse_traceparent(text: &str) -> Option<([u8; 16], [u8; 8], u8)> {
    let parts: Vec<&str> = text.split('-').collect();
    let [version, trace, parent, flags] = parts.as_slice() else {
        return None;
    };
    let lower_hex = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if *version != "00" || !lower_hex(trace, 32) || !lower_hex(parent, 16) || !lower_hex(flags, 2) {
        return None;
    }
    let trace: [u8; 16] = hex::decode(trace).ok()?.try_into().ok()?;
    let parent: [u8; 8] = hex::decode(parent).ok()?.try_into().ok()?;
    let flags = u8::from_str_radix(flags, 16).ok()?;
    if trace == [0; 16] || parent == [0; 8] {
        return None;
    }
    Some((trace, parent, flags))
}

fn random<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    ave_store::random::fill(&mut bytes).ok()?;
    (bytes != [0u8; N]).then_some(bytes)
}

impl TraceContext {
    /// Our span for a request with these headers: in the caller's trace when it sent exactly
    /// one valid `traceparent`, else in a new trace. `None` without a source of randomness.
    pub fn for_request(headers: &HeaderMap) -> Option<TraceContext> {
        let mut given = headers.get_all(TRACEPARENT).iter();
        let caller = match (given.next(), given.next()) {
            (Some(one), None) => one.to_str().ok().and_then(parse_traceparent),
            _ => None,
        };
        let span_id = random::<8>()?;
        Some(match caller {
            Some((trace_id, parent, flags)) => TraceContext {
                trace_id,
                span_id,
                parent_id: Some(parent),
                flags,
            },
            None => TraceContext {
                trace_id: random::<16>()?,
                span_id,
                parent_id: None,
                flags: 0x01,
            },
        })
    }

    /// Our `traceparent`, for the response and for the systems we call.
    pub fn traceparent(&self) -> String {
        let mut out = String::with_capacity(55);
        out.push_str("00-");
        push_lower_hex(&mut out, &self.trace_id);
        out.push('-');
        push_lower_hex(&mut out, &self.span_id);
        out.push('-');
        push_lower_hex(&mut out, &[self.flags]);
        out
    }
}

/// One "this request processes personal data of this subject under this activity".
#[derive(Debug, Clone, PartialEq, Eq)]
struct Subject {
    activity: Activity,
    kind: SubjectType,
    id: String,
}

/// The request's processing: handlers say through it whose personal data they process.
/// Cheap to clone; every clone records into the same request.
#[derive(Debug, Clone)]
pub struct Processing {
    context: TraceContext,
    subjects: Arc<Mutex<Vec<Subject>>>,
}

impl Processing {
    /// This request processes personal data of subject `id` (of kind `kind`) under
    /// `activity`; a record is written when the request ends.
    pub fn record(&self, activity: Activity, kind: SubjectType, id: &str) {
        let mut subjects = self.subjects.lock().unwrap_or_else(PoisonError::into_inner);
        let subject = Subject {
            activity,
            kind,
            id: id.to_owned(),
        };
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
    }

    /// The request's trace context.
    pub fn context(&self) -> TraceContext {
        self.context
    }

    fn take(&self) -> Vec<Subject> {
        std::mem::take(&mut *self.subjects.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Processing {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Processing, Problem> {
        parts
            .extensions
            .get::<Processing>()
            .cloned()
            .ok_or_else(|| Problem::internal("het verwerkingslogboek is niet aangesloten"))
    }
}

/// The middleware: a span per request, a [`Processing`] handle in its extensions, a record
/// per processed subject when it ends, and our `traceparent` on the response.
pub async fn track(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(context) = TraceContext::for_request(request.headers()) else {
        return Problem::internal("geen toevalsbron beschikbaar").into_response();
    };
    let name = format!(
        "{} {}",
        request.method(),
        request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| request.uri().path(), MatchedPath::as_str)
    );
    let processing = Processing {
        context,
        subjects: Arc::default(),
    };
    request.extensions_mut().insert(processing.clone());
    let start = crate::now();
    let mut response = next.run(request).await;
    let end = crate::now();
    let status = if response.status().is_client_error() || response.status().is_server_error() {
        ProcessingStatus::Error
    } else {
        ProcessingStatus::Ok
    };
    for subject in processing.take() {
        let written = state.logs.seal(&subject.id).and_then(|data_subject| {
            state.logs.processing(ProcessingRecord {
                trace_id: lower_hex(&context.trace_id),
                span_id: lower_hex(&context.span_id),
                parent_span_id: context.parent_id.map(|p| lower_hex(&p)),
                name: name.clone(),
                start,
                end,
                status,
                resource_name: "ave-regie".into(),
                resource_version: env!("CARGO_PKG_VERSION").into(),
                activity_id: subject.activity.id().into(),
                data_subject,
                data_subject_type: subject.kind.as_str().into(),
            })
        });
        if let Err(e) = written {
            // Fail closed: what cannot be logged is not served.
            response = Problem::from(e).into_response();
            break;
        }
    }
    if let Ok(value) = HeaderValue::from_str(&context.traceparent()) {
        response.headers_mut().insert(TRACEPARENT, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_is_in_the_order_of_its_activities_with_unique_ids() {
        for (i, entry) in REGISTER.iter().enumerate() {
            assert_eq!(entry.activity.entry(), &REGISTER[i]);
            assert!(!entry.naam.is_empty() && !entry.grondslag.is_empty());
        }
        let mut ids: Vec<&str> = REGISTER.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), REGISTER.len());
    }

    #[test]
    fn traceparent_is_parsed_strictly() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let (trace, parent, flags) = parse_traceparent(good).expect("valid");
        assert_eq!(hex::encode(trace), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(hex::encode(parent), "00f067aa0ba902b7");
        assert_eq!(flags, 1);
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(parse_traceparent(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn without_a_caller_a_new_trace_starts_and_two_traceparents_count_as_none() {
        let context = TraceContext::for_request(&HeaderMap::new()).expect("random");
        assert_eq!(context.parent_id, None);
        assert_ne!(context.trace_id, [0; 16]);
        let mut headers = HeaderMap::new();
        for v in [
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            headers.append(TRACEPARENT, HeaderValue::from_static(v));
        }
        let context = TraceContext::for_request(&headers).expect("random");
        assert_eq!(context.parent_id, None);
        let text = context.traceparent();
        assert!(parse_traceparent(&text).is_some(), "{text}");
    }
}
