// Package plan decides what to change on the engine so that a project's
// containers, networks and volumes match its files. It is a pure function of
// the project and the observed state, printable, and tested without an engine.
package plan

// Container is an existing container as the plan needs to see it.
type Container struct {
	ID      string
	Name    string
	Service string
	Number  int
	State   string // running, exited, created, paused, restarting, dead
	Hash    string // config-hash label
	// Keys holds a short hash per top-level service key, from the config-keys
	// label, so that a recreate can say which keys changed.
	Keys    map[string]string
	ImageID string
	OneOff  bool
}

// Running reports whether the container is up (paused counts as up).
func (c Container) Running() bool {
	return c.State == "running" || c.State == "paused" || c.State == "restarting"
}

// State is what exists on the engine for one project.
type State struct {
	Containers []Container
	// Networks and Volumes are engine names that exist (the project's and the
	// external ones the project refers to).
	Networks map[string]bool
	Volumes  map[string]bool
	// Images maps an image reference to its ID, for the images services use.
	Images map[string]string
}
