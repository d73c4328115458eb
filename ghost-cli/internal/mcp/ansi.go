package mcp

import "bytes"

// stripANSI removes terminal escape sequences from b: CSI (colours,
// cursor moves), OSC and the other string sequences (titles, links), and
// the short ESC ones. What is not an escape sequence is kept as it is.
// b is one line: a string sequence left open ends with it.
func stripANSI(b []byte) []byte {
	i := bytes.IndexByte(b, 0x1b)
	if i < 0 {
		return b
	}
	out := append(make([]byte, 0, len(b)), b[:i]...)
	for i < len(b) {
		c := b[i]
		if c != 0x1b {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			break // a lone ESC at the end
		}
		j := i + 2
		switch b[i+1] {
		case '[': // CSI: parameters and intermediates (0x20-0x3F), a final byte (0x40-0x7E)
			for j < len(b) && b[j] >= 0x20 && b[j] <= 0x3f {
				j++
			}
			if j < len(b) && b[j] >= 0x40 && b[j] <= 0x7e {
				j++
			}
		case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: to BEL or ESC \
			for j < len(b) && b[j] != '\n' {
				if b[j] == 0x07 {
					j++
					break
				}
				if b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\' {
					j += 2
					break
				}
				j++
			}
		default: // ESC, intermediates (0x20-0x2F), a final byte: ESC ( B, ESC 7, ESC c
			j = i + 1
			for j < len(b) && b[j] >= 0x20 && b[j] <= 0x2f {
				j++
			}
			if j < len(b) && b[j] >= 0x30 && b[j] <= 0x7e {
				j++
			}
		}
		i = j
	}
	return out
}
