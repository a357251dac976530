/* clock.h - the daemon's wall clock. */
#ifndef CAHIER_CLOCK_H
#define CAHIER_CLOCK_H

#include <stdint.h>

/* Milliseconds since the Unix epoch (the system's real-time clock). */
int64_t clock_now_ms(void);

#endif
