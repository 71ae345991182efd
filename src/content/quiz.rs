//! The quiz: its data format (`lessons/quiz.yaml`) and the server-side judge. The answer key is
//! only ever serialised into a [`Judgement`], i.e. after the learner has answered.
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Text};

/// `lessons/quiz.yaml`. Documented in `docs/content-format.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizFile {
    /// Format version; only 1 exists.
    pub version: u32,
    pub questions: Vec<Question>,
}

// No `deny_unknown_fields` here: serde cannot combine it with `flatten`; `Kind` denies them.
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    /// Stable id: progress records refer to it, so a reworded question keeps its attempts.
    pub id: String,
    /// The lesson (by id) the question belongs to.
    pub lesson: String,
    pub prompt: Text,
    #[serde(flatten)]
    pub kind: Kind,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Kind {
    /// Free text; the model answer is revealed afterwards with the key points it covered.
    Open {
        model_answer: Text,
        key_points: Vec<KeyPoint>,
    },
    /// Exactly one right choice.
    Single {
        choices: Vec<Choice>,
        answer: Vec<String>,
        explanation: Text,
    },
    /// One or more right choices; all and only those must be picked.
    Multiple {
        choices: Vec<Choice>,
        answer: Vec<String>,
        explanation: Text,
    },
    Truefalse {
        answer: bool,
        explanation: Text,
    },
    /// `items` are written in the right order; the page shows them shuffled.
    Order {
        items: Vec<Choice>,
        explanation: Text,
    },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub text: Text,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPoint {
    pub text: Text,
    /// Groups of terms: the point is covered when every group has a term in the answer.
    #[serde(rename = "match")]
    pub groups: Vec<Vec<String>>,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Open { .. } => "open",
            Kind::Single { .. } => "single",
            Kind::Multiple { .. } => "multiple",
            Kind::Truefalse { .. } => "truefalse",
            Kind::Order { .. } => "order",
        }
    }
}

/// What the learner sent. Its shape must fit the question's kind.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Flag(bool),
    Text(String),
    Ids(Vec<String>),
}

/// Longest free-text answer judged; a longer one is refused, not truncated.
pub const MAX_ANSWER_CHARS: usize = 4000;

