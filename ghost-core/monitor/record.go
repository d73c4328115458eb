package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ghostproject/ghost/ghost-core/datadir"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// A record is the monitor's own note of how a task ended, written to the
// exit directory before the database is updated. If the database cannot be
// written (busy for too long, unwritable), readers fold the record in, so
// an exit is never lost. It is removed once the database has it.
type record struct {
	Status     task.Status `json:"status"`
	ExitCode   *int        `json:"exit_code,omitempty"`
	Signal     string      `json:"signal,omitempty"`
	FinishedNs int64       `json:"finished_ns"`
	LogError   string      `json:"log_error,omitempty"`
	GaveUp     int         `json:"gave_up,omitempty"`
}

// RecordPath is where the monitor of task id leaves its record.
func RecordPath(exitDir, id string) string { return filepath.Join(exitDir, id+".exit") }

// ErrBadRecord reports an exit record that cannot be read as one.
var ErrBadRecord = errors.New("malformed exit record")

// recordSize is the room a task's exit record takes from its start: the
// end is written over it in place, so that writing it needs no new space
// on a disk the task (or anyone) has filled meanwhile.
const recordSize = 1024

// reserveRecord takes the room for task id's exit record before the task
// starts, holding a placeholder that readers take for "not ended yet".
// The write is what takes the room: a file system refuses it, or counts
// its blocks as taken (delayed allocation reserves them then), so a later
// full disk cannot refuse the overwrite. It is not synced: a placeholder
// matters only while the task runs, and a crash of the system ends the
// task too. The sync cost `ghost run` 0.4-1 ms of its critical path.
func reserveRecord(exitDir, id string) error {
	f, err := datadir.OpenFile(RecordPath(exitDir, id), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("reserving exit record: %w", err)
	}
	_, err = f.Write(padRecord([]byte(`{"status":"running"}`)))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(RecordPath(exitDir, id))
		return fmt.Errorf("reserving exit record: %w", err)
	}
	return nil
}

// padRecord pads a record with spaces (JSON whitespace) to recordSize.
func padRecord(b []byte) []byte {
	pad := bytes.Repeat([]byte{' '}, recordSize-len(b)-1)
	return append(append(b, pad...), '\n')
}

func encodeRecord(end task.End) ([]byte, error) {
	for {
		b, err := json.Marshal(record{
			Status: end.Status, ExitCode: end.ExitCode, Signal: end.Signal,
			FinishedNs: end.FinishedAt.UnixNano(), LogError: end.LogError, GaveUp: end.GaveUp,
		})
		if err != nil || len(b) < recordSize || end.LogError == "" {
			return b, err
		}
		// Only the warning can be long: shorten it to fit the room.
		end.LogError = end.LogError[:len(end.LogError)*3/4]
	}
}

func writeRecord(exitDir, id string, end task.End) error {
	b, err := encodeRecord(end)
	if err != nil {
		return err
	}
	if err := overwriteRecord(exitDir, id, b); err == nil {
		return nil
	}
	// No room reserved (a monitor of an older ghost started the task):
	// write a new file.
	tmp := RecordPath(exitDir, id) + ".tmp"
	f, err := datadir.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("writing exit record: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, RecordPath(exitDir, id))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing exit record: %w", err)
	}
	return nil
}

// overwriteRecord writes b over the room reserveRecord took.
func overwriteRecord(exitDir, id string, b []byte) error {
	if len(b) >= recordSize {
		return fmt.Errorf("exit record of %d bytes does not fit", len(b))
	}
	f, err := datadir.OpenFile(RecordPath(exitDir, id), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() != recordSize {
		err = fmt.Errorf("exit record is not a reserved one")
	}
	if err == nil {
		_, err = f.WriteAt(padRecord(b), 0)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadRecord returns the end recorded by the monitor of task id, and
// whether there is such a record.
func ReadRecord(exitDir, id string) (task.End, bool, error) {
	f, err := datadir.OpenFile(RecordPath(exitDir, id), os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return task.End{}, false, nil
	}
	if err != nil {
		return task.End{}, false, fmt.Errorf("reading exit record: %w", err)
	}
	defer f.Close()
	var b [4096]byte
	n, _ := f.Read(b[:])
	if pending(b[:n]) {
		return task.End{}, false, nil
	}
	end, err := ParseRecord(b[:n])
	if err != nil {
		return task.End{}, false, err
	}
	return end, true, nil
}

// ParseRecord reads an exit record's bytes.
func ParseRecord(b []byte) (task.End, error) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return task.End{}, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	switch {
	case r.Status == task.Exited && r.ExitCode != nil && *r.ExitCode >= 0 && *r.ExitCode <= maxExitCode:
	case r.Status == task.Killed && r.Signal != "":
	case r.Status == task.Unknown:
	default:
		return task.End{}, fmt.Errorf("%w: inconsistent status", ErrBadRecord)
	}
	end := task.End{Status: r.Status, ExitCode: r.ExitCode, Signal: r.Signal, LogError: r.LogError, GaveUp: r.GaveUp}
	if r.FinishedNs > 0 {
		end.FinishedAt = time.Unix(0, r.FinishedNs)
	}
	return end, nil
}

// pending reports a record reserved for a task that has not ended.
func pending(b []byte) bool {
	var r record
	return json.Unmarshal(b, &r) == nil && r.Status == task.Running
}

// RemoveRecord deletes the record once the database holds what it says.
func RemoveRecord(exitDir, id string) error {
	err := os.Remove(RecordPath(exitDir, id))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Records are the exit records of one data directory, as the lifecycle
// reads them for monitors that are gone.
type Records string

// Read returns the end noted for task id, and whether there is one; a
// record that cannot be read counts as none.
func (dir Records) Read(id string) (task.End, bool) {
	end, ok, _ := ReadRecord(string(dir), id)
	return end, ok
}

// Remove deletes the record of task id.
func (dir Records) Remove(id string) { RemoveRecord(string(dir), id) }
