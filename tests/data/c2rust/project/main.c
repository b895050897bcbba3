#include <stdio.h>
#include <stdlib.h>
#include "shapes.h"

#define NORETURN __attribute__ ((noreturn))
static void fail(int code) NORETURN;

typedef struct { int lo, hi; } Range;

static binop table[] = { op_add, op_mul };

static int helper(int v)
{
    return v + 100;
}

/* K&R definition */
int scale(v, k)
    int v;
    int k;
{
    return helper(v) * k;
}

#ifdef USE_FAST
static int pick(enum Color c) { return c == RED ? 1 : 2; }
#else
static int pick(enum Color c)
{
    return c == GREEN ? 2 : 1;
}
#endif

DEFINE_GETTER(counter)

int API(entry)(int n)
{
    return table[n % 2](n, 3);
}

static void fail(int code)
{
    exit(code);
}

int main(void)
{
    Point p = { 3, 4 };
    Range r = { 0, 1 };
    if (r.hi < r.lo)
        fail(2);
    printf("%d %d %d %d\n", util_sum(&p), scale(2, 3), pick(RED), entry(1));
    printf("%d\n", get_counter());
    return 0;
}
