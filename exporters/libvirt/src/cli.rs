//! Command-line flags: `--libvirt.uri`, `--scrape.timeout`, the kit's web
//! and log flags, and `--collector.NAME` / `--no-collector.NAME` for the
//! optional collector groups (node_exporter style; the last one given wins).

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches, Parser};
use exporter_kit::WebArgs;

use crate::poller::{Config, Groups};

/// `libvirt-exporter` flags.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "libvirt-exporter",
    version,
    about = "Prometheus exporter for libvirt hosts: all domains' stats from one bulk call per scrape."
)]
pub struct Cli {
    /// libvirt connection URI (read-only), e.g. qemu:///system,
    /// qemu+ssh://host/system or test:///default.
    #[arg(
        long = "libvirt.uri",
        value_name = "URI",
        default_value = "qemu:///system"
    )]
    pub uri: String,

    /// Deadline of one scrape (e.g. 500ms, 8s, 1m); past it, domains that
    /// did not answer keep their last good values with
    /// libvirt_domain_stats_partial 1.
    #[arg(long = "scrape.timeout", value_name = "DURATION", default_value = "8s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Web and log flags.
    #[command(flatten)]
    pub web: WebArgs,

    /// Optional collector groups.
    #[command(flatten)]
    pub collectors: CollectorFlags,
}

impl Cli {
    /// The libvirt-side configuration these flags describe.
    pub fn config(&self) -> Config {
        let mut c = Config::new(&self.uri);
        c.timeout = self.timeout;
        c.groups = self.collectors.groups;
        c
    }
}

/// Name, flag to enable, flag to disable, default, help.
type Flag = (&'static str, &'static str, &'static str, bool, &'static str);

/// The optional groups.
const FLAGS: &[Flag] = &[
    (
        "jobs",
        "collector.jobs",
        "no-collector.jobs",
        true,
        "Job and migration progress of running domains (default: enabled).",
    ),
    (
        "pools",
        "collector.pools",
        "no-collector.pools",
        true,
        "Storage pool state and sizes (default: enabled).",
    ),
    (
        "host",
        "collector.host",
        "no-collector.host",
        true,
        "Host CPUs, memory and NUMA free memory as libvirt sees them (default: enabled).",
    ),
    (
        "nova",
        "collector.nova",
        "no-collector.nova",
        false,
        "OpenStack Nova metadata of domains as libvirt_domain_openstack_info (default: disabled).",
    ),
    (
        "perf",
        "collector.perf",
        "no-collector.perf",
        false,
        "Perf event counters of domains (default: disabled).",
    ),
    (
        "iothread",
        "collector.iothread",
        "no-collector.iothread",
        false,
        "I/O thread polling settings of domains (default: disabled).",
    ),
    (
        "dirtyrate",
        "collector.dirtyrate",
        "no-collector.dirtyrate",
        false,
        "Memory dirty rate of domains from the last calculation (default: disabled).",
    ),
];

/// Which optional collectors are on.
#[derive(Debug, Clone, Default)]
pub struct CollectorFlags {
    /// The resulting groups.
    pub groups: Groups,
}

fn set(g: &mut Groups, name: &str, on: bool) {
    match name {
        "jobs" => g.jobs = on,
        "pools" => g.pools = on,
        "host" => g.host = on,
        "nova" => g.nova = on,
        "perf" => g.perf = on,
        "iothread" => g.iothread = on,
        "dirtyrate" => g.dirtyrate = on,
        _ => {}
    }
}

impl FromArgMatches for CollectorFlags {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut s = CollectorFlags::default();
        s.update_from_arg_matches(m)?;
        Ok(s)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        for &(name, on, off, default, _) in FLAGS {
            let value = if m.get_flag(on) {
                true
            } else if m.get_flag(off) {
                false
            } else {
                default
            };
            set(&mut self.groups, name, value);
        }
        Ok(())
    }
}

impl Args for CollectorFlags {
    fn augment_args(mut cmd: Command) -> Command {
        for &(_, on, off, _, help) in FLAGS {
            cmd = cmd
                .arg(
                    Arg::new(on)
                        .long(on)
                        .action(ArgAction::SetTrue)
                        .overrides_with(off)
                        .help(help),
                )
                .arg(
                    Arg::new(off)
                        .long(off)
                        .action(ArgAction::SetTrue)
                        .overrides_with(on)
                        .hide_short_help(true)
                        .help("Disable the collector above."),
                );
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

/// Parses a Prometheus-style duration: a positive number with `ms`, `s`,
/// `m` or `h` (e.g. `500ms`, `8s`, `1.5m`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("{s:?}: missing unit (use ms, s, m or h, e.g. 8s)"))?;
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?}: {num:?} is not a number"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use ms, s, m or h)")),
    };
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!("{s:?}: must be more than 0 and at most 24h"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("libvirt-exporter").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_drop_in_for_the_old_exporters() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.uri, "qemu:///system");
        assert_eq!(c.timeout, Duration::from_secs(8));
        assert_eq!(c.collectors.groups, Groups::default());
        assert!(c.web.listen_addresses.is_empty());
    }

    #[test]
    fn collector_flags_last_one_wins() {
        let c = parse(&[
            "--collector.perf",
            "--no-collector.jobs",
            "--collector.nova",
            "--no-collector.nova",
            "--no-collector.iothread",
            "--collector.iothread",
            "--libvirt.uri",
            "test:///default",
            "--scrape.timeout",
            "250ms",
            "--web.listen-address",
            "127.0.0.1:0",
        ])
        .unwrap();
        let g = c.collectors.groups;
        assert!(g.perf && !g.jobs && !g.nova && g.iothread && g.pools && !g.dirtyrate);
        assert_eq!(c.uri, "test:///default");
        assert_eq!(c.timeout, Duration::from_millis(250));
    }

    #[test]
    fn bad_flags_are_clear_errors() {
        let e = parse(&["--scrape.timeout", "5"]).unwrap_err().to_string();
        assert!(e.contains("missing unit"), "{e}");
        let e = parse(&["--scrape.timeout", "0s"]).unwrap_err().to_string();
        assert!(e.contains("more than 0"), "{e}");
        let e = parse(&["--scrape.timeout", "3d"]).unwrap_err().to_string();
        assert!(e.contains("unknown unit"), "{e}");
        assert!(parse(&["--collector.bogus"]).is_err());
    }
}
