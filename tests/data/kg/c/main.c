#include <stdio.h>
#include "util.h"

int counter = 0;

int main(void) {
    struct point p;
    p.x = add(1, 2);
    printf("%d\n", p.x);
    return 0;
}
