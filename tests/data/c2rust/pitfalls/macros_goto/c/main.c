#include <stdio.h>
#include <stdlib.h>

#define SQUARE(x) ((x) * (x))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define STR(s) #s
#define CAT(a, b) a##b

static int CAT(lookups_, done) = 0;

static int find(const int *xs, int n, int want)
{
    int i = 0;
    lookups_done++;
again:
    if (i >= n)
        goto missing;
    if (xs[i] == want)
        goto found;
    i++;
    goto again;
found:
    return i;
missing:
    return -1;
}

int main(int argc, char **argv)
{
    int xs[] = {4, 8, 15, 16, 23, 42};
    int i = 3;
    int sq = SQUARE(i + 1);
    int m = MAX(i++, 2); /* i++ runs twice: the macro pitfall */
    int want = argc > 1 ? atoi(argv[1]) : 15;
    int at = find(xs, 6, want);
    printf("%s = %d\n", STR(SQUARE(i + 1)), sq);
    printf("m=%d i=%d\n", m, i);
    printf("find(%d) = %d after %d lookup(s)\n", want, at, lookups_done);
    return at < 0 ? 3 : 0;
}
