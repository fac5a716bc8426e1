use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let mut times = Vec::new();
    let mut len = 0;
    for _ in 0..n {
        let t = Instant::now();
        let mut vm = jsonnet::JsonnetVm::new();
        let out = vm.evaluate_file(&path).map_err(|e| e.to_string()).unwrap();
        len = out.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("jsonnet-rs: {len} bytes, median {:.1} ms over {n} runs", times[n / 2]);
}
