//! Every message the checker shows, in Korean and English side by side: one place per language
//! for each sentence. Messages name the offending thing (label, tag, path, port) and, where the
//! learner can act, say what to do.
use std::path::Path;

use crate::i18n::Text;

fn t(ko: String, en: String) -> Text {
    Text { ko, en }
}

fn logs_block(logs: &[String]) -> String {
    if logs.is_empty() { String::new() } else { format!("\n    {}", logs.join("\n    ")) }
}

pub fn image_found(tag: &str, expected: &str) -> Text {
    if tag == expected {
        t(format!("이미지 {tag}이(가) 있습니다."), format!("Image {tag} exists."))
    } else {
        t(
            format!("이미지를 책의 표기인 {tag}(으)로 찾았습니다. 이 장의 태그는 {expected}입니다. 다음 실습의 FROM과 같은 이름을 쓰세요."),
            format!("Found the image under the book's spelling {tag}. The chapter's tag is {expected}; use the same name in the next exercise's FROM."),
        )
    }
}

pub fn base_unknown() -> Text {
    t("이 실습의 기반 이미지 설정이 잘못되었습니다(콘텐츠 오류).".into(), "This exercise's base image is misconfigured (a content error).".into())
}

pub fn base_exercise_missing(base: &str, exercise: &str) -> Text {
    t(
        format!("기반이 될 {base} 이미지가 없습니다. 먼저 실습 {exercise}을(를) 완료하세요."),
        format!("The base image {base} is not there. Do exercise {exercise} first."),
    )
}

pub fn built_on(image: &str, base: &str) -> Text {
    t(format!("{image}은(는) {base}을(를) 기반으로 빌드되었습니다."), format!("{image} is built FROM {base}."))
}

pub fn not_built_on(image: &str, base: &str, actual: Option<&str>, skipped_golden: bool) -> Text {
    match actual {
        Some(a) if skipped_golden => t(
            format!("{image}은(는) 골든 이미지 {base}을(를) 건너뛰고 공식 이미지 {a} 위에 바로 빌드되었습니다."),
            format!("{image} is built directly on the official image {a}, skipping the golden image {base}."),
        ),
        Some(a) => t(format!("{image}은(는) {base}이(가) 아니라 {a} 위에 빌드되었습니다."), format!("{image} is built on {a}, not on {base}.")),
        None => t(
            format!("{image}은(는) {base} 위에 빌드되지 않았습니다(그 레이어와 히스토리로 시작하지 않습니다)."),
            format!("{image} is not built on {base} (its layers and history do not start with those of {base})."),
        ),
    }
}

pub fn on_earlier_build(image: &str, base: &str) -> Text {
    t(
        format!(
            "{image}은(는) {base}의 레이블을 가지고 있지만 지금의 {base} 위에 빌드되어 있지 않습니다. {image}을(를) 빌드한 뒤에 {base}을(를) 다시 빌드했기 때문일 것입니다. {image}을(를) 다시 빌드하세요."
        ),
        format!(
            "{image} carries {base}'s labels but is not built on the current {base}: most likely {base} was rebuilt after {image} was built. Rebuild {image}."
        ),
    )
}

pub fn excluded_not_built(tag: &str, exercise: &str) -> Text {
    t(
        format!("{tag} 이미지가 없어 SDK 레이어가 포함되었는지 확인할 수 없습니다. 먼저 실습 {exercise}을(를) 완료하세요."),
        format!("{tag} is not there, so whether its layers were shipped cannot be checked. Do exercise {exercise} first."),
    )
}

pub fn excludes_ok(tag: &str) -> Text {
    t(format!("{tag}의 레이어가 들어 있지 않습니다(SDK를 배포하지 않음)."), format!("None of {tag}'s own layers are in the image (the SDK is not shipped)."))
}

pub fn ships_layers_of(image: &str, other: &str, n: usize) -> Text {
    t(
        format!(
            "{image}에 {other}의 레이어가 {n}개 들어 있습니다. 마지막 스테이지가 SDK 위에 만들어져 SDK 전체를 배포하고 있습니다. 마지막 FROM을 런타임 골든 이미지로 바꾸세요."
        ),
        format!(
            "{image} contains {n} of {other}'s own layers: its final stage is built on the SDK and ships all of it. Make the last FROM the golden runtime image."
        ),
    )
}

pub fn label_missing(key: &str, want: Option<&str>) -> Text {
    match want {
        Some(w) => t(format!("레이블 {key}이(가) 없습니다. 기대값: {key}=\"{w}\"."), format!("Label {key} is missing; expected {key}=\"{w}\".")),
        None => t(format!("레이블 {key}이(가) 없습니다."), format!("Label {key} is missing.")),
    }
}

