//! Where one entry's stretches of constant state go: +1/−1 deltas on the columns they belong to,
//! the organisation's counters, and the user's events.

use super::columns::Columns;
use crate::day::Day;
use crate::scenario::NetworkId;

/// Classification of an entry on a stretch of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Reachable,
    Never,
    LostAccount,
    LostFederation,
}

/// A stretch of days with one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stretch {
    pub(super) mask: u8,
    pub(super) class: Class,
    pub(super) network: NetworkId,
}

/// What one entry's stretches are added to.
pub(super) struct Sink<'s> {
    pub(super) deltas: &'s mut [i64],
    pub(super) stride: usize,
    pub(super) columns: &'s Columns,
    pub(super) org_entries: &'s mut [i64],
    pub(super) org_reachable: &'s mut [i64],
    /// The user's events after day 0, for sorting.
    pub(super) user_events: &'s mut Vec<u64>,
    /// The user's counts on day 0 (events on day 0 need no sorting: most entries start then).
    pub(super) user_start: [i64; 3],
    /// The last simulated day (events after it change nothing reported).
    pub(super) last: Day,
    /// The current entry's open category span: (0 reachable, 1 never reachable, 2 lost; start).
    pub(super) entry_category: Option<(u8, Day)>,
}

/// User-level event kinds (low bits of a packed event).
pub(super) const EV_REACHABLE: u64 = 0;
pub(super) const EV_UNREACHABLE: u64 = 1;
pub(super) const EV_LOST: u64 = 2;

impl Sink<'_> {
    #[inline]
    pub(super) fn span(&mut self, col: usize, from: Day, to: Day) {
        self.deltas[col * self.stride + from as usize] += 1;
        self.deltas[col * self.stride + to as usize] -= 1;
    }

    #[inline]
    fn event(&mut self, day: Day, kind: u64, up: bool) {
        if day == 0 {
            self.user_start[kind as usize] += if up { 1 } else { -1 };
        } else if day <= self.last {
            self.user_events
                .push((day as u64) << 3 | kind << 1 | u64::from(up));
        }
    }

    /// Adds the stretch `[from, to)`.
    pub(super) fn stretch(&mut self, s: Stretch, from: Day, to: Day) {
        if from >= to {
            return;
        }
        for b in 0..4 {
            if s.mask & (1 << b) != 0 {
                self.span(Columns::REACHABLE_IM + b, from, to);
            }
        }
        let category = match s.class {
            Class::Reachable => {
                let col = self.columns.reachable_network(s.network);
                self.span(col, from, to);
                0
            }
            other => {
                let offset = match other {
                    Class::Never => 0,
                    Class::LostAccount => 1,
                    _ => 2,
                };
                let col = self.columns.never_reachable() + offset;
                self.span(col, from, to);
                if other == Class::Never { 1 } else { 2 }
            }
        };
        // Users' metrics and organisations' shares only see reachable / unreachable / lost:
        // stretches that differ in anything else (network, modalities, cause of loss) are merged
        // here, so that a user's events are few.
        match self.entry_category {
            Some((c, _)) if c == category => {}
            Some((c, start)) => {
                self.category_span(c, start, from);
                self.entry_category = Some((category, from));
            }
            None => self.entry_category = Some((category, from)),
        }
    }

    /// Closes the current entry's last category span at `end`.
    pub(super) fn end_entry(&mut self, end: Day) {
        if let Some((c, start)) = self.entry_category.take() {
            self.category_span(c, start, end);
        }
    }

    fn category_span(&mut self, category: u8, from: Day, to: Day) {
        match category {
            0 => {
                self.org_reachable[from as usize] += 1;
                self.org_reachable[to as usize] -= 1;
                self.event(from, EV_REACHABLE, true);
                self.event(to, EV_REACHABLE, false);
            }
            c => {
                self.event(from, EV_UNREACHABLE, true);
                self.event(to, EV_UNREACHABLE, false);
                if c == 2 {
                    self.event(from, EV_LOST, true);
                    self.event(to, EV_LOST, false);
                }
            }
        }
    }
}
