//! "Bedoelt u …?": the nearest known id or key for a misspelt one. A policy officer who
//! types `burgemeestr` should be told `burgemeester`, not only that the id is unknown.
//!
//! The work is bounded: a model of a megabyte may hold thousands of unknown references and
//! thousands of ids, so a [`Suggester`] stops suggesting once it has compared a fixed number
//! of pairs. Checking a model never becomes quadratic because of a courtesy.

/// How many candidate comparisons one [`Suggester`] makes at most.
pub const COMPARISON_BUDGET: usize = 200_000;

/// Finds near misses within a budget of comparisons.
#[derive(Debug, Clone)]
pub struct Suggester {
    left: usize,
}

impl Default for Suggester {
    fn default() -> Self {
        Suggester {
            left: COMPARISON_BUDGET,
        }
    }
}

impl Suggester {
    /// The candidate nearest to `word`, if one is near enough to be a likely typo.
    pub fn nearest<'c>(
        &mut self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<&'c str> {
        let limit = max_distance(word);
        let len = word.chars().count();
        let mut best: Option<(usize, &'c str)> = None;
        for candidate in candidates {
            if self.left == 0 {
                break;
            }
            self.left -= 1;
            // Cheap filter first: lengths further apart than the limit cannot be near.
            if candidate.chars().count().abs_diff(len) > limit || candidate == word {
                continue;
            }
            let d = strsim::damerau_levenshtein(&word.to_lowercase(), &candidate.to_lowercase());
            if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && candidate < bc)) {
                best = Some((d, candidate));
            }
        }
        best.map(|(_, c)| c)
    }

    /// " Bedoelt u `x`?" for the nearest candidate, or the empty string.
    pub fn hint<'c>(
        &mut self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> String {
        self.nearest(word, candidates)
            .map(|c| format!(" Bedoelt u `{c}`?"))
            .unwrap_or_default()
    }
}

/// How many edits still count as a typo: one for words of up to three letters, then one
/// more per three letters, at most four ("naam" is two edits from "name").
fn max_distance(word: &str) -> usize {
    (word.chars().count().div_ceil(3)).clamp(1, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_the_intended_word() {
        let mut s = Suggester::default();
        let known = ["burgemeester", "teamleider", "consulent"];
        assert_eq!(s.nearest("burgemeestr", known), Some("burgemeester"));
        assert_eq!(s.nearest("Teamleider", known), Some("teamleider"));
        assert_eq!(
            s.nearest("asses-criterion", ["assess-criterion", "open"]),
            Some("assess-criterion")
        );
        assert_eq!(s.nearest("iets-heel-anders", known), None);
        assert_eq!(s.hint("consulnet", known), " Bedoelt u `consulent`?");
    }

    #[test]
    fn the_budget_bounds_the_work() {
        let mut s = Suggester { left: 3 };
        let many = ["zz", "yy", "xx", "ac"];
        assert_eq!(s.nearest("ab", many), None, "the fourth is never compared");
        assert_eq!(s.nearest("ab", ["ac"]), None, "nothing is left");
        let mut s = Suggester { left: 2 };
        assert_eq!(
            s.nearest("ab", ["ac", "zz", "ad"]),
            Some("ac"),
            "the best so far"
        );
    }
}