#[derive(Debug, Clone, Serialize)]
pub struct Judgement {
    pub question: String,
    /// 0.0–1.0: the share of key points for open questions, else 0 or 1.
    pub score: f64,
    pub correct: bool,
    pub explanation: String,
    pub model_answer: Option<String>,
    pub key_points: Vec<PointResult>,
    /// The right choice ids (single/multiple), item ids in order (order), or "true"/"false".
    pub correct_answer: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PointResult {
    pub text: String,
    pub covered: bool,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AnswerError {
    #[error("this question expects {expected}")]
    WrongShape { expected: &'static str },
    #[error("the answer is longer than {MAX_ANSWER_CHARS} characters")]
    TooLong,
    #[error("unknown choice `{0}`")]
    UnknownChoice(String),
    #[error("the answer is empty")]
    Empty,
}

impl Question {
    pub fn judge(&self, answer: &Answer, lang: Lang) -> Result<Judgement, AnswerError> {
        let mut j = Judgement {
            question: self.id.clone(),
            score: 0.0,
            correct: false,
            explanation: String::new(),
            model_answer: None,
            key_points: vec![],
            correct_answer: vec![],
        };
        match (&self.kind, answer) {
            (Kind::Open { model_answer, key_points }, Answer::Text(text)) => {
                if text.chars().count() > MAX_ANSWER_CHARS {
                    return Err(AnswerError::TooLong);
                }
                if text.trim().is_empty() {
                    return Err(AnswerError::Empty);
                }
                let folded = fold(text);
                j.key_points = key_points.iter().map(|p| PointResult { text: p.text.get(lang).to_string(), covered: covers(&folded, p) }).collect();
                let covered = j.key_points.iter().filter(|p| p.covered).count();
                j.score = covered as f64 / key_points.len().max(1) as f64;
                j.correct = covered == key_points.len();
                j.model_answer = Some(model_answer.get(lang).to_string());
            }
            (Kind::Single { choices, answer: key, explanation }, Answer::Ids(ids))
            | (Kind::Multiple { choices, answer: key, explanation }, Answer::Ids(ids)) => {
                if ids.is_empty() {
                    return Err(AnswerError::Empty);
                }
                if let Some(bad) = ids.iter().find(|id| !choices.iter().any(|c| &c.id == *id)) {
                    return Err(AnswerError::UnknownChoice(bad.clone()));
                }
                let mut given: Vec<&String> = ids.iter().collect();
                given.sort();
                given.dedup();
                let mut want: Vec<&String> = key.iter().collect();
                want.sort();
                j.correct = given == want;
                j.correct_answer = key.clone();
                j.explanation = explanation.get(lang).to_string();
            }
            (Kind::Truefalse { answer: key, explanation }, Answer::Flag(flag)) => {
                j.correct = flag == key;
                j.correct_answer = vec![key.to_string()];
                j.explanation = explanation.get(lang).to_string();
            }
            (Kind::Order { items, explanation }, Answer::Ids(ids)) => {
                if let Some(bad) = ids.iter().find(|id| !items.iter().any(|c| &c.id == *id)) {
                    return Err(AnswerError::UnknownChoice(bad.clone()));
                }
                j.correct_answer = items.iter().map(|i| i.id.clone()).collect();
                j.correct = *ids == j.correct_answer;
                j.explanation = explanation.get(lang).to_string();
            }
            (kind, _) => {
                return Err(AnswerError::WrongShape {
                    expected: match kind {
                        Kind::Open { .. } => "a text",
                        Kind::Truefalse { .. } => "true or false",
                        _ => "a list of choice ids",
                    },
                });
            }
        }
        if !matches!(self.kind, Kind::Open { .. }) {
            j.score = if j.correct { 1.0 } else { 0.0 };
        }
        Ok(j)
    }

    /// Choices as the page shows them: order items shuffled (deterministically per question, and
    /// never already in the right order), other choices as written.
    pub fn shown_choices(&self) -> Vec<Choice> {
        match &self.kind {
            Kind::Single { choices, .. } | Kind::Multiple { choices, .. } => choices.clone(),
            Kind::Order { items, .. } => shuffled(&self.id, items),
            _ => vec![],
        }
    }
}

fn shuffled(seed: &str, items: &[Choice]) -> Vec<Choice> {
    use sha2::{Digest, Sha256};
    let mut keyed: Vec<(Vec<u8>, Choice)> = items.iter().map(|c| (Sha256::digest(format!("{seed}/{}", c.id)).to_vec(), c.clone())).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<Choice> = keyed.into_iter().map(|(_, c)| c).collect();
    if out.len() > 1 && out.iter().zip(items).all(|(a, b)| a.id == b.id) {
        out.rotate_left(1);
    }
    out
}

/// Lowercase, whitespace folded: `오픈 소스` and `오픈소스` are both written by learners, so key-point
/// terms are compared with all whitespace removed.
fn fold(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

fn covers(folded_answer: &str, point: &KeyPoint) -> bool {
    point.groups.iter().all(|group| group.iter().any(|term| folded_answer.contains(&fold(term))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(yaml: &str) -> Question {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn open_answers_score_key_points() {
        let q = q(
            "id: o\nlesson: l\nkind: open\nprompt: {ko: p, en: p}\nmodel_answer: {ko: m, en: m}\nkey_points:\n  - text: {ko: a, en: a}\n    match: [[오픈소스, open source], [도커, docker]]\n  - text: {ko: b, en: b}\n    match: [[취약점, vulnerab]]\n",
        );
        let j = q.judge(&Answer::Text("오픈 소스 팀과 Docker가 함께 관리".into()), Lang::Ko).unwrap();
        assert_eq!(j.key_points.iter().map(|p| p.covered).collect::<Vec<_>>(), [true, false]);
        assert_eq!(j.score, 0.5);
        assert!(!j.correct);
        assert_eq!(j.model_answer.as_deref(), Some("m"));
        assert_eq!(q.judge(&Answer::Ids(vec![]), Lang::Ko).unwrap_err(), AnswerError::WrongShape { expected: "a text" });
        assert_eq!(q.judge(&Answer::Text("x".repeat(MAX_ANSWER_CHARS + 1)), Lang::Ko).unwrap_err(), AnswerError::TooLong);
    }

    #[test]
    fn choices_and_order() {
        let m = q(
            "id: m\nlesson: l\nkind: multiple\nprompt: {ko: p, en: p}\nchoices:\n  - {id: a, text: {ko: a, en: a}}\n  - {id: b, text: {ko: b, en: b}}\n  - {id: c, text: {ko: c, en: c}}\nanswer: [a, c]\nexplanation: {ko: e, en: e}\n",
        );
        assert!(m.judge(&Answer::Ids(vec!["c".into(), "a".into()]), Lang::En).unwrap().correct);
        assert!(!m.judge(&Answer::Ids(vec!["a".into()]), Lang::En).unwrap().correct);
        assert_eq!(m.judge(&Answer::Ids(vec!["z".into()]), Lang::En).unwrap_err(), AnswerError::UnknownChoice("z".into()));
        let o = q(
            "id: o\nlesson: l\nkind: order\nprompt: {ko: p, en: p}\nitems:\n  - {id: p, text: {ko: p, en: p}}\n  - {id: q, text: {ko: q, en: q}}\n  - {id: r, text: {ko: r, en: r}}\nexplanation: {ko: e, en: e}\n",
        );
        let shown: Vec<String> = o.shown_choices().into_iter().map(|c| c.id).collect();
        assert_ne!(shown, ["p", "q", "r"]);
        assert!(o.judge(&Answer::Ids(vec!["p".into(), "q".into(), "r".into()]), Lang::En).unwrap().correct);
        assert!(!o.judge(&Answer::Ids(shown), Lang::En).unwrap().correct);
    }
}
