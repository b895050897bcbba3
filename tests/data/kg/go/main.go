package main

import (
	"fmt"

	"example.com/shapes/geom"
)

func main() {
	c := geom.Circle{R: 2}
	fmt.Println(c.Area(), describe())
}

func describe() string {
	return "circle"
}
