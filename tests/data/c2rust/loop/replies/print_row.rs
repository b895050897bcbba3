fn print_row(label: &str, h: u32, share: f64) {
    println!("{:<5} {:08x} {:6.1}%", label, h, share);
}
