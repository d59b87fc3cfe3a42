//! Diagnostics: what `ave model check` reports. Every diagnostic has a stable code, a
//! severity, a Dutch message, the path inside the model and, where it can be found, the
//! file, line and column — or, for what comes from a built-in preset the user cannot open,
//! the name of that preset instead of a line.

use std::fmt;

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The model cannot be used.
    Error,
    /// The model can be used, but something is probably not what its authors meant.
    Warning,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $slug:literal; )*) => {
        /// Stable diagnostic codes. Never renumber: scripts and documentation refer to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// All codes, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code, e.g. `E101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A readable name, e.g. `unknown-function`.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$variant => $slug,)* }
            }
        }
    };
}

codes! {
    /// The file is not valid TOML.
    Syntax = "E001", "syntax";
    /// The file is not UTF-8.
    NotUtf8 = "E002", "not-utf8";
    /// The file is larger than the limit.
    TooLarge = "E003", "too-large";
    /// Arrays or tables are nested deeper than the limit.
    TooDeep = "E004", "too-deep";
    /// The file cannot be read: it does not exist, is not a regular file, or access is denied.
    Unreadable = "E007", "unreadable";
    /// An unknown key (a typo must never silently drop a rule).
    UnknownKey = "E005", "unknown-key";
    /// A value of the wrong type or shape, or a required key missing.
    Shape = "E006", "invalid-value";
    /// A reference to a function that is not declared.
    UnknownFunction = "E101", "unknown-function";
    /// A reference to a phase that does not exist.
    UnknownPhase = "E102", "unknown-phase";
    /// A reference to a criterion that is not declared.
    UnknownCriterion = "E103", "unknown-criterion";
    /// A reference to a fact that is not declared.
    UnknownFact = "E104", "unknown-fact";
    /// A reference to a meeting kind that is not declared.
    UnknownMeetingKind = "E105", "unknown-meeting-kind";
    /// A reference to a werkafspraak that does not exist.
    UnknownAgreement = "E106", "unknown-agreement";
    /// Two items of one kind share an id.
    DuplicateId = "E110", "duplicate-id";
    /// Two phases share an order number.
    DuplicateOrder = "E111", "duplicate-order";
    /// A role of a regie table is not filled in.
    IncompleteRegie = "E120", "incomplete-regie";
    /// A role is filled in contradictorily (functions and n.v.t., or nothing at all).
    ContradictoryRole = "E121", "contradictory-role";
    /// No function may decide a transition.
    NoDecider = "E130", "no-decider";
    /// A transition's direction, effect or phases do not fit together.
    BadTransition = "E131", "bad-transition";
    /// A transition has no criteria.
    NoCriteria = "E132", "no-criteria";
    /// A condition cannot be satisfied or is malformed.
    BadCondition = "E133", "bad-condition";
    /// A phase that no case can reach from an entry phase.
    Unreachable = "E140", "unreachable-phase";
    /// A phase from which there is no way down to the lowest phase.
    NoWayDown = "E141", "no-way-down";
    /// No phase is marked as entry.
    NoEntry = "E142", "no-entry-phase";
    /// The model has no phases.
    NoPhases = "E143", "no-phases";
    /// The base model does not exist.
    BaseNotFound = "E150", "base-not-found";
    /// The base models form a cycle.
    BaseCycle = "E151", "base-cycle";
    /// The base model cannot be read, or errors of the merged model lie in what it gives.
    BaseInvalid = "E152", "base-invalid";
    /// `extends` points where a base may not be: an absolute path, or outside the directory
    /// of the model that names it.
    BaseForbidden = "E153", "base-forbidden";
    /// A rule's parameters are invalid.
    BadRule = "E160", "bad-rule";
    /// Metadata is incomplete (no gemeente and no regio).
    BadMetadata = "E161", "bad-metadata";
    /// A number is out of its range.
    OutOfRange = "E170", "out-of-range";
    /// A consultation, meeting requirement or precondition that is not well formed (neither
    /// or both of function and role, a strength where none is allowed).
    BadRequirement = "E134", "bad-requirement";
    /// A function group that lists a group or nothing.
    BadGroup = "E112", "bad-group";
    /// A legal basis that gives neither basis and controller nor `open`, or both.
    BadGrondslag = "E122", "bad-grondslag";
    /// A kind of formal decision that nobody may take (no deciders, nothing open).
    BadDecisionKind = "E135", "bad-decision-kind";
    /// A criterion that no transition uses.
    UnusedCriterion = "W201", "unused-criterion";
    /// A phase without an evaluation norm.
    NoEvaluationNorm = "W202", "no-evaluation-norm";
    /// A role the source leaves open.
    OpenRole = "W203", "open-role";
    /// A transition whose deciders the source leaves open.
    OpenDecider = "W204", "open-decider";
    /// A function that nothing refers to.
    UnusedFunction = "W205", "unused-function";
    /// A rule that is not configured (and therefore off).
    RuleAbsent = "W206", "rule-not-configured";
    /// A fact that no condition uses.
    UnusedFact = "W207", "unused-fact";
    /// Who may propose a transition is left open by the source.
    OpenProposer = "W208", "open-proposer";
    /// The legal basis or controller of a phase is left open by the source.
    OpenGrondslag = "W209", "open-grondslag";
}

