#include <stdarg.h>
#include <stdio.h>

static int sum(int n, ...)
{
    va_list ap;
    int s = 0;
    va_start(ap, n);
    while (n-- > 0)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

static void log_msg(const char *level, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[%s] ", level);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int main(void)
{
    char buf[32];
    printf("%d %d\n", sum(3, 1, 2, 3), sum(0));
    log_msg("info", "%s has %d items (%5.1f%%)", "cart", 3, 42.27);
    printf("%-6s|%6s|%06d|%x|%X|%o|%c|%+d|%5.2s|\n", "ab", "cd", 42, 255, 255, 8, 'z', 5, "xyz");
    snprintf(buf, sizeof buf, "%03d-%s", 7, "x");
    puts(buf);
    log_msg("warn", "done");
    return 0;
}
