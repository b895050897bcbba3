#include <stdio.h>

static unsigned int mix(unsigned int h, unsigned int v)
{
    return (h ^ v) * 16777619u;
}

static void print_row(const char *label, unsigned int h, double share)
{
    printf("%-5s %08x %6.2f%%\n", label, h, share);
}

int main(int argc, char **argv)
{
    unsigned int h = 2166136261u;
    int i;
    const char *s;
    if (argc < 2) {
        fprintf(stderr, "usage: calc WORD...\n");
        return 2;
    }
    for (i = 1; i < argc; i++) {
        for (s = argv[i]; *s; s++)
            h = mix(h, (unsigned char)*s);
        print_row(argv[i], h, 100.0 * i / (argc - 1));
    }
    return 0;
}
