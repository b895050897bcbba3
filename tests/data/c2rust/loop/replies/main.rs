use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 {
        eprintln!("usage: calc WORD...");
        return ExitCode::from(2);
    }
    let mut h: u32 = 2166136261;
    let words = (args.len() - 1) as f64;
    for (i, word) in args.iter().enumerate().skip(1) {
        for b in word.bytes() {
            h = mix(h, b as u32);
        }
        print_row(word, h, 100.0 * i as f64 / words);
    }
    ExitCode::SUCCESS
}
