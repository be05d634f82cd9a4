//! How an activity export writes what it holds without saying so: the unit of its duration column
//! (seconds, minutes, HubSpot's milliseconds, Pipedrive's H:MM) and the one kind of activity an export
//! layout holds (an events export is meetings).

use crate::engine::model::recognize::Mapping;
use crate::engine::model::sources::{Source, normalize};
use crate::engine::model::values::money::DecimalMark;
use crate::engine::model::values::scalars::{parse_duration_seconds, parse_number};
use crate::engine::model::words::ActivityKind;

/// The kind every activity of a layout is, when its export holds one kind only.
pub(super) fn layout_activity_kind(mapping: &Mapping) -> Option<ActivityKind> {
    let layout = mapping.layout.to_lowercase();
    if layout.contains("event") {
        Some(ActivityKind::Meeting)
    } else if layout.contains("calls") {
        Some(ActivityKind::Call)
    } else if layout.contains("tasks") {
        Some(ActivityKind::Task)
    } else {
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DurationUnit {
    Seconds,
    Minutes,
    Milliseconds,
    Text,
}

impl DurationUnit {
    pub(super) fn id(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Minutes => "minutes",
            DurationUnit::Milliseconds => "milliseconds",
            DurationUnit::Text => "text",
        }
    }

    pub(super) fn words(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Minutes => "minutes",
            DurationUnit::Milliseconds => "milliseconds (HubSpot writes call durations so)",
            DurationUnit::Text => "hours and minutes written as H:MM",
        }
    }

    /// A duration cell in whole seconds (`None`: empty, unreadable, negative or too long).
    pub(super) fn seconds(self, value: &str) -> Option<u32> {
        let seconds = match self {
            DurationUnit::Text => parse_duration_seconds(value)
                .ok()
                .flatten()
                .map(|s| s as f64),
            unit => parse_number(value, DecimalMark::Dot)
                .ok()
                .flatten()
                .map(|n| match unit {
                    DurationUnit::Minutes => n * 60.0,
                    DurationUnit::Milliseconds => n / 1000.0,
                    _ => n,
                }),
        }
        .or_else(|| {
            parse_duration_seconds(value)
                .ok()
                .flatten()
                .map(|s| s as f64)
        })?;
        (seconds.is_finite() && seconds >= 0.0 && seconds < f64::from(u32::MAX))
            .then(|| seconds.round() as u32)
    }
}

/// The unit a duration column is in, from its header and the CRM that wrote it.
pub(super) fn duration_unit(mapping: &Mapping, column: &str) -> DurationUnit {
    let header = normalize(column);
    if header.contains("minute") || header == "durationinminutes" || header == "actual duration" {
        DurationUnit::Minutes
    } else if mapping.source == Source::Hubspot {
        DurationUnit::Milliseconds
    } else if mapping.source == Source::Dynamics && header == "duration"
        || mapping.source == Source::Pipedrive
    {
        DurationUnit::Text
    } else {
        DurationUnit::Seconds
    }
}
