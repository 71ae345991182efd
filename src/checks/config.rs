//! Checks on the image's configuration: labels (inherited ones count), working directory, ports.
use super::messages;
use crate::content::ExerciseSpec;
use crate::engine::ImageFacts;
use crate::i18n::Text;

/// `golden`: the golden image this one is (checked to be) built on, whose labels it inherits.
pub fn check_config(spec: &ExerciseSpec, image: &ImageFacts, golden: Option<&ImageFacts>) -> Vec<(String, bool, Text)> {
    let mut out = vec![];
    for label in &spec.labels {
        let found = image.labels.get(&label.key).map(String::as_str);
        let id = format!("label.{}", label.key);
        let inherited = golden.and_then(|g| g.labels.get(&label.key));
        let result = match (found, &label.equals, label.email) {
            (None, _, _) => (false, messages::label_missing(&label.key, label.equals.as_deref())),
            (Some(v), Some(want), _) if v != want && inherited == Some(want) => {
                (false, messages::label_overridden(&label.key, want, v, &golden.map(|g| g.reference.clone()).unwrap_or_default()))
            }
            (Some(v), Some(want), _) if v != want => {
                let near = v.trim().trim_matches('"') == want.as_str();
                (false, messages::label_wrong(&label.key, want, v, near))
            }
            (Some(v), _, true) if !is_email(v) => (false, messages::label_not_email(&label.key, v)),
            (Some(v), _, _) => (true, messages::label_ok(&label.key, v)),
        };
        out.push((id, result.0, result.1));
    }
    if let Some(want) = &spec.workdir {
        let found = image.working_dir.trim_end_matches('/');
        let want = want.trim_end_matches('/');
        let passed = found == want;
        out.push(("workdir".into(), passed, if passed { messages::workdir_ok(want) } else { messages::workdir_wrong(want, found) }));
    }
    for port in &spec.exposes {
        let passed = image.exposed_ports.iter().any(|p| p == port);
        out.push((format!("expose.{port}"), passed, if passed { messages::expose_ok(port) } else { messages::expose_missing(port, &image.exposed_ports) }));
    }
    out
}

/// An address of the form `local@domain.tld`: what an `owner` label needs to be reachable.
pub fn is_email(v: &str) -> bool {
    let v = v.trim();
    let Some((local, domain)) = v.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    #[test]
    fn email_table() {
        for (v, ok) in [
            ("golden-images@example.com", true),
            ("a@b.co", true),
            ("nobody", false),
            ("a@b", false),
            ("a b@c.com", false),
            ("@c.com", false),
            ("a@@c.com", false),
            ("<a@b.com>", false),
        ] {
            assert_eq!(super::is_email(v), ok, "{v}");
        }
    }
}
