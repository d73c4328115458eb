package task

import (
	"errors"
	"testing"
)

func TestCheckName(t *testing.T) {
	for name, likeID := range map[string]bool{
		"": false, "web": false, "api-2": false, "build/x": false, "café": false, "deadbeefg": false,
		"1a2b": true, "DEADBEEF": true, "0123-abcd": true, "-": true, "42": true,
	} {
		if err := CheckName(name); errors.Is(err, ErrNameLikeID) != likeID {
			t.Errorf("CheckName(%q) = %v, want like-an-id %v", name, err, likeID)
		}
	}
	if CheckName("a\x00b") == nil {
		t.Error("a name with NUL was accepted")
	}
}
