package com.ex;

public class Circle implements Shape {
    private final double r;

    public Circle(double r) {
        this.r = r;
    }

    public double area() {
        return Util.square(r) * Math.PI;
    }

    public double twice() {
        return 2 * area();
    }
}
