#ifndef SHAPES_H
#define SHAPES_H

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define API(name) name
#define DEFINE_GETTER(field) \
    int get_##field(void) { return field; }

typedef struct Point {
    int x;
    int y;
} Point;

enum Color { RED, GREEN };

typedef int (*binop)(int, int);

int util_sum(const Point *p);
int op_add(int a, int b);
int op_mul(int a, int b);
extern int counter;

#endif
