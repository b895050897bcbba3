package com.app;

import com.ex.Circle;

public class Main {
    public static void main(String[] args) {
        Circle c = new Circle(2);
        System.out.println(c.area());
    }
}
