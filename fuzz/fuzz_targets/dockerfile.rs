//! A learner's Dockerfile as the diagnosis reads it, plus the build-context checks on the same
//! text: never a panic, whatever was typed.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = workbench::checks::diagnose::base_images(text);
    let _ = workbench::engine::context::check_dockerfile(text);
    let ignore = workbench::engine::context::DockerIgnore::parse(text);
    let _ = ignore.is_excluded("src/app/Program.cs");
});
