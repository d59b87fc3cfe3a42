//! Collections that can take back what happened to them since a mark. A command's events are
//! applied one by one; should one of them not apply, everything the earlier ones changed is
//! rolled back, so the case is never left half-changed. Outside a transaction (replay) they
//! record nothing and cost nothing extra.

use std::collections::BTreeMap;

/// A map whose changes can be rolled back while a transaction is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table<K: Ord + Clone, V: Clone> {
    map: BTreeMap<K, V>,
    undo: Vec<(K, Option<V>)>,
    open: bool,
}

impl<K: Ord + Clone, V: Clone> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            map: BTreeMap::new(),
            undo: Vec::new(),
            open: false,
        }
    }
}

impl<K: Ord + Clone, V: Clone> Table<K, V> {
    pub(crate) fn get<Q>(&self, k: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.map.get(k)
    }

    pub(crate) fn contains<Q>(&self, k: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.map.contains_key(k)
    }

    pub(crate) fn iter(&self) -> std::collections::btree_map::Iter<'_, K, V> {
        self.map.iter()
    }

    pub(crate) fn values(&self) -> std::collections::btree_map::Values<'_, K, V> {
        self.map.values()
    }

    pub(crate) fn keys(&self) -> std::collections::btree_map::Keys<'_, K, V> {
        self.map.keys()
    }

    pub(crate) fn insert(&mut self, k: K, v: V) {
        if self.open {
            let old = self.map.insert(k.clone(), v);
            self.undo.push((k, old));
        } else {
            self.map.insert(k, v);
        }
    }

    pub(crate) fn remove(&mut self, k: &K) -> Option<V> {
        let old = self.map.remove(k);
        if self.open && old.is_some() {
            self.undo.push((k.clone(), old.clone()));
        }
        old
    }
}

impl<K: Ord + Clone, V: Clone> Journaled for Table<K, V> {
    fn begin(&mut self) {
        self.undo.clear();
        self.open = true;
    }

    fn rollback(&mut self) {
        while let Some((k, old)) = self.undo.pop() {
            match old {
                Some(v) => {
                    self.map.insert(k, v);
                }
                None => {
                    self.map.remove(&k);
                }
            }
        }
        self.open = false;
    }

    fn commit(&mut self) {
        self.undo.clear();
        self.open = false;
    }
}

