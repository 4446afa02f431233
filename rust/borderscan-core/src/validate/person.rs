//! People: a login name written as a person's (`k.fischer`, `marie.dupont`).

/// Words that name a role, a service or a system, not a person: an account
/// `svc.mes`, `read.only` or `admin.local` is no one's.
const ROLES: &[&[u8]] = &[
    b"admin",
    b"administrator",
    b"adm",
    b"root",
    b"sys",
    b"system",
    b"svc",
    b"service",
    b"srv",
    b"server",
    b"app",
    b"api",
    b"bot",
    b"test",
    b"tester",
    b"guest",
    b"demo",
    b"backup",
    b"dev",
    b"prod",
    b"stage",
    b"staging",
    b"ops",
    b"devops",
    b"sre",
    b"mes",
    b"erp",
    b"scada",
    b"plc",
    b"hmi",
    b"opc",
    b"mqtt",
    b"edge",
    b"gateway",
    b"gw",
    b"read",
    b"reader",
    b"readonly",
    b"write",
    b"writer",
    b"only",
    b"monitor",
    b"monitoring",
    b"user",
    b"users",
    b"operator",
    b"engineer",
    b"maint",
    b"maintenance",
    b"default",
    b"local",
    b"domain",
    b"anonymous",
    b"nobody",
    b"daemon",
    b"www",
    b"web",
    b"db",
    b"sql",
    b"data",
    b"report",
    b"reports",
    b"export",
    b"import",
    b"sync",
    b"batch",
    b"job",
    b"jobs",
    b"cron",
    b"agent",
    b"collector",
    b"historian",
    b"line",
    b"cell",
    b"station",
    b"shift",
    b"team",
    b"group",
    b"qa",
    b"qc",
    b"it",
    b"ot",
    b"support",
    b"helpdesk",
    b"noreply",
    b"no-reply",
    b"info",
    b"mail",
    b"vendor",
    b"remote",
    b"kiosk",
    b"panel",
    b"viewer",
    b"ro",
    b"rw",
];

/// File extensions and words of configuration: `config.yaml`, `app.log` and
/// `settings.json` are files, not logins.
const FILES: &[&[u8]] = &[
    b"yaml",
    b"yml",
    b"json",
    b"xml",
    b"txt",
    b"log",
    b"logs",
    b"csv",
    b"conf",
    b"cfg",
    b"ini",
    b"toml",
    b"py",
    b"js",
    b"ts",
    b"sh",
    b"bat",
    b"ps",
    b"exe",
    b"dll",
    b"so",
    b"bak",
    b"tmp",
    b"pdf",
    b"html",
    b"htm",
    b"jar",
    b"war",
    b"zip",
    b"gz",
    b"tar",
    b"sql",
    b"sqlite",
    b"service",
    b"socket",
    b"timer",
    b"properties",
    b"env",
    b"key",
    b"pem",
    b"crt",
    b"cer",
    b"pfx",
    b"png",
    b"jpg",
    b"config",
    b"settings",
    b"profile",
    b"session",
    b"cache",
    b"home",
    b"dir",
    b"path",
    b"file",
    b"name",
    b"id",
];

/// A login written `given.family` (or `g.family`): two runs of lower-case
/// letters (a hyphen inside a run), the family part at least two letters,
/// neither part a role, service or system word.
pub fn person_login(s: &[u8]) -> bool {
    let s = s.trim_ascii();
    let s = s
        .strip_prefix(b"\"")
        .and_then(|x| x.strip_suffix(b"\""))
        .unwrap_or(s);
    if s.len() < 4 || s.len() > 40 {
        return false;
    }
    let mut parts = s.split(|&b| b == b'.');
    let (Some(given), Some(family), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let word = |p: &[u8]| {
        !p.is_empty()
            && p[0].is_ascii_lowercase()
            && p[p.len() - 1].is_ascii_lowercase()
            && p.iter().all(|&b| b.is_ascii_lowercase() || b == b'-')
    };
    word(given)
        && word(family)
        && family.len() >= 2
        && ![ROLES, FILES]
            .iter()
            .any(|l| l.contains(&given) || l.contains(&family))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_of_people() {
        for s in [
            "k.fischer",
            "marie.dupont",
            "jean-luc.picard",
            "\"an.nguyen\"",
        ] {
            assert!(person_login(s.as_bytes()), "{s}");
        }
        for s in [
            "svc.mes",
            "admin.local",
            "read.only",
            "k.",
            ".fischer",
            "k.fischer.2",
            "kfischer",
            "K.Fischer",
            "k.fischer1",
            "opc.reader",
            "a.b",
            "plc.gw",
            "config.yaml",
            "app.log",
        ] {
            assert!(!person_login(s.as_bytes()), "{s}");
        }
    }
}
