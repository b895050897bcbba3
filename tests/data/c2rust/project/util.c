#include "shapes.h"

static int helper(int v)
{
    return v * 2;
}

int util_sum(const Point *p)
{
    return helper(p->x) + MAX(p->y, 0);
}
