package geom

import "math"

// Circle is round.
type Circle struct {
	R float64
}

// Area of the circle.
func (c *Circle) Area() float64 {
	return math.Pi * square(c.R)
}

// Double is twice the area.
func (c Circle) Double() float64 {
	return 2 * c.Area()
}
