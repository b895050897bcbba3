use std::io::Read;
use std::process::ExitCode;

const ALPHABET: usize = 26;

#[derive(Default)]
struct Counts {
    lines: i64,
    words: i64,
    chars: i64,
    letters: [i64; ALPHABET],
}

fn is_word_char(ch: u8) -> bool {
    ch.is_ascii_alphanumeric() || ch == b'\''
}

fn count_text(text: &[u8]) -> Counts {
    let mut out = Counts::default();
    let mut in_word = false;
    for &ch in text {
        out.chars += 1;
        if ch == b'\n' {
            out.lines += 1;
        }
        if ch.is_ascii_alphabetic() {
            out.letters[(ch.to_ascii_lowercase() - b'a') as usize] += 1;
        }
        if is_word_char(ch) && !in_word {
            out.words += 1;
        }
        in_word = is_word_char(ch);
    }
    out
}

fn mean_word_length(c: &Counts) -> f64 {
    let letters: i64 = c.letters.iter().sum();
    if c.words != 0 { letters as f64 / c.words as f64 } else { 0.0 }
}

/// C's `%.3g` for the finite, non-negative values this program prints.
fn fmt_g3(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let exp: i32 = format!("{:.2e}", v).split_once('e').unwrap().1.parse().unwrap();
    if !(-4..3).contains(&exp) {
        let text = format!("{:.2e}", v);
        let (mantissa, _) = text.split_once('e').unwrap();
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    let fixed = format!("{:.*}", (2 - exp) as usize, v);
    if fixed.contains('.') { fixed.trim_end_matches('0').trim_end_matches('.').to_string() } else { fixed }
}

fn main() -> ExitCode {
    let top: i32 = std::env::args().nth(1).and_then(|a| a.trim().parse().ok()).unwrap_or(3);
    let mut buffer = Vec::new();
    let _ = std::io::stdin().take((1 << 16) - 1).read_to_end(&mut buffer);
    if buffer.is_empty() {
        eprintln!("wordstat: empty input");
        return ExitCode::from(1);
    }
    // C stops at the first NUL byte: the text is a C string.
    let text = buffer.split(|&b| b == 0).next().unwrap_or(&[]);
    let mut c = count_text(text);
    println!("lines {}, words {}, chars {}", c.lines, c.words, c.chars);
    println!("mean word length {}", fmt_g3(mean_word_length(&c)));
    let mut shown = 0;
    while shown < top {
        let mut best: Option<usize> = None;
        for k in 0..ALPHABET {
            if c.letters[k] > 0 && best.map_or(true, |b| c.letters[k] > c.letters[b]) {
                best = Some(k);
            }
        }
        let Some(best) = best else { break };
        println!("{} {:5.1}%", (b'a' + best as u8) as char, 100.0 * c.letters[best] as f64 / c.chars as f64);
        c.letters[best] = 0;
        shown += 1;
    }
    ExitCode::SUCCESS
}
