//! Judging a run of the app: it must answer `GET /` with a 2xx before the deadline.
use super::messages;
use crate::engine::container::RunOutcome;
use crate::i18n::Text;

pub fn judge(outcome: &RunOutcome, port: &str, path: &str) -> (bool, Text) {
    match outcome {
        RunOutcome::Answered { status, after, .. } if (200..300).contains(status) => (true, messages::responded(path, *status, after.as_millis())),
        RunOutcome::Answered { status, answer, .. } => (false, messages::bad_status(path, *status, &answer.body_start)),
        RunOutcome::Exited { code, logs } => (false, messages::exited(*code, logs)),
        RunOutcome::NoAnswer { waited, logs } => (false, messages::no_answer(port, path, waited.as_secs(), logs)),
    }
}
