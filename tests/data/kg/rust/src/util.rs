pub fn double(x: f64) -> f64 {
    x * 2.0
}

pub const SCALE: f64 = 2.0;
