//! `measure` and `measure-system`: time kaapana-chart's render of one
//! chart folder, for `compare-helm`.
//!
//! ```text
//! measure DIR N        time N renders (after one warm-up render); print
//!                      {"chart", "runs", "min_us", "median_us",
//!                       "fresh_engine_min_us", "fresh_engine_median_us",
//!                       "load_render_min_us", "load_render_median_us",
//!                       "output_bytes"}
//! measure --print DIR  render once; print {"manifests": {name: text}}
//! ```
//!
//! A render is a full `Engine::render_chart` (dependencies, values, parse
//! every file, execute every non-partial one): the same unit of work as
//! Helm's `chart.render` on a loaded chart. All renders but the fresh-engine
//! ones use one engine, which keeps parsed files and `tpl` strings across
//! renders; the fresh-engine figure is a render by a new `Engine::new()`
//! (construction included), i.e. parsing everything as Helm does.
//! Load+render adds loading the chart (folder or archive) with the real
//! loader, like Helm's `Chart.load` followed by `render`.
//!
//! The two programs differ only in the allocator: `measure` uses mimalloc,
//! as the `kaapana-chart` command line does; `measure-system` the system
//! allocator (glibc malloc), which an embedder gets unless it chooses
//! another.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::Input;
use kaapana_chart::Engine;

fn usage(bin: &str) -> ExitCode {
    eprintln!("usage: {bin} DIR N | {bin} --print DIR");
    ExitCode::from(2)
}

/// Minimum and median of `times`, in microseconds.
fn min_median(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    (us(times[0]), us(times[times.len() / 2]))
}

/// The whole program; `bin` names it in messages.
pub fn main(bin: &str) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (print, dir, runs) = match args.as_slice() {
        [flag, dir] if flag == "--print" => (true, Path::new(dir), 1),
        [dir, n] => match n.parse::<usize>() {
            Ok(n) if n > 0 => (false, Path::new(dir), n),
            _ => return usage(bin),
        },
        _ => return usage(bin),
    };
    let input = match Input::load(dir) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("{bin}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let engine = Engine::new();
    // The warm-up render also checks that the input renders at all, so that
    // the loops below never time an error path.
    let rendered = match input.render(&engine) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("{bin}: {}: {e:#}", input.name);
            return ExitCode::FAILURE;
        }
    };
    if print {
        println!("{}", serde_json::json!({ "manifests": rendered }));
        return ExitCode::SUCCESS;
    }

    let mut render = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let out = input.render(&engine);
        render.push(start.elapsed());
        // Dropping the output is not part of the render.
        drop(std::hint::black_box(out));
    }
    let mut load_render = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let out = Input::load(dir).map(|input| input.render(&engine));
        load_render.push(start.elapsed());
        drop(std::hint::black_box(out));
    }

    // The same render with a new engine each time: no parse is reused
    // (the engine keeps parses across renders), and building the engine's
    // function registry is counted too.
    let mut fresh = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let out = input.render(&Engine::new());
        fresh.push(start.elapsed());
        drop(std::hint::black_box(out));
    }

    let (min_us, median_us) = min_median(render);
    let (fresh_min_us, fresh_median_us) = min_median(fresh);
    let (load_render_min_us, load_render_median_us) = min_median(load_render);
    let output_bytes: usize = rendered.values().map(String::len).sum();
    let json = serde_json::json!({
        "chart": input.name,
        "runs": runs,
        "min_us": min_us,
        "median_us": median_us,
        "fresh_engine_min_us": fresh_min_us,
        "fresh_engine_median_us": fresh_median_us,
        "load_render_min_us": load_render_min_us,
        "load_render_median_us": load_render_median_us,
        "output_bytes": output_bytes,
    });
    println!("{json}");
    ExitCode::SUCCESS
}
