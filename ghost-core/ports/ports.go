// Package ports finds the network ports a task's processes listen on,
// from the operating system's own tables: no external tools.
package ports

import (
	"errors"
	"fmt"
)

// ErrUnsupported means this system offers no way to list them here.
var ErrUnsupported = errors.New("listing ports is not supported on this system")

// Port is one listening socket.
type Port struct {
	Protocol string `json:"protocol"` // tcp or udp
	Address  string `json:"address"`  // the local address it is bound to
	Port     int    `json:"port"`
}

func (p Port) String() string {
	return fmt.Sprintf("%s %s:%d", p.Protocol, p.Address, p.Port)
}
