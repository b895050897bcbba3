use std::process::ExitCode;

fn find(xs: &[i32], want: i32, lookups: &mut i32) -> i32 {
    *lookups += 1;
    xs.iter().position(|&x| x == want).map_or(-1, |i| i as i32)
}

fn main() -> ExitCode {
    let xs = [4, 8, 15, 16, 23, 42];
    let mut lookups = 0;
    let mut i = 3;
    let sq = (i + 1) * (i + 1);
    // MAX(i++, 2): the comparison and the chosen branch each increment i.
    let first = i;
    i += 1;
    let m = if first > 2 {
        let second = i;
        i += 1;
        second
    } else {
        2
    };
    let want = std::env::args().nth(1).map_or(15, |a| atoi(&a));
    let at = find(&xs, want, &mut lookups);
    println!("SQUARE(i + 1) = {sq}");
    println!("m={m} i={i}");
    println!("find({want}) = {at} after {lookups} lookup(s)");
    ExitCode::from(if at < 0 { 3 } else { 0 })
}

/// C's atoi: optional sign and leading digits, 0 when there are none.
fn atoi(s: &str) -> i32 {
    let s = s.trim_start();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let n = digits.chars().take_while(|c| c.is_ascii_digit()).fold(0i32, |n, c| {
        n.wrapping_mul(10).wrapping_add(c as i32 - '0' as i32)
    });
    sign * n
}
