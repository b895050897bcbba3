#include "circle.hpp"

double scale(double v) { return 3.14 * v; }

Circle::Circle(double r) : r_(r) {}

double Circle::area() const { return scale(r_ * r_); }
