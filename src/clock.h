#ifndef ORCH_CLOCK_H
#define ORCH_CLOCK_H

/* Seconds on the monotonic clock: for durations and deadlines, never for dates. */
double orch_now(void);

#endif
