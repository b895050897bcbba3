use std::fmt::Arguments;
use std::io::Write;

fn sum(values: &[i32]) -> i32 {
    values.iter().sum()
}

fn log_msg(level: &str, message: Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "[{level}] {message}");
}

fn main() {
    println!("{} {}", sum(&[1, 2, 3]), sum(&[]));
    log_msg("info", format_args!("{} has {} items ({:5.1}%)", "cart", 3, 42.27));
    println!("{:<6}|{:>6}|{:06}|{:x}|{:X}|{:o}|{}|{:+}|{:>5}|", "ab", "cd", 42, 255, 255, 8, 'z', 5, &"xyz"[..2]);
    let buf = format!("{:03}-{}", 7, "x");
    println!("{buf}");
    log_msg("warn", format_args!("done"));
}
