//! `kaapana-chart build SRC... --out DIR`: what Kaapana's build does with
//! its charts, without Python or Helm. Writes the assembled root chart and
//! the collections its `deployment_config.yaml` lists as folders, packages
//! each as `<name>-<version>.tgz` (as `helm package` would, reproducibly)
//! and prints each archive's digest as Helm does (`sha256:<hex>`).

use std::fs;
use std::path::{Component, Path, PathBuf};

use clap::Args;
use kaapana_chart::chart::loader;
use kaapana_chart::chart::File;
use kaapana_chart::kaapana::{archive_name, digest, package_chart};
use kaapana_chart::{Error, ErrorKind};

use crate::tree::SourceArgs;

/// `kaapana-chart build`'s arguments.
#[derive(Args)]
pub struct BuildCmdArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output folder (created if missing; the chart folders and archives it
    /// would hold must not exist yet).
    #[arg(long = "out", value_name = "DIR", required = true)]
    pub out: PathBuf,
}

/// Builds, and returns the lines to print (`sha256:<hex>  <archive>`).
pub fn run(args: &BuildCmdArgs) -> Result<String, Error> {
    let (tree, opts) = args.source.build.scan(&args.source.sources)?;
    let root = &args.source.root;
    let mut names = vec![root.clone()];
    if let Some(config) = tree.deployment_config(root)? {
        names.extend(config.collections);
    }
    // Everything is assembled and packaged before anything is written, so
    // that an error leaves the output folder as it was.
    let mut outputs = Vec::new();
    for name in &names {
        let files = tree.assemble(name, &opts)?;
        let chart = loader::load_in_memory(files.clone(), &opts.load)?;
        let tgz = package_chart(&chart)?;
        let archive = archive_name(&chart);
        for target in [args.out.join(name), args.out.join(&archive)] {
            if fs::symlink_metadata(&target).is_ok() {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("{} already exists; remove it first", target.display()),
                ));
            }
        }
        outputs.push((name.clone(), files, archive, tgz));
    }
    let mut report = String::new();
    for (name, files, archive, tgz) in outputs {
        write_tree(&args.out.join(&name), &files)?;
        let path = args.out.join(&archive);
        fs::write(&path, &tgz).map_err(|e| io(&path, &e))?;
        report.push_str(&format!("{}  {archive}\n", digest(&tgz)));
    }
    Ok(report)
}

fn io(path: &Path, e: &std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{}: {e}", path.display()))
}

/// Writes `files` under `dir`, refusing any path that would leave it.
fn write_tree(dir: &Path, files: &[File]) -> Result<(), Error> {
    for f in files {
        let rel = Path::new(&f.name);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("refusing to write {:?} outside {}", f.name, dir.display()),
            ));
        }
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io(parent, &e))?;
        }
        fs::write(&path, &f.data).map_err(|e| io(&path, &e))?;
    }
    Ok(())
}
