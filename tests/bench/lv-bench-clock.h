/* lv-bench-clock: the two clocks of the libstrophe benchmark programs: wall time
 * (monotonic) and this process's CPU time, in seconds. */
#pragma once

#include <sys/resource.h>
#include <time.h>

static inline double
lv_bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double
lv_bench_cpu_seconds(void)
{
    struct rusage usage;

    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
           (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}
