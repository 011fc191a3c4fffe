package plan

import (
	"fmt"
	"strings"
)

// String is the plan's stable text form: what --dry-run prints and what the
// golden tests compare. One line per decision, with its reason.
func (pl *Plan) String() string {
	var b strings.Builder
	for _, n := range pl.Networks {
		fmt.Fprintf(&b, "network %s: create (%s)\n", n.Name, n.Reason)
	}
	for _, v := range pl.Volumes {
		fmt.Fprintf(&b, "volume %s: create (%s)\n", v.Name, v.Reason)
	}
	for _, name := range pl.Order {
		sp := pl.Services[name]
		fmt.Fprintf(&b, "service %s:\n", name)
		for _, r := range sp.Replicas {
			kind := r.Kind
			if kind == Keep || !pl.Start && kind == Start {
				kind = Keep
			}
			line := fmt.Sprintf("  container %s: %s (%s)", r.Name, kind, r.Reason)
			if r.Kind == Recreate && r.Old != nil && r.Old.Name != r.Name {
				line += " [was " + r.Old.Name + "]"
			}
			if (r.Kind == Create || r.Kind == Recreate) && pl.Start {
				line += ", then start"
			}
			b.WriteString(line + "\n")
		}
		for _, rm := range sp.Remove {
			fmt.Fprintf(&b, "  container %s: remove (%s)\n", rm.Container.Name, rm.Reason)
		}
	}
	for _, o := range pl.Orphans {
		if pl.RemoveOrphans {
			fmt.Fprintf(&b, "container %s: remove (%s)\n", o.Container.Name, o.Reason)
		} else {
			fmt.Fprintf(&b, "container %s: keep (%s; --remove-orphans removes it)\n", o.Container.Name, o.Reason)
		}
	}
	return b.String()
}

// Changes reports whether executing the plan would change anything.
func (pl *Plan) Changes() bool {
	if len(pl.Networks)+len(pl.Volumes) > 0 || pl.RemoveOrphans && len(pl.Orphans) > 0 {
		return true
	}
	for _, sp := range pl.Services {
		if len(sp.Remove) > 0 {
			return true
		}
		for _, r := range sp.Replicas {
			if r.Kind == Create || r.Kind == Recreate || r.Kind == Start && pl.Start {
				return true
			}
		}
	}
	return false
}
