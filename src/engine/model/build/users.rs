//! Who people are: a users file (id, name, email, active, role, manager) and a team file (rep, manager,
//! team, role, start and end dates), both read into the roster before any deal, so owners resolve.

use crate::engine::ingest::report::NoteKind;
use crate::engine::model::Field;
use crate::engine::model::build::context::{Context, cell, column_of, note_row};
use crate::engine::model::build::decide::DateCol;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::people::{TeamInfo, UserInfo};
use crate::engine::model::values::scalars::parse_bool;

pub(super) struct UsersReader {
    id: Option<usize>,
    name: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
    email: Option<usize>,
    active: Option<usize>,
    role: Option<usize>,
    manager: Option<usize>,
}

impl UsersReader {
    pub(super) fn start(input: &FileInput<'_>, file: &FileModel) -> Self {
        let c = |f| column_of(input, file, f);
        UsersReader {
            id: c(Field::UserId),
            name: c(Field::Name),
            first: c(Field::FirstName),
            last: c(Field::LastName),
            email: c(Field::Email),
            active: c(Field::Active),
            role: c(Field::Role),
            manager: c(Field::Manager),
        }
    }
}

impl RowReader for UsersReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        let table = input.table;
        let user_id = cell(table, row, self.id);
        if user_id.is_empty() {
            note_row(
                file,
                NoteKind::Rejected,
                table,
                row,
                Field::UserId,
                "",
                "A user needs an id.".to_owned(),
            );
            return;
        }
        let full = cell(table, row, self.name);
        let display = if full.is_empty() {
            format!(
                "{} {}",
                cell(table, row, self.first),
                cell(table, row, self.last)
            )
            .trim()
            .to_owned()
        } else {
            full.to_owned()
        };
        let email_value = cell(table, row, self.email);
        ctx.roster.add_user(UserInfo {
            id: user_id.to_owned(),
            name: if display.is_empty() {
                email_value.to_owned()
            } else {
                display
            },
            email: (!email_value.is_empty()).then(|| email_value.to_owned()),
            active: parse_bool(cell(table, row, self.active)).ok().flatten(),
            role: Some(cell(table, row, self.role).to_owned())
                .filter(|r| !r.is_empty() && !r.starts_with("00E")),
            manager_id: Some(cell(table, row, self.manager).to_owned()).filter(|m| !m.is_empty()),
        });
    }

    fn end(self: Box<Self>, _: &mut Context, input: &FileInput<'_>, file: &mut FileModel) {
        file.notes.push(format!(
            "{} users: owner ids in the other files resolve to their names.",
            input.table.row_count()
        ));
    }
}

pub(super) struct TeamsReader {
    rep: Option<usize>,
    manager: Option<usize>,
    team: Option<usize>,
    role: Option<usize>,
    started: DateCol,
    ended: DateCol,
}

impl TeamsReader {
    pub(super) fn start(ctx: &Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let c = |f| column_of(input, file, f);
        let (rep, manager, team, role, started, ended) = (
            c(Field::Rep),
            c(Field::Manager),
            c(Field::Team),
            c(Field::Role),
            c(Field::Started),
            c(Field::Ended),
        );
        TeamsReader {
            rep,
            manager,
            team,
            role,
            started: ctx.date_col(input, file, started),
            ended: ctx.date_col(input, file, ended),
        }
    }
}

impl RowReader for TeamsReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        let table = input.table;
        let name = cell(table, row, self.rep);
        if name.is_empty() {
            note_row(
                file,
                NoteKind::Rejected,
                table,
                row,
                Field::Rep,
                "",
                "A team row needs the rep's name.".to_owned(),
            );
            return;
        }
        let text =
            |c: Option<usize>| Some(cell(table, row, c).to_owned()).filter(|t| !t.is_empty());
        let info = TeamInfo {
            manager: text(self.manager),
            team: text(self.team),
            role: text(self.role),
            started_on: ctx.date_in(table, row, &self.started, false),
            ended_on: ctx.date_in(table, row, &self.ended, false),
        };
        ctx.roster.add_team(name, info, input.file_id);
    }

    fn end(self: Box<Self>, _: &mut Context, _: &FileInput<'_>, _: &mut FileModel) {}
}
