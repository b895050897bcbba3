package geom

func square(x float64) float64 {
	return x * x
}
