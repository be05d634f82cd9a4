//! The session's `Changes` request: a model built from each group of files (BEFORE, then AFTER, a
//! [`BuildTask`] step at a time, with the session's model settings), then the two compared by
//! [`crate::engine::changes::compare`]. The session's own model (every file together) is neither used nor
//! rebuilt. The `ChangesForecast` request ([`ShiftJob`]) adds the forecast on each export's day.

use chrono::NaiveDate;

use crate::engine::EngineError;
use crate::engine::changes::{
    ChangesPeriod, ChangesReport, ChangesTrend, ForecastShift, Side, TrendStep, attribute, compare,
};
use crate::engine::forecast::{
    ForecastPeriod, ForecastReport, ForecastSettings, ForecastTask, Grain,
};
use crate::engine::ingest::FileId;
use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::period::PeriodSpec;
use crate::engine::model::Kind;
use crate::engine::model::build::{BuildTask, Built, FileInput};
use crate::engine::protocol::ChangesForecast;
use crate::engine::session::Session;

/// A `Changes` request being worked on.
pub(super) struct ChangesJob {
    settings: MetricSettings,
    groups: [Vec<FileId>; 2],
    task: Option<BuildTask>,
    built: Vec<Built>,
    /// The user swapped the two exports: BEFORE is the one the days call the later.
    swapped: bool,
}

/// Where a `Changes` job is after one step.
pub(super) enum ChangesStep {
    /// A model build went a step further: (steps done, steps) of the build under way.
    Building(usize, usize),
    Done(Result<Box<ChangesReport>, EngineError>),
}

impl ChangesJob {
    /// The job, or the error for a group that is empty or names a file the session does not hold.
    pub(super) fn new(
        session: &Session,
        settings: MetricSettings,
        before_files: Vec<FileId>,
        after_files: Vec<FileId>,
    ) -> Result<ChangesJob, EngineError> {
        for (side, group) in [("BEFORE", &before_files), ("AFTER", &after_files)] {
            if group.is_empty() {
                return Err(EngineError::ChangesNoDeals {
                    side: side.to_owned(),
                    files: "no file".to_owned(),
                });
            }
            if let Some(id) = group
                .iter()
                .find(|id| !session.files.iter().any(|f| f.file_id == **id))
            {
                return Err(session.unknown_file(*id));
            }
        }
        Ok(ChangesJob {
            settings,
            groups: [before_files, after_files],
            task: None,
            built: Vec::new(),
            swapped: false,
        })
    }

    /// The job with the order the user gave (`true`: the groups were swapped from what the days say, and
    /// BEFORE is compared as the earlier export whatever its day).
    pub(super) fn swapped(mut self, swapped: bool) -> ChangesJob {
        self.swapped = swapped;
        self
    }

    /// One step: a step of the build of the next group's model, or the comparison of the two.
    pub(super) fn step(&mut self, session: &Session) -> ChangesStep {
        if let Some(group) = self.groups.get(self.built.len()) {
            let inputs = inputs(session, group);
            let task = self
                .task
                .get_or_insert_with(|| BuildTask::new(&inputs, &session.settings));
            let built = task.step(&inputs);
            let (done, total) = (task.done(), task.steps());
            if let Some(built) = built {
                self.built.push(built);
                self.task = None;
            }
            return ChangesStep::Building(done, total);
        }
        let [before_files, after_files] = &self.groups;
        let (Some(before), Some(after)) = (self.built.first(), self.built.get(1)) else {
            return ChangesStep::Done(Err(EngineError::Protocol {
                detail: "a Changes job compared before both models were built".to_owned(),
            }));
        };
        let mut before = side(session, "BEFORE", before_files, before);
        let mut after = side(session, "AFTER", after_files, after);
        before.order_given = self.swapped;
        after.order_given = self.swapped;
        ChangesStep::Done(compare(&before, &after, &self.settings).map(Box::new))
    }
}

