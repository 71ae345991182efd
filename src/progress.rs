//! Durable progress in SQLite: lessons read, every quiz attempt, every check verdict, hints used.
//! WAL with `synchronous=FULL`, so an acknowledged write survives a crash; integrity is checked
//! at open, and a database that fails it (or is not ours) is moved aside byte-for-byte — never
//! silently reset. Records key on stable ids, so a renamed title keeps its progress.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE lesson_reads (lesson TEXT PRIMARY KEY, first_read INTEGER NOT NULL, last_read INTEGER NOT NULL);
     CREATE TABLE quiz_attempts (id INTEGER PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL, score REAL NOT NULL, correct INTEGER NOT NULL, at INTEGER NOT NULL);
     CREATE INDEX quiz_by_question ON quiz_attempts(question, id);
     CREATE TABLE verdicts (id INTEGER PRIMARY KEY, exercise TEXT NOT NULL, passed INTEGER NOT NULL, detail TEXT NOT NULL, source TEXT NOT NULL, at INTEGER NOT NULL);
     CREATE INDEX verdicts_by_exercise ON verdicts(exercise, id);
     CREATE TABLE hints (id INTEGER PRIMARY KEY, exercise TEXT NOT NULL, check_id TEXT NOT NULL, level INTEGER NOT NULL, at INTEGER NOT NULL);",
];

/// Marks the file as ours (`PRAGMA application_id`), so a foreign database is not written into.
const APPLICATION_ID: i64 = 0x5742_4e43; // "WBNC"

pub fn default_dir() -> PathBuf {
    dirs::data_local_dir().unwrap_or_else(|| PathBuf::from(".")).join("workbench")
}

