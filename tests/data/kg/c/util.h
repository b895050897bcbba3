#ifndef UTIL_H
#define UTIL_H
int add(int a, int b);
struct point { int x; int y; };
#endif
