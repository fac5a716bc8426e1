use std::path::Path;
use std::time::Instant;
use jrsonnet_evaluator::{manifest::JsonFormat, trace::PathResolver, FileImportResolver, State};
fn eval(path: &Path) -> String {
    let mut b = State::builder();
    b.import_resolver(FileImportResolver::new(vec![]));
    b.context_initializer(jrsonnet_stdlib::ContextInitializer::new(PathResolver::new_cwd_fallback()));
    let state = b.build();
    let _g = state.try_enter().unwrap();
    let v = state.import(path).map_err(|e| e.to_string()).unwrap();
    v.manifest(JsonFormat::cli(2)).map_err(|e| e.to_string()).unwrap()
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let mut times = Vec::new();
    let mut len = 0;
    for _ in 0..n {
        let t = Instant::now();
        len = eval(Path::new(&path)).len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("jrsonnet: {len} bytes, median {:.1} ms over {n} runs", times[n / 2]);
}
