package datadir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

func TestLocateUsesLocalAppData(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"GHOST_DATA_DIR": `C:\g`, "LOCALAPPDATA": `C:\l`}, `C:\g`},
		{map[string]string{"LOCALAPPDATA": `C:\Users\u\AppData\Local`}, `C:\Users\u\AppData\Local\ghost`},
		{map[string]string{"LOCALAPPDATA": `relative`, "USERPROFILE": `C:\Users\u`}, `C:\Users\u\AppData\Local\ghost`},
		{map[string]string{"USERPROFILE": `C:\Users\u`}, `C:\Users\u\AppData\Local\ghost`},
	} {
		got, err := Locate(func(k string) string { return tc.env[k] })
		if err != nil || got != tc.want {
			t.Errorf("Locate(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}

// aces lists the SIDs and rights of a directory's access list.
func aces(t *testing.T, path string) (sids []string, masks []uint32, protected bool) {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		sids = append(sids, (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String())
		masks = append(masks, uint32(ace.Mask))
	}
	control, _, _ := sd.Control()
	return sids, masks, control&windows.SE_DACL_PROTECTED != 0
}

// underWine reports whether this is wine rather than Windows.
func underWine() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Wine`, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	k.Close()
	return true
}

// skipUnderWine: wine 8.0 keeps no access lists of its own; it maps them
// onto Unix mode bits and reads back a default list (SYSTEM and the user).
// The windows-latest CI job checks these on Windows.
func skipUnderWine(t *testing.T) {
	if underWine() {
		t.Skip("wine keeps no ACLs (it maps them onto Unix mode bits); checked on Windows by CI")
	}
}

func TestOpenMakesDirectoriesOnlyTheUserMayEnter(t *testing.T) {
	skipUnderWine(t)
	user, err := userSID()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(filepath.Join(t.TempDir(), "a", "ghost"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{d.Path, d.LogDir(), d.ExitDir()} {
		sids, _, protected := aces(t, p)
		for _, s := range sids {
			if s != user.String() {
				t.Errorf("%s lets in %s (entries %v), want only %s", p, s, sids, user)
			}
		}
		if len(sids) == 0 {
			t.Errorf("%s has no entry for the user", p)
		}
		if p == d.Path && !protected {
			t.Errorf("%s inherits its parent's entries", p)
		}
	}
	// Files made inside inherit the single entry.
	f, err := OpenFile(filepath.Join(d.LogDir(), "x.log"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if sids, _, _ := aces(t, filepath.Join(d.LogDir(), "x.log")); len(sids) != 1 || sids[0] != user.String() {
		t.Errorf("a new log lets in %v, want only %s", sids, user)
	}
}

func TestOpenRefusesADirectoryOthersMayWrite(t *testing.T) {
	skipUnderWine(t)
	user, err := userSID()
	if err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(t.TempDir(), "open")
	// The user, and Everyone (WD) with full control.
	sd, err := windows.SecurityDescriptorFromString("D:P(A;OICI;FA;;;" + user.String() + ")(A;OICI;FA;;;WD)")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := windows.UTF16PtrFromString(open)
	sa := windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(sa))
	if err := windows.CreateDirectory(p, &sa); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(open); !errors.Is(err, ErrUnsafe) {
		t.Fatalf("writable by Everyone: %v, want ErrUnsafe", err)
	}
	if _, err := os.Stat(filepath.Join(open, "logs")); err == nil {
		t.Error("logs was created inside a refused directory")
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := Open(file); err == nil {
		t.Error("a plain file was accepted as data directory")
	}
}

func TestOpenFileSharesDeletion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	w, err := OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); !errors.Is(err, os.ErrExist) {
		t.Errorf("creating it again: %v, want ErrExist", err)
	}
	r, err := OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w.WriteString("before\n")
	// Rotation renames the file under both the writer and a reader.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatalf("renaming a log held open: %v", err)
	}
	w.WriteString("after\n")
	b := make([]byte, 64)
	n, _ := r.Read(b)
	if string(b[:n]) != "before\nafter\n" {
		t.Errorf("reader got %q", b[:n])
	}
	if _, err := OpenFile(filepath.Join(dir, "missing"), os.O_RDONLY, 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("opening a missing file: %v, want ErrNotExist", err)
	}
}
