package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// defaultDir is %LOCALAPPDATA%\ghost: task state is machine-local, so it
// stays out of the roaming profile (%APPDATA%) that follows the user to
// other machines, where its pids would mean nothing.
func defaultDir(getenv func(string) string) (string, error) {
	if d := getenv("LOCALAPPDATA"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ghost"), nil
	}
	home := getenv("USERPROFILE")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding home directory: %w", err)
		}
		home = h
	}
	return filepath.Join(home, "AppData", "Local", "ghost"), nil
}

// userSID is the SID of the user this process runs as.
func userSID() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("reading the current user: %w", err)
	}
	return u.User.Sid, nil
}

// mkdirPrivate makes a directory whose protected ACL lets in only the user
// (the Windows counterpart of mode 0700): nothing is inherited from the
// parent, and what is created inside inherits the same single entry, so
// the database and the logs are the user's alone too.
func mkdirPrivate(path string) error {
	sid, err := userSID()
	if err != nil {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString("O:" + sid.String() + "D:P(A;OICI;FA;;;" + sid.String() + ")")
	if err != nil {
		return fmt.Errorf("making the directory's ACL: %w", err)
	}
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	sa := windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(sa))
	if err := windows.CreateDirectory(p, &sa); err != nil {
		if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
			return os.ErrExist
		}
		return &os.PathError{Op: "mkdir", Path: path, Err: err}
	}
	return nil
}

// Rights that let someone change what is in the directory or who may: any
// of them held by another user makes the directory unsafe, as a group or
// world write bit does on Unix.
const writeRights = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | windows.FILE_WRITE_EA |
	fileDeleteChild | windows.FILE_WRITE_ATTRIBUTES | windows.DELETE | windows.WRITE_DAC |
	windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL

// fileDeleteChild lets its holder delete any entry of a directory.
const fileDeleteChild = 0x40

// trusted holds the accounts that may hold write rights besides the user:
// LocalSystem and the Administrators group can read and change every file
// anyway, and %LOCALAPPDATA% grants them full control by default.
var trusted = []windows.WELL_KNOWN_SID_TYPE{windows.WinLocalSystemSid, windows.WinBuiltinAdministratorsSid}

func isTrusted(sid, user *windows.SID) bool {
	if windows.EqualSid(sid, user) {
		return true
	}
	for _, t := range trusted {
		if sid.IsWellKnown(t) {
			return true
		}
	}
	return false
}

func check(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("checking data directory: %w", err)
	}
	if !fi.IsDir() || fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s: %w: not a directory", path, ErrUnsafe)
	}
	user, err := userSID()
	if err != nil {
		return err
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("checking data directory: reading %s's ACL: %w", path, err)
	}
	if owner, _, err := sd.Owner(); err == nil && owner != nil && !isTrusted(owner, user) {
		return fmt.Errorf("%s: %w: owned by %s, not by you", path, ErrUnsafe, account(owner))
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		// No DACL at all grants everyone everything.
		return fmt.Errorf("%s: %w: it has no access list, so everyone may write to it", path, ErrUnsafe)
	}
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return fmt.Errorf("checking data directory: reading %s's ACL: %w", path, err)
		}
		// Only allowing entries that apply to the directory itself grant
		// anything here.
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if ace.Mask&writeRights != 0 && !isTrusted(sid, user) {
			return fmt.Errorf("%s: %w: writable by %s; remove that entry (icacls %q /remove %s)", path, ErrUnsafe, account(sid), path, sid)
		}
	}
	return nil
}

// account names a SID for a message: DOMAIN\name when it resolves, else
// the SID string.
func account(sid *windows.SID) string {
	if name, domain, _, err := sid.LookupAccount(""); err == nil {
		if domain != "" {
			return domain + `\` + name
		}
		return name
	}
	return sid.String()
}

// OpenFile opens a file in the data directory the way ghost keeps its
// files: never through a symlink or junction someone planted in its place,
// and shared for reading, writing and deletion, so that a log can be
// renamed or removed while a reader (ghost log -f, ghost-ui) holds it open,
// as on Unix. os.OpenFile does not share deletion. New files inherit the
// directory's private ACL, so perm is not used.
func OpenFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var access uint32
	switch flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR) {
	case os.O_RDONLY:
		access = windows.GENERIC_READ
	case os.O_WRONLY:
		access = windows.GENERIC_WRITE
	case os.O_RDWR:
		access = windows.GENERIC_READ | windows.GENERIC_WRITE
	}
	if flag&os.O_APPEND != 0 {
		access &^= windows.GENERIC_WRITE
		access |= windows.FILE_APPEND_DATA
	}
	var disposition uint32
	switch {
	case flag&(os.O_CREATE|os.O_EXCL) == os.O_CREATE|os.O_EXCL:
		disposition = windows.CREATE_NEW
	case flag&(os.O_CREATE|os.O_TRUNC) == os.O_CREATE|os.O_TRUNC:
		disposition = windows.CREATE_ALWAYS
	case flag&os.O_CREATE != 0:
		disposition = windows.OPEN_ALWAYS
	case flag&os.O_TRUNC != 0:
		disposition = windows.TRUNCATE_EXISTING
	default:
		disposition = windows.OPEN_EXISTING
	}
	share := uint32(windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE)
	h, err := windows.CreateFile(p, access, share, nil, disposition,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		switch {
		case errors.Is(err, windows.ERROR_FILE_EXISTS), errors.Is(err, windows.ERROR_ALREADY_EXISTS):
			err = os.ErrExist
		case errors.Is(err, windows.ERROR_FILE_NOT_FOUND), errors.Is(err, windows.ERROR_PATH_NOT_FOUND):
			err = os.ErrNotExist
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &info); err != nil {
		windows.CloseHandle(h)
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	if info.FileAttributes&windows.FILE_ATTRIBUTE_REPARSE_POINT != 0 {
		windows.CloseHandle(h)
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.ELOOP}
	}
	return os.NewFile(uintptr(h), path), nil
}
