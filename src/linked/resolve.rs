//! Where Kometa finds a local file a config links to. Kometa never joins a
//! link with the config's folder: a relative path is relative to Kometa's
//! working directory (`os.path.abspath`, `os.path.exists`, `os.path.isdir`;
//! modules/util.py:490-549). In the official image that is `/`, with the
//! config in the `/config` volume, so `config/Movies.yml` is
//! `/config/Movies.yml`; in a git or pip install it is the checkout, holding
//! `config/`. Either way it is the parent of the config's folder when that
//! folder is named `config`, which is the default here; `--workdir`
//! sets it.

use std::path::{Path, PathBuf};

/// The folder relative links are read from, and the config's own folder.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    /// Kometa's working directory as seen from here (empty: the current
    /// directory, so that paths stay as short as the user wrote them).
    pub(crate) dir: PathBuf,
    /// The folder of the config (the host side of Docker's `/config`).
    config_dir: PathBuf,
}

impl Base {
    /// The base for the config at `config`: `workdir` when given, else
    /// the parent of the config's folder when that is named `config`, else
    /// the current directory.
    pub(crate) fn new(config: &Path, workdir: Option<&Path>) -> Base {
        let config_dir = config.parent().unwrap_or(Path::new("")).to_path_buf();
        let dir = match workdir {
            Some(dir) => dir.to_path_buf(),
            None if config_dir.file_name().is_some_and(|n| n == "config") => {
                config_dir.parent().unwrap_or(Path::new("")).to_path_buf()
            }
            None if config_dir.as_os_str().is_empty() && in_config_folder() => PathBuf::from(".."),
            None => PathBuf::new(),
        };
        Base { dir, config_dir }
    }

    /// The path Kometa would open for `written`: relative to Kometa's
    /// working directory; an absolute `/config/…` that does not exist here
    /// is the same file under the config's folder (the volume's source on
    /// the host).
    pub(crate) fn resolve(&self, written: &str) -> PathBuf {
        let path = Path::new(written);
        if path.is_absolute() {
            if !path.exists()
                && let Ok(rest) = path.strip_prefix("/config")
            {
                let host = self.config_dir.join(rest);
                if host.exists() {
                    return host;
                }
            }
            return path.to_path_buf();
        }
        self.dir.join(path)
    }

    /// The base in words, for messages.
    pub(crate) fn shown(&self) -> String {
        if self.dir.as_os_str().is_empty() {
            "the current directory".to_string()
        } else {
            format!("`{}`", self.dir.display())
        }
    }
}

/// Whether the current directory is itself named `config` (a config given
/// as `config.yml` from inside it).
fn in_config_folder() -> bool {
    std::env::current_dir().is_ok_and(|d| d.file_name().is_some_and(|n| n == "config"))
}

/// The path Kometa loads for `file: PATH` (and for a plain entry once it
/// exists): `.yml` appended unless it ends in `.yml` or `.yaml` (Kometa's
/// `DataFile.load_file`, modules/meta.py, which is not vendored: read in
/// Kometa-Team/Kometa at 0447ce66, after 2.4.4).
pub(crate) fn with_extension(written: &str) -> String {
    if written.ends_with(".yml") || written.ends_with(".yaml") {
        written.to_string()
    } else {
        format!("{written}.yml")
    }
}

/// The YAML files of a `folder:` as Kometa lists them (modules/util.py:
/// 497-498): `*.yml` then `*.yaml` directly inside it (not in subfolders,
/// not hidden files), each sorted by name.
pub(crate) fn folder_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let mut files = Vec::new();
    for ext in [".yml", ".yaml"] {
        files.extend(
            names
                .iter()
                .filter(|n| n.ends_with(ext))
                .map(|n| dir.join(n))
                .filter(|p| p.is_file()),
        );
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_are_read_from_the_parent_of_a_folder_named_config() {
        let base = Base::new(Path::new("/srv/kometa/config/config.yml"), None);
        assert_eq!(
            base.resolve("config/Movies.yml"),
            Path::new("/srv/kometa/config/Movies.yml")
        );
        let base = Base::new(Path::new("/srv/kometa/kometa.yml"), None);
        assert_eq!(
            base.resolve("config/Movies.yml"),
            Path::new("config/Movies.yml")
        );
        let base = Base::new(
            Path::new("/srv/kometa/config/config.yml"),
            Some(Path::new("/opt")),
        );
        assert_eq!(base.resolve("x.yml"), Path::new("/opt/x.yml"));
        assert_eq!(base.resolve("/abs/x.yml"), Path::new("/abs/x.yml"));
    }

    #[test]
    fn docker_config_paths_are_found_beside_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::create_dir(&config).unwrap();
        std::fs::write(config.join("Movies.yml"), "collections: {}\n").unwrap();
        let base = Base::new(&config.join("config.yml"), None);
        assert_eq!(
            base.resolve("/config/Movies.yml"),
            config.join("Movies.yml")
        );
        assert_eq!(
            base.resolve("/config/Missing.yml"),
            Path::new("/config/Missing.yml")
        );
    }

    #[test]
    fn file_links_get_yml_unless_they_end_in_a_yaml_extension() {
        assert_eq!(with_extension("config/Movies"), "config/Movies.yml");
        assert_eq!(with_extension("config/Movies.yml"), "config/Movies.yml");
        assert_eq!(with_extension("config/Movies.yaml"), "config/Movies.yaml");
        assert_eq!(with_extension("config/Movies.YML"), "config/Movies.YML.yml");
    }

    #[test]
    fn a_folder_lists_yml_then_yaml_files_not_hidden_ones_nor_subfolders() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.yml", "a.yaml", ".hidden.yml", "c.txt", "a.yml"] {
            std::fs::write(dir.path().join(name), "x: 1\n").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.yml")).unwrap();
        let names: Vec<String> = folder_files(dir.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.yml", "b.yml", "a.yaml"]);
    }
}
