#ifndef STATS_H
#define STATS_H

#define ALPHABET 26

struct counts {
    long lines;
    long words;
    long chars;
    long letters[ALPHABET];
};

void count_text(const char *text, struct counts *out);
double mean_word_length(const struct counts *c);

#endif
