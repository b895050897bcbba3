#include <stdint.h>
#include <stdio.h>

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

int main(int argc, char **argv)
{
    const char *word = argc > 1 ? argv[1] : "hello";
    unsigned char c = 250;
    unsigned int u = 0;
    int s = -1;
    int wide = 300;
    uint64_t big = UINT64_MAX;
    uint16_t h16 = 40000;
    int x = -7;
    c += 10;
    u--;
    big += 2;
    h16 = (uint16_t)(h16 + h16);
    printf("fnv1a(%s) = %08x\n", word, fnv1a(word));
    printf("%u %u %u %d\n", c, u, (unsigned)s, (int)(unsigned char)wide);
    printf("%llu %u %u\n", (unsigned long long)big, h16, 1u << 31);
    printf("%d %d %d\n", x / 2, x % 2, x >> 1);
    printf("%d\n", (int)(fnv1a(word) % 7u));
    return 0;
}