pub struct Progress {
    conn: Mutex<Connection>,
    pub path: PathBuf,
    /// Set when a broken database was moved aside at open: where it went.
    pub moved_aside: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LastVerdict {
    pub exercise: String,
    pub passed: bool,
    pub detail: serde_json::Value,
    pub source: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuizRecord {
    pub question: String,
    pub answer: serde_json::Value,
    pub score: f64,
    pub correct: bool,
    pub attempts: i64,
}

/// The database is damaged or not a workbench database: keep it aside, start anew.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Unusable(String);

fn unusable(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.is::<Unusable>()
            || matches!(c.downcast_ref::<rusqlite::Error>(), Some(rusqlite::Error::SqliteFailure(f, _)) if matches!(f.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt))
    })
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Progress {
    pub fn open(dir: &Path) -> Result<Progress> {
        std::fs::create_dir_all(dir).with_context(|| format!("Failed to create the data folder {}", dir.display()))?;
        let path = dir.join("progress.db");
        let mut moved_aside = None;
        let conn = match Self::open_checked(&path) {
            Ok(c) => c,
            // Only a database that is damaged or not ours is moved aside; a busy, unreadable or
            // full-disk one is an error the learner sees, and the file is left alone.
            Err(why) if path.exists() && unusable(&why) => {
                let stamp = now();
                let aside = dir.join(format!("progress.db.broken-{stamp}"));
                std::fs::rename(&path, &aside).with_context(|| format!("Failed to move the unreadable {} aside", path.display()))?;
                for ext in ["-wal", "-shm"] {
                    let side = dir.join(format!("progress.db{ext}"));
                    if side.exists() {
                        let _ = std::fs::rename(&side, dir.join(format!("progress.db.broken-{stamp}{ext}")));
                    }
                }
                eprintln!("warning: {} could not be used ({why:#}); it was moved to {} unchanged, and a new one was started.", path.display(), aside.display());
                moved_aside = Some(aside);
                Self::open_checked(&path)?
            }
            Err(e) => return Err(e),
        };
        Ok(Progress { conn: Mutex::new(conn), path, moved_aside })
    }

    fn open_checked(path: &Path) -> Result<Connection> {
        let conn = Connection::open(path).with_context(|| format!("Failed to open {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).context("integrity check failed to run")?;
        if check != "ok" {
            return Err(anyhow::Error::new(Unusable(format!("integrity check says: {check}"))));
        }
        let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let has_tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID && has_tables > 0 {
            return Err(anyhow::Error::new(Unusable("it is not a workbench progress database".into())));
        }
        if version > MIGRATIONS.len() as i64 {
            bail!("it was written by a newer workbench (schema {version}); update workbench, or pass --data DIR");
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql).with_context(|| format!("migration {} failed", i + 1))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.commit()?;
        }
        Ok(conn)
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let conn = self.conn.lock().map_err(|_| anyhow::anyhow!("progress store lock poisoned"))?;
        f(&conn).context("Failed to update the progress database")
    }

    pub fn lesson_read(&self, lesson: &str) -> Result<()> {
        let t = now();
        self.with(|c| {
            c.execute("INSERT INTO lesson_reads VALUES (?1, ?2, ?2) ON CONFLICT(lesson) DO UPDATE SET last_read = ?2", params![lesson, t]).map(|_| ())
        })
    }

    pub fn lessons_read(&self) -> Result<Vec<String>> {
        self.with(|c| c.prepare("SELECT lesson FROM lesson_reads ORDER BY first_read")?.query_map([], |r| r.get(0))?.collect())
    }

    pub fn quiz_attempt(&self, question: &str, answer: &serde_json::Value, score: f64, correct: bool) -> Result<i64> {
        let t = now();
        self.with(|c| {
            c.execute(
                "INSERT INTO quiz_attempts (question, answer, score, correct, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![question, answer.to_string(), score, correct, t],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// The latest attempt of every answered question.
    pub fn quiz_latest(&self) -> Result<Vec<QuizRecord>> {
        self.with(|c| {
            c.prepare(
                "SELECT q.question, q.answer, q.score, q.correct, (SELECT count(*) FROM quiz_attempts a WHERE a.question = q.question)
                 FROM quiz_attempts q WHERE q.id = (SELECT max(id) FROM quiz_attempts m WHERE m.question = q.question) ORDER BY q.id",
            )?
            .query_map([], |r| {
                let answer: String = r.get(1)?;
                Ok(QuizRecord {
                    question: r.get(0)?,
                    answer: serde_json::from_str(&answer).unwrap_or(serde_json::Value::Null),
                    score: r.get(2)?,
                    correct: r.get(3)?,
                    attempts: r.get(4)?,
                })
            })?
            .collect()
        })
    }

    pub fn quiz_attempt_count(&self) -> Result<i64> {
        self.with(|c| c.query_row("SELECT count(*) FROM quiz_attempts", [], |r| r.get(0)))
    }

    pub fn verdict(&self, exercise: &str, passed: bool, detail: &serde_json::Value, source: &str) -> Result<()> {
        let t = now();
        self.with(|c| {
            c.execute(
                "INSERT INTO verdicts (exercise, passed, detail, source, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![exercise, passed, detail.to_string(), source, t],
            )
            .map(|_| ())
        })
    }

    pub fn last_verdict(&self, exercise: &str) -> Result<Option<LastVerdict>> {
        self.with(|c| {
            c.query_row("SELECT exercise, passed, detail, source, at FROM verdicts WHERE exercise = ?1 ORDER BY id DESC LIMIT 1", [exercise], |r| {
                let detail: String = r.get(2)?;
                Ok(LastVerdict {
                    exercise: r.get(0)?,
                    passed: r.get(1)?,
                    detail: serde_json::from_str(&detail).unwrap_or_default(),
                    source: r.get(3)?,
                    at: r.get(4)?,
                })
            })
            .optional()
        })
    }

    pub fn hint_used(&self, exercise: &str, check_id: &str, level: i64) -> Result<()> {
        let t = now();
        self.with(|c| c.execute("INSERT INTO hints (exercise, check_id, level, at) VALUES (?1, ?2, ?3, ?4)", params![exercise, check_id, level, t]).map(|_| ()))
    }

    /// Forgets one exercise's verdicts and hints (on `workbench reset`).
    pub fn reset_exercise(&self, exercise: &str) -> Result<()> {
        self.with(|c| {
            c.execute("DELETE FROM verdicts WHERE exercise = ?1", [exercise])?;
            c.execute("DELETE FROM hints WHERE exercise = ?1", [exercise]).map(|_| ())
        })
    }

    /// Everything, as JSON for an instructor.
    pub fn export(&self) -> Result<serde_json::Value> {
        let lessons = self.lessons_read()?;
        let quiz = self.quiz_latest()?;
        let attempts: Vec<serde_json::Value> = self.with(|c| {
            c.prepare("SELECT question, answer, score, correct, at FROM quiz_attempts ORDER BY id")?
                .query_map([], |r| {
                    let answer: String = r.get(1)?;
                    Ok(serde_json::json!({"question": r.get::<_, String>(0)?, "answer": serde_json::from_str::<serde_json::Value>(&answer).unwrap_or_default(), "score": r.get::<_, f64>(2)?, "correct": r.get::<_, bool>(3)?, "at": r.get::<_, i64>(4)?}))
                })?
                .collect()
        })?;
        let verdicts: Vec<serde_json::Value> = self.with(|c| {
            c.prepare("SELECT exercise, passed, source, at, detail FROM verdicts ORDER BY id")?
                .query_map([], |r| {
                    let detail: String = r.get(4)?;
                    Ok(serde_json::json!({"exercise": r.get::<_, String>(0)?, "passed": r.get::<_, bool>(1)?, "source": r.get::<_, String>(2)?, "at": r.get::<_, i64>(3)?, "detail": serde_json::from_str::<serde_json::Value>(&detail).unwrap_or_default()}))
                })?
                .collect()
        })?;
        let hints: Vec<serde_json::Value> = self.with(|c| {
            c.prepare("SELECT exercise, check_id, level, at FROM hints ORDER BY id")?
                .query_map([], |r| Ok(serde_json::json!({"exercise": r.get::<_, String>(0)?, "check": r.get::<_, String>(1)?, "level": r.get::<_, i64>(2)?, "at": r.get::<_, i64>(3)?})))?
                .collect()
        })?;
        Ok(serde_json::json!({"format": 1, "lessons_read": lessons, "quiz": quiz, "quiz_attempts": attempts, "verdicts": verdicts, "hints": hints}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_reopen_and_a_foreign_file_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        {
            let p = Progress::open(dir.path()).unwrap();
            p.lesson_read("trust").unwrap();
            p.quiz_attempt("q1", &serde_json::json!(["a"]), 1.0, true).unwrap();
            p.quiz_attempt("q1", &serde_json::json!(["b"]), 0.0, false).unwrap();
            p.verdict("golden-sdk", true, &serde_json::json!({"passed": true}), "cli").unwrap();
        }
        let p = Progress::open(dir.path()).unwrap();
        assert_eq!(p.lessons_read().unwrap(), ["trust"]);
        let q = p.quiz_latest().unwrap();
        assert_eq!((q.len(), q[0].correct, q[0].attempts), (1, false, 2));
        assert!(p.last_verdict("golden-sdk").unwrap().unwrap().passed);
        drop(p);

        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("progress.db"), b"this is not a database, but it is someone's file").unwrap();
        let p = Progress::open(other.path()).unwrap();
        let aside = p.moved_aside.clone().unwrap();
        assert_eq!(std::fs::read(aside).unwrap(), b"this is not a database, but it is someone's file");
        assert!(p.lessons_read().unwrap().is_empty());
    }
}
