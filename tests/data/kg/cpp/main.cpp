#include "circle.hpp"

int main() {
    Circle c(2.0);
    Shape* s = new Circle(1.0);
    return (int)c.area() + (int)s->area();
}
