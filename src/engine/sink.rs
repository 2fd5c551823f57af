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
    pub(super) user_start: UserCounts,
    /// The last simulated day (events after it change nothing reported).
    pub(super) last: Day,
    /// The current entry's open standing and the day it began.
    pub(super) entry_standing: Option<(Standing, Day)>,
}

/// What users' metrics and organisations' shares see of an entry: [`Class`] without the
/// network, the modalities or the cause of a loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    Reachable,
    NeverReachable,
    Lost,
}

/// A count a user's metrics follow; its discriminant is packed into the user's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Count {
    Reachable = 0,
    Unreachable = 1,
    Lost = 2,
}

impl Count {
    /// The count packed in an event's bits 1 and 2 (see [`Sink::event`]).
    pub(super) fn unpack(event: u64) -> Count {
        match (event >> 1) & 3 {
            0 => Count::Reachable,
            1 => Count::Unreachable,
            _ => Count::Lost,
        }
    }
}

/// A user's entries on one day: reachable, unreachable (never reachable or lost), and lost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct UserCounts {
    pub(super) reachable: i64,
    pub(super) unreachable: i64,
    pub(super) lost: i64,
}

impl UserCounts {
    /// Adds one to `count` (`up`) or takes one away.
    #[inline]
    pub(super) fn add(&mut self, count: Count, up: bool) {
        let n = match count {
            Count::Reachable => &mut self.reachable,
            Count::Unreachable => &mut self.unreachable,
            Count::Lost => &mut self.lost,
        };
        *n += if up { 1 } else { -1 };
    }
}

impl Sink<'_> {
    #[inline]
    pub(super) fn span(&mut self, col: usize, from: Day, to: Day) {
        self.deltas[col * self.stride + from as usize] += 1;
        self.deltas[col * self.stride + to as usize] -= 1;
    }

    /// Records that `count` goes up (or down) on `day`: packed as the day above bit 3, the
    /// count in bits 1 and 2, the direction in bit 0, so that sorting orders events by day.
    #[inline]
    fn event(&mut self, day: Day, count: Count, up: bool) {
        if day == 0 {
            self.user_start.add(count, up);
        } else if day <= self.last {
            self.user_events
                .push((day as u64) << 3 | (count as u64) << 1 | u64::from(up));
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
        let standing = match s.class {
            Class::Reachable => {
                let col = self.columns.reachable_network(s.network);
                self.span(col, from, to);
                Standing::Reachable
            }
            other => {
                let offset = match other {
                    Class::Never => 0,
                    Class::LostAccount => 1,
                    _ => 2,
                };
                let col = self.columns.never_reachable() + offset;
                self.span(col, from, to);
                if other == Class::Never {
                    Standing::NeverReachable
                } else {
                    Standing::Lost
                }
            }
        };
        // Users' metrics and organisations' shares only see reachable / unreachable / lost:
        // stretches that differ in anything else (network, modalities, cause of loss) are merged
        // here, so that a user's events are few.
        match self.entry_standing {
            Some((open, _)) if open == standing => {}
            Some((open, start)) => {
                self.standing_span(open, start, from);
                self.entry_standing = Some((standing, from));
            }
            None => self.entry_standing = Some((standing, from)),
        }
    }

    /// Closes the current entry's last standing at `end`.
    pub(super) fn end_entry(&mut self, end: Day) {
        if let Some((open, start)) = self.entry_standing.take() {
            self.standing_span(open, start, end);
        }
    }

    fn standing_span(&mut self, standing: Standing, from: Day, to: Day) {
        match standing {
            Standing::Reachable => {
                self.org_reachable[from as usize] += 1;
                self.org_reachable[to as usize] -= 1;
                self.event(from, Count::Reachable, true);
                self.event(to, Count::Reachable, false);
            }
            Standing::NeverReachable | Standing::Lost => {
                self.event(from, Count::Unreachable, true);
                self.event(to, Count::Unreachable, false);
                if standing == Standing::Lost {
                    self.event(from, Count::Lost, true);
                    self.event(to, Count::Lost, false);
                }
            }
        }
    }
}