/// Every export of deals the session holds, oldest first, by the day each was taken: (day, its deals files
/// with the roster files — users, teams — so reps are named alike on every side). Stage history,
/// activities and the rest describe today and stay out. Needs the session's model built (for each file's
/// kind); an error says what is missing when there are not two exports of two different days.
fn exports(session: &Session) -> Result<Vec<(NaiveDate, Vec<FileId>)>, EngineError> {
    let Some(built) = &session.built else {
        return Err(EngineError::ChangesNeedTwoExports {
            exports: 0,
            days: "none".to_owned(),
        });
    };
    let kind_of = |id: FileId| {
        built
            .files
            .iter()
            .find(|m| m.file_id == id)
            .map(|m| m.mapping.kind)
    };
    let deals: Vec<(FileId, Option<NaiveDate>)> = session
        .files
        .iter()
        .filter(|f| kind_of(f.file_id) == Some(Kind::Deals))
        .map(|f| (f.file_id, f.report.taken_on))
        .collect();
    let mut days: Vec<NaiveDate> = deals.iter().filter_map(|(_, d)| *d).collect();
    days.sort_unstable();
    days.dedup();
    if days.len() < 2 {
        return Err(EngineError::ChangesNeedTwoExports {
            exports: deals.len(),
            days: if days.is_empty() {
                "no day known".to_owned()
            } else {
                days.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
    }
    let roster: Vec<FileId> = session
        .files
        .iter()
        .filter(|f| matches!(kind_of(f.file_id), Some(Kind::Users | Kind::Teams)))
        .map(|f| f.file_id)
        .collect();
    Ok(days
        .into_iter()
        .map(|day| {
            let group = deals
                .iter()
                .filter(|(_, d)| *d == Some(day))
                .map(|(id, _)| *id)
                .chain(roster.iter().copied())
                .collect();
            (day, group)
        })
        .collect())
}

/// The two newest exports of deals (BEFORE, AFTER), as [`exports`] finds them.
pub(super) fn pair(session: &Session) -> Result<(Vec<FileId>, Vec<FileId>), EngineError> {
    let mut all = exports(session)?;
    match (all.pop(), all.pop()) {
        (Some((_, after)), Some((_, before))) => Ok((before, after)),
        _ => Err(EngineError::Protocol {
            detail: "exports() gave fewer than two exports".to_owned(),
        }),
    }
}

/// A `ChangesTrend` request being worked on: one [`ChangesJob`] per pair of consecutive exports, oldest
/// first, all for the period the settings name on the newest export's day.
pub(super) struct TrendJob {
    settings: MetricSettings,
    pending: std::collections::VecDeque<(Vec<FileId>, Vec<FileId>)>,
    current: Option<ChangesJob>,
    pairs: usize,
    steps: Vec<TrendStep>,
    period: Option<ChangesPeriod>,
    currency: String,
}

impl TrendJob {
    /// `settings` must carry the model's calendar.
    pub(super) fn new(
        session: &Session,
        settings: MetricSettings,
    ) -> Result<TrendJob, EngineError> {
        let all = exports(session)?;
        let mut settings = settings;
        // One period for every step: the one named, as it stands on the newest export's day.
        if let Some(&(newest, _)) = all.last()
            && settings.period != PeriodSpec::All
        {
            let range = settings
                .period
                .resolve(&settings.calendar, newest, newest)
                .ok_or_else(|| EngineError::NoSuchPeriod {
                    period: settings.period.to_string(),
                })?;
            settings.period = PeriodSpec::Custom {
                start: range.start,
                end: range.end,
            };
        }
        let pending: std::collections::VecDeque<_> = all
            .windows(2)
            .map(|w| (w[0].1.clone(), w[1].1.clone()))
            .collect();
        Ok(TrendJob {
            settings,
            pairs: pending.len(),
            pending,
            current: None,
            steps: Vec::new(),
            period: None,
            currency: String::new(),
        })
    }

    /// One step of the current pair's job.
    pub(super) fn step(&mut self, session: &Session) -> TrendProgress {
        if self.current.is_none() {
            let Some((before, after)) = self.pending.pop_front() else {
                return TrendProgress::Done(Ok(self.finish()));
            };
            match ChangesJob::new(session, self.settings.clone(), before, after) {
                Ok(job) => self.current = Some(job),
                Err(error) => return TrendProgress::Done(Err(error)),
            }
        }
        let Some(job) = self.current.as_mut() else {
            return TrendProgress::Working(self.steps.len(), self.pairs);
        };
        match job.step(session) {
            ChangesStep::Building(..) => {}
            ChangesStep::Done(Err(error)) => return TrendProgress::Done(Err(error)),
            ChangesStep::Done(Ok(report)) => {
                self.current = None;
                self.period.get_or_insert_with(|| report.period.clone());
                self.currency.clone_from(&report.currency);
                self.steps.push(TrendStep {
                    before: report.before,
                    after: report.after,
                    team: report.team,
                });
            }
        }
        TrendProgress::Working(self.steps.len(), self.pairs)
    }

    fn finish(&mut self) -> ChangesTrend {
        let period = self.period.take().unwrap_or(ChangesPeriod {
            label: self.settings.period.to_string(),
            start: None,
            end: None,
        });
        ChangesTrend {
            notes: vec![format!(
                "{} exports, {} steps: each step compares an export with the next one, every step for the same period ({}).",
                self.pairs + 1,
                self.pairs,
                period.label
            )],
            period,
            currency: std::mem::take(&mut self.currency),
            steps: std::mem::take(&mut self.steps),
        }
    }
}

/// Where a `ChangesTrend` job is after one step: (pairs compared, pairs) or the answer.
pub(super) enum TrendProgress {
    Working(usize, usize),
    Done(Result<ChangesTrend, EngineError>),
}

/// The files of a group, in import order, as the build reads them.
fn inputs<'a>(session: &'a Session, group: &[FileId]) -> Vec<FileInput<'a>> {
    session
        .files
        .iter()
        .filter(|f| group.contains(&f.file_id))
        .map(|f| FileInput {
            file_id: f.file_id,
            report: &f.report,
            table: &f.table,
        })
        .collect()
}

/// One side for the comparison: its model, file names, the CRMs of its deals files and their `taken on` day.
fn side<'a>(session: &Session, name: &'static str, group: &[FileId], built: &'a Built) -> Side<'a> {
    let mut files = Vec::new();
    let mut sources = Vec::new();
    let mut taken_on = None;
    let mut saved_on = None;
    for file in session.files.iter().filter(|f| group.contains(&f.file_id)) {
        files.push(file.report.file.clone());
        let deals = built
            .files
            .iter()
            .find(|m| m.file_id == file.file_id)
            .filter(|m| m.mapping.kind == Kind::Deals);
        if let Some(model) = deals {
            sources.push(model.mapping.source);
            taken_on = taken_on.max(file.report.taken_on);
            saved_on = saved_on.max(file.report.saved_on);
        }
    }
    Side {
        name,
        model: &built.model,
        files,
        sources,
        taken_on,
        saved_on,
        order_given: false,
    }
}

/// A `ChangesForecast` request being worked on: the changes of the two newest exports, then the forecast
/// of the period on the earlier export's day and on the later one's (each [`ForecastTask::brief`], on the
/// session's model of every file together), then [`attribute`].
pub(super) struct ShiftJob {
    settings: ForecastSettings,
    changes: ChangesJob,
    report: Option<Box<ChangesReport>>,
    /// Then's settings and task, then now's; `then_report` once then is done.
    tasks: Vec<(ForecastSettings, ForecastTask)>,
    then_report: Option<ForecastReport>,
}

/// Where a `ChangesForecast` job is after one step.
pub(super) enum ShiftStep {
    Building(usize, usize),
    Forecasting(usize, usize),
    Done(Result<Box<ForecastShift>, EngineError>),
}

/// The changes' period for a forecast period: the one containing the later export's day, or the named one.
fn changes_period(period: &ForecastPeriod) -> Result<PeriodSpec, EngineError> {
    match period {
        ForecastPeriod::Named { spec } => Ok(spec.clone()),
        ForecastPeriod::Relative { grain, ahead: 0 } => Ok(match grain {
            Grain::Month => PeriodSpec::ThisMonth,
            Grain::Quarter => PeriodSpec::ThisQuarter,
        }),
        ForecastPeriod::Relative { .. } => Err(EngineError::NoSuchPeriod {
            period: "a period after the one holding the later export's day (the forecast then and now compares this month or quarter, or a named one)".to_owned(),
        }),
    }
}

/// `period` as seen on `day`: the same days (a relative period counts ahead from `day`'s own).
fn same_period_on(
    settings: &ForecastSettings,
    from_day: NaiveDate,
    day: NaiveDate,
) -> Result<ForecastPeriod, EngineError> {
    let calendar = &settings.metrics.calendar;
    let target = settings.period.resolve(calendar, from_day);
    match &settings.period {
        ForecastPeriod::Named { .. } => Ok(settings.period.clone()),
        ForecastPeriod::Relative { grain, .. } => (0..=24u32)
            .map(|ahead| ForecastPeriod::Relative {
                grain: *grain,
                ahead,
            })
            .find(|p| target.is_some() && p.resolve(calendar, day) == target)
            .ok_or_else(|| EngineError::NoSuchPeriod {
                period: format!("{:?} on {day}", settings.period),
            }),
    }
}

impl ShiftJob {
    /// `settings.metrics` must carry the model's calendar.
    pub(super) fn new(session: &Session, ask: ChangesForecast) -> Result<ShiftJob, EngineError> {
        let ChangesForecast {
            settings,
            before_files,
            after_files,
            swap,
        } = ask;
        let settings = *settings;
        let mut metrics = settings.metrics.clone();
        metrics.period = changes_period(&settings.period)?;
        let (before, after) = if before_files.is_empty() && after_files.is_empty() {
            pair(session)?
        } else {
            (before_files, after_files)
        };
        let (before, after) = if swap {
            (after, before)
        } else {
            (before, after)
        };
        let changes = ChangesJob::new(session, metrics, before, after)?.swapped(swap);
        Ok(ShiftJob {
            settings,
            changes,
            report: None,
            tasks: Vec::new(),
            then_report: None,
        })
    }

    pub(super) fn step(&mut self, session: &Session) -> ShiftStep {
        let Some(report) = &self.report else {
            return match self.changes.step(session) {
                ChangesStep::Building(done, total) => ShiftStep::Building(done, total),
                ChangesStep::Done(Err(error)) => ShiftStep::Done(Err(error)),
                ChangesStep::Done(Ok(report)) => match self.plan(&report) {
                    Ok(tasks) => {
                        self.tasks = tasks;
                        self.report = Some(report);
                        ShiftStep::Forecasting(0, 1)
                    }
                    Err(error) => ShiftStep::Done(Err(error)),
                },
            };
        };
        let Some(model) = session.built.as_ref().map(|b| &b.model) else {
            return ShiftStep::Done(Err(EngineError::NoDeals));
        };
        let first = usize::from(self.then_report.is_some());
        let Some((_, task)) = self.tasks.get_mut(first) else {
            return ShiftStep::Done(Err(EngineError::Protocol {
                detail: "a ChangesForecast job ran out of forecasts".to_owned(),
            }));
        };
        match task.step(model) {
            Err(error) => ShiftStep::Done(Err(error)),
            Ok(None) => {
                let (done, steps) = (task.done(), task.steps());
                ShiftStep::Forecasting(first * steps + done, 2 * steps)
            }
            Ok(Some(forecast)) => match self.then_report.take() {
                None => {
                    self.then_report = Some(forecast);
                    ShiftStep::Forecasting(1, 2)
                }
                Some(then) => {
                    let mut shift = attribute(report, &then, &forecast);
                    if let Some(note) = period_mismatch(report, &forecast) {
                        shift.notes.push(note);
                    }
                    ShiftStep::Done(Ok(Box::new(shift)))
                }
            },
        }
    }

    /// The two forecasts' settings and tasks once the exports' days are known.
    fn plan(
        &self,
        report: &ChangesReport,
    ) -> Result<Vec<(ForecastSettings, ForecastTask)>, EngineError> {
        let on = |day: NaiveDate| -> Result<ForecastSettings, EngineError> {
            let mut s = self.settings.clone();
            s.period = same_period_on(&self.settings, report.after, day)?;
            s.metrics.as_of = Some(day);
            Ok(s)
        };
        [report.before, report.after]
            .into_iter()
            .map(|day| on(day).map(|s| (s.clone(), ForecastTask::brief(s))))
            .collect()
    }
}

/// A note when the waterfall's period and the forecast's are not the same days.
fn period_mismatch(report: &ChangesReport, forecast: &ForecastReport) -> Option<String> {
    let same = report.period.start == Some(forecast.period.start)
        && report.period.end == Some(forecast.period.end);
    (!same).then(|| {
        format!(
            "The waterfall covers {} and the forecast {} ({} to {}): a deal's movement is the waterfall's, its expected value the forecast's.",
            report.period.label, forecast.period.label, forecast.period.start, forecast.period.end
        )
    })
}
