package com.ex;

public final class Util {
    static double square(double x) {
        return x * x;
    }
}
