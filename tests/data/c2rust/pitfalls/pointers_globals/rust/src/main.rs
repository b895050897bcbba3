use std::io::Read;
use std::process::ExitCode;

/// The running totals the C program kept in globals, owned by `main` instead.
#[derive(Default)]
struct Totals {
    calls: i32,
    total: i32,
}

impl Totals {
    fn add(&mut self, v: i32) {
        self.calls += 1;
        self.total = self.total.wrapping_add(v);
    }
}

/// Index of the first largest element (the C version returned a pointer).
fn max_index(a: &[i32]) -> usize {
    let mut best = 0;
    for (i, &v) in a.iter().enumerate() {
        if v > a[best] {
            best = i;
        }
    }
    best
}

fn main() -> ExitCode {
    let mut input = String::new();
    let _ = std::io::stdin().read_to_string(&mut input);
    let mut a: Vec<i32> = Vec::new();
    for word in input.split_whitespace() {
        match word.parse() {
            Ok(v) if a.len() < 64 => a.push(v),
            _ => break,
        }
    }
    if a.is_empty() {
        eprintln!("no numbers");
        return ExitCode::from(1);
    }
    a.reverse();
    let mut totals = Totals::default();
    let line: Vec<String> = a.iter().map(|v| v.to_string()).collect();
    print!("{}", line.join(" "));
    for &v in &a {
        totals.add(v);
    }
    println!("\nmax at {}, calls={} total={}", max_index(&a), totals.calls, totals.total);
    ExitCode::SUCCESS
}
