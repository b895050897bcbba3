package com.ex;

/** A shape. */
public interface Shape {
    double area();
}
