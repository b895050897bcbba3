#pragma once
#include "shape.h"
class Circle : public Shape {
public:
    Circle(double r);
    double area() const;
private:
    double r_;
};