impl Code {
    /// The severity that goes with the code.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('E') {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file (or preset) name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// The location of a byte offset in `text`. For many offsets in one text, build a
    /// [`LineIndex`] once instead: this scans the text up to the offset.
    pub fn at(file: &str, text: &str, offset: usize) -> Self {
        LineIndex::new(text).location(file, text, offset)
    }
}

/// The start of every line of a text, so that placing a finding costs a binary search
/// instead of a scan from the top (a file with thousands of warnings stays linear).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The location of a byte offset in `text` (the text this index was built from).
    pub fn location(&self, file: &str, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        // Step back to a char boundary so slicing never panics.
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.starts[line - 1].min(offset);
        let column = text[line_start..offset].chars().count() + 1;
        Location {
            file: file.to_owned(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One finding about a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// Readable name of the code.
    pub name: &'static str,
    /// What is wrong, in Dutch.
    pub message: String,
    /// Path inside the model, e.g. `phases[2A].regie.procesregie`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// File, line and column, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The built-in preset the finding lies in, when it lies there and not in a file the
    /// user can open; `location` is then absent rather than a line nobody can look up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The original text of a library (TOML parser, serde, the operating system) behind
    /// this message, for developers; `ave` shows it with `--verbose`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the severity that goes with its code.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            name: code.slug(),
            message: message.into(),
            path: None,
            location: None,
            base: None,
            detail: None,
        }
    }

    /// Sets the path.
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Sets the location.
    pub fn at_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the library text behind the message (see [`Diagnostic::detail`]).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "fout",
            Severity::Warning => "waarschuwing",
        };
        write!(f, "{kind}[{}]", self.code)?;
        if let Some(loc) = &self.location {
            write!(f, " {loc}")?;
        } else if let Some(base) = &self.base {
            write!(f, " in basismodel {base}")?;
        }
        if let Some(path) = &self.path {
            write!(f, " ({path})")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert!(code.as_str().len() == 4);
        }
    }

    #[test]
    fn location_counts_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        let loc = Location::at("f.toml", text, 10);
        assert_eq!((loc.line, loc.column), (2, 4));
        // An offset inside a multi-byte character does not panic.
        let loc = Location::at("f.toml", text, 8);
        assert_eq!(loc.line, 2);
    }

    #[test]
    fn the_line_index_agrees_with_a_plain_count_everywhere() {
        let text = "a\n\nbé = \"x\"\n  c = 1\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            let mut o = offset.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            let before = &text[..o];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = text[start..o].chars().count() + 1;
            let loc = index.location("f", text, offset);
            assert_eq!((loc.line, loc.column), (line, column), "offset {offset}");
        }
    }
}
