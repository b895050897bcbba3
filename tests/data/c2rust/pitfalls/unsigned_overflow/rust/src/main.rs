fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619))
}

fn main() {
    let word = std::env::args().nth(1).unwrap_or_else(|| "hello".to_string());
    let c = 250u8.wrapping_add(10);
    let u = 0u32.wrapping_sub(1);
    let s: i32 = -1;
    let wide: i32 = 300;
    let big = u64::MAX.wrapping_add(2);
    let h16 = 40000u16.wrapping_add(40000);
    let x: i32 = -7;
    println!("fnv1a({word}) = {:08x}", fnv1a(&word));
    println!("{} {} {} {}", c, u, s as u32, wide as u8 as i32);
    println!("{} {} {}", big, h16, 1u32 << 31);
    println!("{} {} {}", x / 2, x % 2, x >> 1);
    println!("{}", (fnv1a(&word) % 7) as i32);
}
