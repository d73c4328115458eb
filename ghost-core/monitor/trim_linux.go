package monitor

/*
#include <stddef.h>

// Weak, so a C library without malloc_trim (musl) links and skips it.
extern int malloc_trim(size_t) __attribute__((weak));

static void ghost_malloc_trim(void) {
	if (malloc_trim) malloc_trim(0);
}
*/
import "C"

// trimMalloc hands the C heap's free pages (SQLite's, once the database is
// closed) back to the system.
func trimMalloc() { C.ghost_malloc_trim() }
