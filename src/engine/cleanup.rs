//! Leftovers: a workbench killed mid-check (kill -9, a closed laptop) leaves its containers
//! behind. Each process removes, on start, the labelled containers of processes that are no
//! longer alive — and never anything unlabelled or owned by a live workbench.
use std::collections::HashMap;

use bollard::query_parameters::{ListContainersOptionsBuilder, RemoveContainerOptionsBuilder};

use super::{CALL_TIMEOUT, Engine, EngineError, MANAGED_LABEL, OWNER_LABEL, within};

/// This process as `PID@START@BOOT`: START its start time in clock ticks since boot, BOOT this
/// machine's boot id — a daemon shared by several machines must not have one reap another's work.
pub fn owner_id() -> String {
    let pid = std::process::id();
    format!("{pid}@{}@{}", start_time(pid).unwrap_or(0), boot_id())
}

fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id").map(|s| s.trim().to_string()).unwrap_or_default()
}

fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses; fields after it are plain.
    let after = &stat[stat.rfind(')')? + 2..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// Whether the process that wrote `owner` is still running.
pub fn is_alive(owner: &str) -> bool {
    let mut parts = owner.split('@');
    let (Some(pid), Some(start)) = (parts.next(), parts.next()) else { return false };
    if let Some(boot) = parts.next()
        && boot != boot_id()
    {
        // Another machine's process (or this one's before a reboot): it cannot be checked
        // from here, so its containers are kept rather than guessed dead.
        return true;
    }
    let Ok(pid) = pid.parse::<u32>() else { return false };
    if !std::path::Path::new("/proc/self/stat").exists() {
        // Without /proc (macOS) a PID cannot be checked; keep everything rather than guess.
        return true;
    }
    match start_time(pid) {
        Some(t) => start == "0" || t.to_string() == start,
        None => false,
    }
}

/// Removes the managed containers of dead owners; returns how many were removed.
pub async fn remove_stale(engine: &Engine) -> Result<usize, EngineError> {
    let filters = HashMap::from([("label", vec![format!("{MANAGED_LABEL}=true")])]);
    let options = ListContainersOptionsBuilder::new().all(true).filters(&filters).build();
    let list = within("list containers", CALL_TIMEOUT, engine.docker().list_containers(Some(options))).await?;
    let mut removed = 0;
    for c in list {
        let owner = c.labels.as_ref().and_then(|l| l.get(OWNER_LABEL)).cloned().unwrap_or_default();
        if is_alive(&owner) {
            continue;
        }
        if let Some(id) = c.id {
            let opts = RemoveContainerOptionsBuilder::new().force(true).v(true).build();
            if within("remove a leftover container", CALL_TIMEOUT, engine.docker().remove_container(&id, Some(opts))).await.is_ok() {
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_made_up_one_is_not() {
        let me = owner_id();
        assert!(is_alive(&me));
        let (pid, _) = me.split_once('@').unwrap();
        assert!(!is_alive(&format!("{pid}@1")), "same PID, other start time = a reused PID");
        assert!(!is_alive("4194999@5"));
        assert!(!is_alive("garbage"));
        assert!(is_alive(&format!("{pid}@1@another-machines-boot-id")), "another machine's work is never reaped");
    }
}