pub fn label_wrong(key: &str, want: &str, found: &str, quoting: bool) -> Text {
    let (ko_extra, en_extra) =
        if quoting { (" 값에 따옴표나 공백이 더 들어가 있습니다.", " The value has extra quotes or spaces.") } else { ("", "") };
    t(
        format!("레이블 {key}의 값이 다릅니다. 기대값 \"{want}\", 실제값 \"{found}\".{ko_extra}"),
        format!("Label {key} has the wrong value: expected \"{want}\", found \"{found}\".{en_extra}"),
    )
}

pub fn label_overridden(key: &str, want: &str, found: &str, golden: &str) -> Text {
    t(
        format!(
            "{golden}은(는) 레이블 {key}=\"{want}\"을(를) 주는데, 이 이미지의 Dockerfile이 {key}=\"{found}\"(으)로 덮어썼습니다. 조직의 레이블은 그대로 두고, 앱만의 값은 다른 키(예: app.{key})에 넣으세요."
        ),
        format!(
            "{golden} gives the label {key}=\"{want}\", and this image's Dockerfile overwrites it with {key}=\"{found}\". Keep the organisation's label; put the app's own value under another key (e.g. app.{key})."
        ),
    )
}

pub fn label_not_email(key: &str, found: &str) -> Text {
    t(format!("레이블 {key}의 값 \"{found}\"은(는) 이메일 주소가 아닙니다."), format!("Label {key} is \"{found}\", which is not an e-mail address."))
}

pub fn label_ok(key: &str, found: &str) -> Text {
    t(format!("레이블 {key}=\"{found}\""), format!("Label {key}=\"{found}\""))
}

pub fn workdir_ok(want: &str) -> Text {
    t(format!("작업 디렉터리가 {want}입니다."), format!("The working directory is {want}."))
}

pub fn workdir_wrong(want: &str, found: &str) -> Text {
    if found.is_empty() {
        t(
            format!("작업 디렉터리가 설정되지 않았습니다. 기대값: {want} (WORKDIR {want})."),
            format!("No working directory is set; expected {want} (WORKDIR {want})."),
        )
    } else {
        t(format!("작업 디렉터리가 {found}입니다. 기대값: {want}."), format!("The working directory is {found}; expected {want}."))
    }
}

pub fn expose_ok(port: &str) -> Text {
    t(format!("포트 {port}이(가) 노출되어 있습니다."), format!("Port {port} is exposed."))
}

pub fn expose_missing(port: &str, found: &[String]) -> Text {
    let list = if found.is_empty() { "-".to_string() } else { found.join(", ") };
    t(
        format!("포트 {port}이(가) 노출되어 있지 않습니다(노출된 포트: {list}). EXPOSE를 추가하세요."),
        format!("Port {port} is not exposed (exposed: {list}). Add an EXPOSE instruction."),
    )
}

pub fn file_missing(path: &str, near: &[String]) -> Text {
    if near.is_empty() {
        t(format!("이미지에 {path} 파일이 없습니다."), format!("The image has no file {path}."))
    } else {
        let list = near.join(", ");
        t(format!("이미지에 {path} 파일이 없습니다. 그 폴더에 있는 것: {list}"), format!("The image has no file {path}. That folder holds: {list}"))
    }
}

pub fn file_ok(path: &str) -> Text {
    t(format!("{path} 파일이 있습니다."), format!("{path} is in the image."))
}

pub fn file_not_json(path: &str, err: &str) -> Text {
    t(format!("{path}이(가) 올바른 JSON이 아닙니다: {err}"), format!("{path} is not valid JSON: {err}"))
}

pub fn json_value_ok(path: &str, pointer: &str, value: &str) -> Text {
    t(format!("{path}의 {pointer} = \"{value}\""), format!("{path} has {pointer} = \"{value}\""))
}

pub fn json_value_missing(path: &str, pointer: &str) -> Text {
    t(format!("{path}에 {pointer} 값(문자열)이 없습니다."), format!("{path} has no string value at {pointer}."))
}

pub fn no_dll_in_command(command: &[&String]) -> Text {
    let shown = if command.is_empty() { "(없음 / none)".to_string() } else { format!("{command:?}") };
    t(
        format!("이미지의 실행 명령 {shown}이(가) .dll 파일을 실행하지 않습니다. CMD [\"dotnet\", \"/app/app.dll\"] 형태가 필요합니다."),
        format!("The image's command {shown} does not run a .dll. It needs CMD [\"dotnet\", \"/app/app.dll\"] or similar."),
    )
}

pub fn cmd_target_ok(path: &str) -> Text {
    t(format!("실행 명령이 가리키는 {path} 파일이 있습니다."), format!("{path}, which the command runs, is in the image."))
}

pub fn cmd_target_missing(path: &str, found: &[String]) -> Text {
    match found.first() {
        Some(real) => t(
            format!("실행 명령은 {path}을(를) 실행하지만 그 파일은 {real}에 있습니다. COPY --from의 원본·대상 경로(또는 publish의 -o 폴더)를 맞추세요."),
            format!("The command runs {path}, but that file is at {real}. Make the COPY --from source and destination (or publish's -o folder) agree."),
        ),
        None => t(
            format!("실행 명령은 {path}을(를) 실행하지만 이미지 어디에서도 그 파일을 찾지 못했습니다. 빌드 스테이지의 출력이 복사되었는지 확인하세요."),
            format!("The command runs {path}, but no such file is in the image. Check that the build stage's output is copied."),
        ),
    }
}

