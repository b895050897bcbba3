#include <math.h>
#include <stdio.h>

int main(void)
{
    double vals[] = {0.0, -0.0, 1.0 / 3.0, 2.5, 1e-5, 123456789.0, 0.1 + 0.2, 100.0, 1e-300,
                     HUGE_VAL, -HUGE_VAL, nan(""), -nan(""), 0.000123456, 999999.5, 1e21};
    int n = sizeof vals / sizeof vals[0];
    int k;
    for (k = 0; k < n; k++) {
        double v = vals[k];
        printf("%f|%e|%g|%.3g|%10.4f|%.0f|%.2e\n", v, v, v, v, v, v, v);
    }
    return 0;
}
