//! Languages. Korean is the chapter's language and the default; every page, quiz and UI string
//! also exists in English. UI strings live in `web/i18n/{ko,en}.yaml`, one file per language.
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::web::assets::WebAssets;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ko" | "kr" | "korean" => Some(Lang::Ko),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The terminal's language: `WORKBENCH_LANG`, else `LANG`/`LC_ALL` starting with `ko`, else
    /// English (a terminal that does not say Korean may not render it).
    pub fn from_env() -> Lang {
        if let Some(l) = std::env::var("WORKBENCH_LANG").ok().and_then(|v| Lang::parse(&v)) {
            return l;
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.is_empty()
            {
                return if v.to_ascii_lowercase().starts_with("ko") { Lang::Ko } else { Lang::En };
            }
        }
        Lang::En
    }
}

/// A text in both languages, as content files write it: `{ko: '…', en: '…'}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub ko: String,
    pub en: String,
}

impl Text {
    pub fn new(ko: impl Into<String>, en: impl Into<String>) -> Text {
        Text { ko: ko.into(), en: en.into() }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }
}

pub type Catalog = BTreeMap<String, String>;

/// The UI string catalogue of one language, parsed once from the embedded YAML.
pub fn ui(lang: Lang) -> &'static Catalog {
    static CATALOGS: OnceLock<[Catalog; 2]> = OnceLock::new();
    let all = CATALOGS.get_or_init(|| [load_catalog(Lang::Ko), load_catalog(Lang::En)]);
    match lang {
        Lang::Ko => &all[0],
        Lang::En => &all[1],
    }
}

fn load_catalog(lang: Lang) -> Catalog {
    let path = format!("i18n/{}.yaml", lang.code());
    let file = WebAssets::get(&path).unwrap_or_else(|| panic!("embedded {path} is missing"));
    let text = std::str::from_utf8(&file.data).expect("UI catalogue is UTF-8");
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("embedded {path} does not parse: {e}"))
}

/// One UI string; a missing key shows itself rather than an empty gap (the content test proves
/// both catalogues have the same keys).
pub fn t(lang: Lang, key: &str) -> String {
    ui(lang).get(key).cloned().unwrap_or_else(|| format!("[{key}]"))
}
