//! Process metrics read from Linux `/proc/self`.

use std::fs;

use metric_defs::process as defs;

use crate::MetricWriter;

/// Reads `process_*` metrics of the running process.
pub struct ProcessCollector {
    page_size: f64,
    ticks_per_second: f64,
    start_time: Option<f64>,
}

impl Default for ProcessCollector {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessCollector {
    /// Reads the constants once (page size, clock ticks, start time).
    pub fn new() -> Self {
        let mut c = ProcessCollector {
            page_size: 4096.0,
            ticks_per_second: 100.0,
            start_time: None,
        };
        c.start_time = c.read_start_time();
        c
    }

    fn stat_fields() -> Option<Vec<String>> {
        let stat = fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = &stat[stat.rfind(')')? + 2..];
        Some(rest.split_whitespace().map(str::to_string).collect())
    }

    fn read_start_time(&self) -> Option<f64> {
        let f = Self::stat_fields()?;
        let start_ticks: f64 = f.get(19)?.parse().ok()?;
        let btime: f64 = fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("btime "))?
            .trim()
            .parse()
            .ok()?;
        Some(btime + start_ticks / self.ticks_per_second)
    }

    /// Writes the process families (those that can be read).
    pub fn write(&self, w: &mut MetricWriter) {
        if let Some(f) = Self::stat_fields() {
            let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok());
            if let (Some(u), Some(s)) = (num(11), num(12)) {
                w.family(&defs::CPU_SECONDS)
                    .sample(&[], (u + s) / self.ticks_per_second);
            }
            if let Some(v) = num(20) {
                w.family(&defs::VIRTUAL_MEMORY).sample(&[], v);
            }
            if let Some(r) = num(21) {
                w.family(&defs::RESIDENT_MEMORY)
                    .sample(&[], r * self.page_size);
            }
        }
        if let Ok(dir) = fs::read_dir("/proc/self/fd") {
            w.family(&defs::OPEN_FDS)
                .sample_u64(&[], dir.count() as u64);
        }
        if let Some(max) = fs::read_to_string("/proc/self/limits").ok().and_then(|l| {
            l.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| {
                    l.split_whitespace()
                        .nth(3)
                        .and_then(|v| v.parse::<u64>().ok())
                })
        }) {
            w.family(&defs::MAX_FDS).sample_u64(&[], max);
        }
        if let Some(t) = self.start_time {
            w.family(&defs::START_TIME).sample(&[], t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    #[test]
    fn reads_this_process() {
        let c = ProcessCollector::new();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let start = c.start_time.expect("start time readable");
        assert!(
            start <= now + 1.0 && start > now - 3600.0,
            "start {start}, now {now}"
        );
        let mut w = MetricWriter::new(Format::Text, Vec::new());
        c.write(&mut w);
        let text = String::from_utf8(w.into_inner()).unwrap();
        let rss: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
            .unwrap()
            .parse()
            .unwrap();
        let statm: f64 = fs::read_to_string("/proc/self/statm")
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        // Same source, read a moment apart: within 10%.
        assert!((rss / (statm * c.page_size) - 1.0).abs() < 0.1, "rss {rss}");
        assert!(text.contains("process_open_fds "));
        assert!(text.contains("process_max_fds "));
    }
}
