package logs

import (
	"testing"
	"time"
)

// DrainChunks gives each piece with its stream and time, an unfinished
// line included.
func TestDrainChunksTellsStreamsAndTimes(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "t1", DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1_700_000_000, 123_000_000)
	w.WriteStream(Stderr, at, []byte("oops\n"))
	w.WriteStream(Stdout, at.Add(time.Second), []byte("50%"))
	defer w.Close()
	f, err := NewFollower(dir, "t1", -1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []Chunk
	if _, err := f.DrainChunks(func(c Chunk) error {
		c.Data = append([]byte(nil), c.Data...)
		got = append(got, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[0].Data) != "oops\n" || got[0].Stream != Stderr || !got[0].Time.Equal(at) ||
		string(got[1].Data) != "50%" || got[1].Stream != Stdout || !got[1].Time.Equal(at.Add(time.Second)) {
		t.Errorf("chunks %+v", got)
	}
}
