fn mix(h: u32, v: u32) -> u32 {
    (h ^ v).wrapping_mul(16777619)
}
