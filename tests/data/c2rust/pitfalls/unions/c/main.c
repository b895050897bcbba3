#include <stdio.h>
#include <stdint.h>

union bits {
    float f;
    uint32_t u;
    unsigned char b[4];
};

struct tagged {
    int kind;
    union {
        int i;
        double d;
    } v;
};

int main(void)
{
    float vals[] = {1.5f, -0.0f, 0.1f, 3.0e10f};
    struct tagged items[3] = {{0, {.i = 7}}, {1, {.d = 2.25}}, {0, {.i = -1}}};
    int k;
    for (k = 0; k < 4; k++) {
        union bits x;
        x.f = vals[k];
        printf("%g -> 0x%08x bytes %02x %02x %02x %02x\n", x.f, x.u, x.b[0], x.b[1], x.b[2], x.b[3]);
    }
    for (k = 0; k < 3; k++) {
        if (items[k].kind == 0)
            printf("int %d\n", items[k].v.i);
        else
            printf("double %.2f\n", items[k].v.d);
    }
    printf("sizeof(union bits) = %zu\n", sizeof(union bits));
    return 0;
}
