#include <stdio.h>
#include <stdlib.h>
#include "stats.h"

static char buffer[1 << 16];

int main(int argc, char **argv)
{
    int top = argc > 1 ? atoi(argv[1]) : 3;
    size_t n = fread(buffer, 1, sizeof buffer - 1, stdin);
    struct counts c;
    int shown = 0;
    buffer[n] = '\0';
    if (n == 0) {
        fprintf(stderr, "wordstat: empty input\n");
        return 1;
    }
    count_text(buffer, &c);
    printf("lines %ld, words %ld, chars %ld\n", c.lines, c.words, c.chars);
    printf("mean word length %.3g\n", mean_word_length(&c));
    while (shown < top) {
        int best = -1, k;
        for (k = 0; k < ALPHABET; k++)
            if (c.letters[k] > 0 && (best < 0 || c.letters[k] > c.letters[best]))
                best = k;
        if (best < 0)
            break;
        printf("%c %5.1f%%\n", 'a' + best, 100.0 * c.letters[best] / c.chars);
        c.letters[best] = 0;
        shown++;
    }
    return 0;
}