pub fn not_run_because_target() -> Text {
    t(
        "이미지의 실행 명령(cmd-target)에 문제가 있어 앱을 실행하지 않았습니다. 위의 문제를 먼저 고치세요.".into(),
        "The app was not started, because the image's command (cmd-target) has a problem. Fix that first.".into(),
    )
}

pub fn responded(path: &str, status: u16, ms: u128) -> Text {
    t(format!("앱이 시작되어 GET {path}에 {status}(으)로 응답했습니다({ms} ms)."), format!("The app started and answered GET {path} with {status} ({ms} ms)."))
}

pub fn bad_status(path: &str, status: u16, body: &str) -> Text {
    t(
        format!("앱이 GET {path}에 {status}(으)로 응답했습니다. 2xx가 필요합니다. 응답 시작: {body}"),
        format!("The app answered GET {path} with {status}; a 2xx is needed. The answer began: {body}"),
    )
}

pub fn exited(code: Option<i64>, logs: &[String]) -> Text {
    let l = logs_block(logs);
    match code {
        Some(code) => t(
            format!("컨테이너가 종료 코드 {code}(으)로 끝났습니다. 마지막 로그:{l}"),
            format!("The container exited with code {code}. Its last log lines:{l}"),
        ),
        None => t(
            format!("컨테이너가 끝났습니다(종료 코드는 읽지 못했습니다). 마지막 로그:{l}"),
            format!("The container stopped (its exit code could not be read). Its last log lines:{l}"),
        ),
    }
}

pub fn no_answer(port: &str, path: &str, secs: u64, logs: &[String]) -> Text {
    let l = logs_block(logs);
    t(
        format!("앱이 {secs}초 안에 포트 {port}의 GET {path}에 응답하지 않았습니다. 앱이 그 포트에서 듣고 있는지 확인하세요. 마지막 로그:{l}"),
        format!("The app did not answer GET {path} on port {port} within {secs} s. Check that it listens on that port. Its last log lines:{l}"),
    )
}

pub fn not_built(tag: &str, dir: &Path) -> Text {
    let d = dir.display();
    t(
        format!("이미지 {tag}이(가) 아직 없습니다. {d} 폴더에서 `docker image build -t {tag} .`을 실행하세요(또는 Build 버튼, `workbench build`)."),
        format!("Image {tag} is not built yet: run `docker image build -t {tag} .` in {d} (or use the Build button / `workbench build`)."),
    )
}

pub fn no_dockerfile(tag: &str, dir: &Path) -> Text {
    let d = dir.display();
    t(
        format!("이미지 {tag}이(가) 없고, {d}에 Dockerfile도 없습니다. 그 폴더에 Dockerfile을 만드세요."),
        format!("Image {tag} does not exist, and there is no Dockerfile in {d}. Write one there."),
    )
}

pub fn dockerfile_unparsable(tag: &str, dir: &Path, err: &str) -> Text {
    let d = dir.display();
    t(
        format!("이미지 {tag}이(가) 없습니다. {d}/Dockerfile을 읽지 못했습니다: {err}"),
        format!("Image {tag} does not exist, and {d}/Dockerfile could not be read: {err}"),
    )
}

pub fn from_missing(tag: &str, missing: &[(usize, String, Option<String>)]) -> Text {
    let mut ko = format!("이미지 {tag}이(가) 없습니다. Dockerfile이 이 컴퓨터에 없는 이미지를 기반으로 합니다:");
    let mut en = format!("Image {tag} does not exist. The Dockerfile builds on an image this machine does not have:");
    for (line, name, near) in missing {
        match near {
            _ if name.contains('$') => {
                ko.push_str(&format!(
                    "\n    {line}번째 줄: FROM {name} — 기본값이 없는 빌드 인수입니다. ARG에 기본값을 주거나(ARG 이름=값) FROM에 이미지 이름을 직접 쓰세요."
                ));
                en.push_str(&format!(
                    "\n    line {line}: FROM {name} — a build argument with no default. Give the ARG a default (ARG NAME=value) or name the image in the FROM."
                ));
            }
            Some(n) => {
                ko.push_str(&format!("\n    {line}번째 줄: FROM {name} — 그런 태그가 없습니다. {n}을(를) 뜻했나요?"));
                en.push_str(&format!("\n    line {line}: FROM {name} — no such tag here; did you mean {n}?"));
            }
            None => {
                ko.push_str(&format!("\n    {line}번째 줄: FROM {name} — 이 컴퓨터에 없습니다."));
                en.push_str(&format!("\n    line {line}: FROM {name} — not on this machine."));
            }
        }
    }
    t(ko, en)
}
