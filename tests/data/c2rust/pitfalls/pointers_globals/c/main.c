#include <stdio.h>

static int calls = 0;
int total = 0;

static void add(int v)
{
    calls++;
    total += v;
}

static int *max_ptr(int *begin, int *end)
{
    int *best = begin;
    int *p;
    for (p = begin; p < end; p++)
        if (*p > *best)
            best = p;
    return best;
}

static void reverse(int *a, int n)
{
    int *l = a, *r = a + n - 1;
    while (l < r) {
        int t = *l;
        *l++ = *r;
        *r-- = t;
    }
}

int main(void)
{
    int a[64];
    int n = 0, k;
    while (n < 64 && scanf("%d", &a[n]) == 1)
        n++;
    if (n == 0) {
        fprintf(stderr, "no numbers\n");
        return 1;
    }
    reverse(a, n);
    for (k = 0; k < n; k++) {
        printf(k ? " %d" : "%d", a[k]);
        add(a[k]);
    }
    printf("\nmax at %ld, calls=%d total=%d\n", (long)(max_ptr(a, a + n) - a), calls, total);
    return 0;
}
