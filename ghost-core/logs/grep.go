package logs

import "regexp"

// Grep selects the lines that match a regular expression, with lines of
// context around them, as grep -B/-A/-C prints them: a separator between
// groups that are not adjacent, when context was asked for.
type Grep struct {
	re            *regexp.Regexp
	before, after int
	ring          recordRing // lines kept for the next match's before-context
	left          int        // after-context lines still to print
	printed       bool       // some line was printed
	skipped       int        // lines not printed since the last printed one
}

// NewGrep selects the lines matching re, with before and after lines of
// context.
func NewGrep(re *regexp.Regexp, before, after int) *Grep {
	return &Grep{re: re, before: before, after: after, ring: recordRing{max: before}}
}

// Feed passes r to out if it is selected; sep asks out to print a group
// separator ("--") first.
func (g *Grep) Feed(r Record, out func(r Record, sep bool) error) error {
	if !g.re.Match(r.Line) {
		if g.left > 0 {
			g.left--
			g.skipped = 0
			return out(r, false)
		}
		g.skipped++
		g.ring.add(r)
		return nil
	}
	ctx := g.ring.records()
	sep := g.printed && (g.before > 0 || g.after > 0) && g.skipped > len(ctx)
	for _, c := range ctx {
		if err := out(c, sep); err != nil {
			return err
		}
		sep = false
	}
	g.ring = recordRing{max: g.before}
	g.printed, g.skipped, g.left = true, 0, g.after
	return out(r, sep)
}
