enum Value {
    Int(i32),
    Double(f64),
}

/// C's `%g` (precision 6, no `#` flag).
fn fmt_g(v: f64) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let sci = format!("{:.5e}", v);
    let exp: i32 = sci.split_once('e').unwrap().1.parse().unwrap();
    if !(-4..6).contains(&exp) {
        let (mantissa, _) = sci.split_once('e').unwrap();
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let fixed = format!("{:.*}", (5 - exp) as usize, v);
        if fixed.contains('.') { fixed.trim_end_matches('0').trim_end_matches('.').to_string() } else { fixed }
    }
}

fn main() {
    let vals = [1.5f32, -0.0, 0.1, 3.0e10];
    for v in vals {
        let u = v.to_bits();
        let b = u.to_le_bytes();
        println!("{} -> 0x{:08x} bytes {:02x} {:02x} {:02x} {:02x}", fmt_g(v as f64), u, b[0], b[1], b[2], b[3]);
    }
    for item in [Value::Int(7), Value::Double(2.25), Value::Int(-1)] {
        match item {
            Value::Int(i) => println!("int {i}"),
            Value::Double(d) => println!("double {d:.2}"),
        }
    }
    println!("sizeof(union bits) = {}", std::mem::size_of::<u32>());
}
