/*
 * bcryptprimitives.dll for wine: Go 1.24 and later read their random
 * numbers through ProcessPrng from this DLL when they start, and wine 8.0
 * lacks the export, so every Go program dies at once. This stub exports
 * ProcessPrng and fills the buffer with RtlGenRandom (SystemFunction036
 * from advapi32), which wine has. Only `make test-windows` installs it, into
 * its own wine prefix; real Windows has the DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
