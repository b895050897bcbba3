/// How C's printf writes infinities and NaNs (with the sign bit, as glibc does).
fn special(v: f64) -> Option<String> {
    let sign = if v.is_sign_negative() { "-" } else { "" };
    if v.is_nan() {
        Some(format!("{sign}nan"))
    } else if v.is_infinite() {
        Some(format!("{sign}inf"))
    } else {
        None
    }
}

/// `%.Nf`
fn fmt_f(v: f64, precision: usize) -> String {
    special(v).unwrap_or_else(|| format!("{:.*}", precision, v))
}

/// `%.Ne`: Rust writes `1.5e3`, C writes `1.5e+03`.
fn fmt_e(v: f64, precision: usize) -> String {
    if let Some(s) = special(v) {
        return s;
    }
    let text = format!("{:.*e}", precision, v);
    let (mantissa, exp) = text.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// `%.Ng`: the shorter of %e and %f by C's rule, without trailing zeros.
fn fmt_g(v: f64, precision: usize) -> String {
    if let Some(s) = special(v) {
        return s;
    }
    let p = precision.max(1);
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let exp: i32 = format!("{:.*e}", p - 1, v).split_once('e').unwrap().1.parse().unwrap();
    let strip = |s: &str| -> String {
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
    };
    if exp < -4 || exp >= p as i32 {
        let text = fmt_e(v, p - 1);
        let (mantissa, rest) = text.split_once('e').unwrap();
        format!("{}e{rest}", strip(mantissa))
    } else {
        strip(&format!("{:.*}", (p as i32 - 1 - exp) as usize, v))
    }
}

fn main() {
    let vals = [0.0, -0.0, 1.0 / 3.0, 2.5, 1e-5, 123456789.0, 0.1 + 0.2, 100.0, 1e-300,
                f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN, 0.000123456, 999999.5, 1e21];
    for v in vals {
        println!("{}|{}|{}|{}|{:>10}|{}|{}", fmt_f(v, 6), fmt_e(v, 6), fmt_g(v, 6), fmt_g(v, 3),
                 fmt_f(v, 4), fmt_f(v, 0), fmt_e(v, 2));
    }
}
