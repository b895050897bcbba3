#include "util.h"

/* Add two numbers. */
int add(int a, int b) { return a + b; }

static int twice(int a) { return add(a, a); }
