pub mod geometry;
mod util;

use crate::geometry::Circle;

/// Area plus one doubled unit.
pub fn total_area(c: &Circle) -> f64 {
    c.area() + util::double(1.0)
}
