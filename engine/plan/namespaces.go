package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envctl/envctl/project"
)

// propagateNamespaces recreates services that hold a recreated service's
// container ID: network_mode, ipc and pid service:X and volumes_from X point
// at a container, not a name, so they must follow it.
func (pl *Plan) propagateNamespaces(p *project.Project) {
	for changed := true; changed; {
		changed = false
		for _, name := range pl.Order {
			sp := pl.Services[name]
			svc := p.Services[name]
			for _, ref := range namespaceRefs(svc) {
				target, ok := pl.Services[ref.service]
				if !ok || !target.recreates() {
					continue
				}
				for i := range sp.Replicas {
					r := &sp.Replicas[i]
					if r.Kind == Keep || r.Kind == Start {
						r.Kind = Recreate
						r.Reason = fmt.Sprintf("%s %s, which is recreated", ref.what, ref.service)
						changed = true
					}
				}
			}
		}
	}
}

type nsRef struct{ service, what string }

func namespaceRefs(svc types.ServiceConfig) []nsRef {
	var out []nsRef
	for _, ns := range [][2]string{{svc.NetworkMode, "shares the network namespace of"}, {svc.Ipc, "shares the IPC namespace of"}, {svc.Pid, "shares the PID namespace of"}} {
		if t, ok := strings.CutPrefix(ns[0], "service:"); ok {
			out = append(out, nsRef{t, ns[1]})
		}
	}
	for _, v := range svc.VolumesFrom {
		t, _, _ := strings.Cut(v, ":")
		if t != "container" {
			out = append(out, nsRef{t, "takes volumes from"})
		}
	}
	return out
}

func (sp *ServicePlan) recreates() bool {
	// dependents bind to the first container, so only its replacement matters
	return slices.ContainsFunc(sp.Replicas, func(r Replica) bool {
		return r.Kind == Recreate || r.Kind == Create && r.Number == 1
	})
}
