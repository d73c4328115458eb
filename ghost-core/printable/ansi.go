package printable

// StripANSI returns b without its ANSI escape sequences: colours and other
// CSI sequences (ESC [ ... final byte), operating system commands (ESC ]
// ... BEL or ESC \), character set choices (ESC ( B) and the other
// two-byte escapes. Everything else, text and other control characters,
// stays. It reuses b's storage.
func StripANSI(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); {
		c := b[i]
		// Only ESC starts a sequence: the 8-bit CSI, 0x9b, is also a UTF-8
		// continuation byte (ě is c4 9b).
		if c != 0x1b {
			out = append(out, c)
			i++
			continue
		}
		i = skipEscape(b, i)
	}
	return out
}

// skipEscape returns the index just past the escape sequence at b[i].
func skipEscape(b []byte, i int) int {
	if i+1 >= len(b) {
		return len(b)
	}
	switch b[i+1] {
	case '[':
		return skipCSI(b, i+2)
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: until ST or BEL
		for j := i + 2; j < len(b); j++ {
			if b[j] == 0x07 {
				return j + 1
			}
			if b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\' {
				return j + 2
			}
		}
		return len(b)
	case '(', ')', '*', '+', '-', '.', '/', '#', '%':
		return min(i+3, len(b))
	}
	return i + 2
}

// skipCSI skips parameter and intermediate bytes up to and including the
// final byte.
func skipCSI(b []byte, j int) int {
	for ; j < len(b); j++ {
		if b[j] >= 0x40 && b[j] <= 0x7e {
			return j + 1
		}
	}
	return len(b)
}