/// A map that only ever gains keys (items of the history: meetings, signals, requests, …),
/// kept in the order they came, with rollback. Lookups hash; rolling back truncates.
#[derive(Debug, Clone)]
pub(crate) struct Registry<K: std::hash::Hash + Eq + Clone, V: Clone> {
    map: indexmap::IndexMap<K, V>,
    mark: Option<usize>,
    undo: Vec<(usize, V)>,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone + PartialEq> PartialEq for Registry<K, V> {
    fn eq(&self, other: &Self) -> bool {
        // The same items in the same order.
        self.map.len() == other.map.len()
            && self.map.iter().zip(other.map.iter()).all(|(a, b)| a == b)
    }
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone + Eq> Eq for Registry<K, V> {}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Default for Registry<K, V> {
    fn default() -> Self {
        Registry {
            map: indexmap::IndexMap::new(),
            mark: None,
            undo: Vec::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Registry<K, V> {
    pub(crate) fn get<Q>(&self, k: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.get(k)
    }

    pub(crate) fn contains<Q>(&self, k: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.contains_key(k)
    }

    pub(crate) fn iter(&self) -> indexmap::map::Iter<'_, K, V> {
        self.map.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Adds a new key; the caller has checked that it is new.
    pub(crate) fn add(&mut self, k: K, v: V) {
        self.map.insert(k, v);
    }

    /// Changes the value under `k`, if there is one; returns whether there was.
    pub(crate) fn update(&mut self, k: &K, f: impl FnOnce(&mut V)) -> bool {
        let Some((i, _, v)) = self.map.get_full_mut(k) else {
            return false;
        };
        if let Some(mark) = self.mark
            && i < mark
        {
            self.undo.push((i, v.clone()));
        }
        f(v);
        true
    }
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Journaled for Registry<K, V> {
    fn begin(&mut self) {
        self.undo.clear();
        self.mark = Some(self.map.len());
    }

    fn rollback(&mut self) {
        while let Some((i, old)) = self.undo.pop() {
            if let Some((_, v)) = self.map.get_index_mut(i) {
                *v = old;
            }
        }
        if let Some(mark) = self.mark.take() {
            self.map.truncate(mark);
        }
    }

    fn commit(&mut self) {
        self.undo.clear();
        self.mark = None;
    }
}

/// A list that is appended to (and whose items may be changed) with rollback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Log<T: Clone> {
    items: Vec<T>,
    mark: Option<usize>,
    undo: Vec<(usize, T)>,
}

impl<T: Clone> Default for Log<T> {
    fn default() -> Self {
        Log {
            items: Vec::new(),
            mark: None,
            undo: Vec::new(),
        }
    }
}

impl<T: Clone> Log<T> {
    pub(crate) fn push(&mut self, item: T) {
        self.items.push(item);
    }

    pub(crate) fn items(&self) -> &[T] {
        &self.items
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn last(&self) -> Option<&T> {
        self.items.last()
    }

    /// Changes item `i`, if it exists.
    pub(crate) fn update(&mut self, i: usize, f: impl FnOnce(&mut T)) -> bool {
        let Some(item) = self.items.get_mut(i) else {
            return false;
        };
        // Items appended inside the transaction go with the truncation; only older ones
        // need their old value kept.
        if let Some(mark) = self.mark
            && i < mark
        {
            self.undo.push((i, item.clone()));
        }
        f(item);
        true
    }
}

impl<T: Clone> Journaled for Log<T> {
    fn begin(&mut self) {
        self.undo.clear();
        self.mark = Some(self.items.len());
    }

    fn rollback(&mut self) {
        while let Some((i, old)) = self.undo.pop() {
            self.items[i] = old;
        }
        if let Some(mark) = self.mark.take() {
            self.items.truncate(mark);
        }
    }

    fn commit(&mut self) {
        self.undo.clear();
        self.mark = None;
    }
}

/// A plain value kept whole at the start of a transaction (for small state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell<T: Clone> {
    value: T,
    saved: Option<T>,
}

impl<T: Clone> Cell<T> {
    pub(crate) fn new(value: T) -> Self {
        Cell { value, saved: None }
    }

    pub(crate) fn get(&self) -> &T {
        &self.value
    }

    pub(crate) fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: Clone> Journaled for Cell<T> {
    fn begin(&mut self) {
        self.saved = Some(self.value.clone());
    }

    fn rollback(&mut self) {
        if let Some(v) = self.saved.take() {
            self.value = v;
        }
    }

    fn commit(&mut self) {
        self.saved = None;
    }
}

/// Something whose changes can be rolled back to the start of a transaction.
pub(crate) trait Journaled {
    /// Starts recording changes.
    fn begin(&mut self);
    /// Takes back every change since [`Journaled::begin`].
    fn rollback(&mut self);
    /// Keeps the changes and stops recording.
    fn commit(&mut self);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolled_back_table_is_as_before() {
        let mut t: Table<u32, String> = Table::default();
        t.insert(1, "een".into());
        t.insert(2, "twee".into());
        let before = t.clone();
        t.begin();
        t.insert(3, "drie".into());
        t.insert(1, "EEN".into());
        t.remove(&1);
        t.rollback();
        assert_eq!(t.map, before.map);
    }

    #[test]
    fn a_rolled_back_log_is_as_before() {
        let mut l: Log<u32> = Log::default();
        l.push(1);
        l.push(2);
        l.begin();
        l.push(3);
        l.update(0, |v| *v = 10);
        l.update(2, |v| *v = 30);
        l.rollback();
        assert_eq!(l.items(), &[1, 2]);
    }

    #[test]
    fn a_rolled_back_registry_is_as_before() {
        let mut r: Registry<u32, String> = Registry::default();
        r.add(1, "een".into());
        let before = r.clone();
        r.begin();
        r.add(2, "twee".into());
        r.update(&1, |v| v.push('!'));
        r.update(&2, |v| v.push('!'));
        r.rollback();
        assert_eq!(r, before);
        assert!(!r.contains(&2));
    }

    #[test]
    fn committed_changes_stay() {
        let mut c = Cell::new(1);
        c.begin();
        *c.get_mut() = 2;
        c.commit();
        c.rollback();
        assert_eq!(*c.get(), 2);
    }
}
