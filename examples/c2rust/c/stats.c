#include <ctype.h>
#include <string.h>
#include "stats.h"

static int is_word_char(int ch)
{
    return isalnum(ch) || ch == '\'';
}

void count_text(const char *text, struct counts *out)
{
    int in_word = 0;
    memset(out, 0, sizeof *out);
    for (; *text; text++) {
        unsigned char ch = (unsigned char)*text;
        out->chars++;
        if (ch == '\n')
            out->lines++;
        if (isalpha(ch))
            out->letters[tolower(ch) - 'a']++;
        if (is_word_char(ch) && !in_word)
            out->words++;
        in_word = is_word_char(ch);
    }
}

double mean_word_length(const struct counts *c)
{
    long letters = 0;
    int k;
    for (k = 0; k < ALPHABET; k++)
        letters += c->letters[k];
    return c->words ? (double)letters / c->words : 0.0;
}
